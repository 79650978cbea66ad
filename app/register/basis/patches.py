"""The basis across a merge patch: entries kept, values changed without a
basis, and the reading to confirm for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from app.register.basis.defaults import _entry
from app.register.basis.fact_basis import BasisKind
from app.register.basis.fact_keys import fact_value, facts, is_empty


def rebase(
    before: Mapping[str, Any],
    merged: Mapping[str, Any],
    stored: Mapping[str, Any],
    given: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The explicit entries a merge patch leaves: the stored ones with the
    patch's applied, less those whose fact the patch changed without giving
    a new entry (the default then applies)."""
    given = given or {}
    kept: dict[str, Any] = {}
    for key, entry in stored.items():
        if key in given:
            continue
        if fact_value(before, key) == fact_value(merged, key):
            kept[key] = entry
    kept.update((key, entry) for key, entry in given.items() if entry is not None)
    return kept


def unsupported_changes(
    schema: type[BaseModel],
    before: Mapping[str, Any],
    merged: Mapping[str, Any],
    given: Mapping[str, Any] | None,
) -> list[str]:
    """Facts a patch gives a new value without saying what it rests on.

    The default basis of a value is the entry's own notice quotes; they were
    written for the old value, so a new one needs its own entry, or new
    quotes in ``sources`` for the default to rest on."""
    if before.get("sources") != merged.get("sources"):
        return []
    given = given or {}
    return [
        key
        for key, value, _is_list in facts(schema, merged)
        if key not in given
        and not is_empty(value)
        and value != fact_value(before, key)
        and not _only_removes(value, fact_value(before, key))
    ]


def _only_removes(value: Any, before: Any) -> bool:
    """A list of slugs cut down: what is left was stated before."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return False
    return set(value) <= set(before or [])


UNCONFIRMED_REASONING = (
    "Written through the API without a basis while the entry's notice quotes stayed"
    " the same: a person should confirm the notice supports it."
)


def to_confirm(state: Mapping[str, Any]) -> dict[str, Any] | None:
    """The basis of a value a patch gave without one: a reading of the
    entry's notice quotes, to confirm (``None``: no quotes, the default
    applies)."""
    quotes = [s["quote"] for s in state.get("sources") or [] if s.get("kind") == "notice"]
    if not quotes:
        return None
    return {**_entry(BasisKind.INFERRED, quotes=quotes), "reasoning": UNCONFIRMED_REASONING}
