"""Constraints added to every schema of the document: no NUL character in a
string, 64-bit integers with integral bounds."""

from __future__ import annotations

from typing import Any

NO_NUL = "^[^\\u0000]*$"
"""No NUL character: app.limits refuses one in the query and in any JSON string."""


def no_nul(node: Any) -> None:
    """The NUL refusal on every string schema that has no pattern, enum or format."""
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if item.get("type") == "string" and not {"pattern", "enum", "const", "format"} & (
                item.keys()
            ):
                item["pattern"] = NO_NUL
            if isinstance(item.get("additionalProperties"), dict):  # a map: its keys too
                names = item.setdefault("propertyNames", {})
                if not {"pattern", "enum", "const"} & names.keys():
                    names["pattern"] = NO_NUL
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def integer_formats(node: Any) -> None:
    """``format: int64`` on every integer schema that has none (Python ints are
    unbounded; every integer of the API fits 64 bits), and integral bounds."""
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if item.get("type") == "integer":
                item.setdefault("format", "int64")
                for bound in ("minimum", "maximum"):
                    if isinstance(item.get(bound), float) and item[bound].is_integer():
                        item[bound] = int(item[bound])
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
