"""The document's components: only the schemas something refers to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def refs(node: Any) -> Iterator[str]:
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def drop_unused(document: dict[str, Any]) -> None:
    """Remove schemas nothing refers to (FastAPI's validation error models)."""
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    prefix = "#/components/schemas/"
    reached: set[str] = set()
    pending = [ref.removeprefix(prefix) for ref in refs(document.get("paths", {}))]
    while pending:
        name = pending.pop()
        if name in reached or name not in schemas:
            continue
        reached.add(name)
        pending.extend(ref.removeprefix(prefix) for ref in refs(schemas[name]))
    for name in list(schemas):
        if name not in reached:
            del schemas[name]
