"""Refusing basis entries that name no fact or contradict their value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticCustomError

from app.register.basis.fact_basis import BasisKind
from app.register.basis.fact_keys import facts, is_empty


def _error(key: str, message: str) -> PydanticCustomError:
    return PydanticCustomError("basis", "basis of '{key}': " + message, {"key": key})


def error_location(err: Mapping[str, Any]) -> str | None:
    """Where a validation error is: its location, or for a basis check the
    fact's entry (``basis.<key>``)."""
    location = [str(p) for p in err["loc"]]
    if err["type"] == "basis":
        location.append(f"basis.{err['ctx']['key']}")
    return ".".join(location) or None


def check(schema: type[BaseModel], state: Mapping[str, Any]) -> None:
    """Refuse basis entries that name no fact or contradict their value."""
    found = {key: (value, is_list) for key, value, is_list in facts(schema, state)}
    for key, entry in (state.get("basis") or {}).items():
        if key not in found:
            raise _error(key, "no such fact of this entry (a field, contact.field or list/slug)")
        value, is_list = found[key]
        if entry.get("exhaustive") is not None and not is_list:
            raise _error(key, "only a list can be exhaustive or not")
        kind = entry["basis"]
        if kind == BasisKind.NOT_STATED and not is_empty(value):
            raise _error(key, "not_stated, but the entry gives a value")
        if kind != BasisKind.NOT_STATED and is_empty(value):
            raise _error(key, f"{kind}, but the entry gives no value")
