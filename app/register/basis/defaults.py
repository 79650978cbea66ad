"""Default bases: what a fact rests on when its writer says nothing, the
whole map as served, and the entries that say more than a default."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from app.register.basis.fact_keys import _top, facts, is_empty

CLASSIFICATIONS: dict[str, str] = {
    "special_category": "UK GDPR Article 9(1)",
    "dpv_term": "W3C Data Privacy Vocabulary (DPV) 2.3",
    "legislation_gov_uk_id": "legislation.gov.uk",
}
"""Fields whose value classifies the entity against an official reference:
their default basis is that reference, not the notice."""


def _entry(basis: str, **fields: Any) -> dict[str, Any]:
    return {
        "basis": basis,
        "quotes": fields.get("quotes", []),
        "reasoning": None,
        "reference": fields.get("reference"),
        "exhaustive": None,
    }


def _defaults(sources: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The default entry of a given value, and of an empty one."""
    quotes = [s["quote"] for s in sources if s.get("kind") == "notice"]
    if quotes:
        given = _entry("stated", quotes=quotes)
    else:
        references = [s for s in sources if s.get("kind") == "reference"]
        names = "; ".join(dict.fromkeys(str(s.get("reference")) for s in references))
        given = _entry(
            "reference", reference=names or "unknown", quotes=[s["quote"] for s in references]
        )
    return given, _entry("not_stated")


def _normal(entry: Mapping[str, Any]) -> dict[str, Any]:
    """An entry with every key, as served (JSON form)."""
    return {
        "basis": str(entry["basis"]),
        "quotes": list(entry.get("quotes") or []),
        "reasoning": entry.get("reasoning"),
        "reference": entry.get("reference"),
        "exhaustive": entry.get("exhaustive"),
    }


def complete(schema: type[BaseModel], state: Mapping[str, Any]) -> dict[str, Any]:
    """The whole basis map of a state (JSON form), as served: its own entries
    and the default for every other fact. Entries naming no fact are dropped
    (writes refuse them: see ``check``)."""
    given: Mapping[str, Any] = state.get("basis") or {}
    value_default, empty_default = _defaults(state.get("sources") or [])
    result: dict[str, Any] = {}
    for key, value, _is_list in facts(schema, state):
        entry = given.get(key)
        if entry is not None:
            result[key] = _normal(entry)
        elif is_empty(value):
            result[key] = dict(empty_default)
        elif _top(key) in CLASSIFICATIONS:
            result[key] = _entry("reference", reference=CLASSIFICATIONS[_top(key)])
        else:
            result[key] = dict(value_default, quotes=list(value_default["quotes"]))
    return result


def explicit(schema: type[BaseModel], state: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of a state's basis that say more than a default.

    An entry equal to the default of an empty value, or of a given one, says
    nothing of its own: a whole document exported and edited (a role filled
    in, its entry left as it was) must not be refused for it. Such entries
    are dropped; ``complete`` gives the fact its default again."""
    given: Mapping[str, Any] = state.get("basis") or {}
    if not given:
        return {}
    value_default, empty_default = _defaults(state.get("sources") or [])
    known = {key for key, _value, _is_list in facts(schema, state)}
    kept = {}
    for key, entry in given.items():
        reference = CLASSIFICATIONS.get(_top(key))
        classified = _entry("reference", reference=reference) if reference else None
        # An unknown key is kept for ``check`` to refuse.
        if key not in known or _normal(entry) not in (value_default, empty_default, classified):
            kept[key] = entry
    return kept
