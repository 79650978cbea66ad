"""Where each fact of an entity comes from: its *basis*.

Every entity state carries ``basis``, a map from *fact key* to ``FactBasis``.
A fact key names one value the register holds about the entity:

- a field (``role``, ``applies_from_age``, ``owner``, ``data_categories``); for
  a list the entry is about the list as a whole: is it stated at all, and is
  it ``exhaustive`` or only the notice's examples;
- a field of a contact (``dpo.email``);
- one link of a reference list (``lawful_bases/article-6-1-c``).

The basis says whether the notice states the value (``stated``, with the
verbatim quotes), whether it is a reading of ours (``inferred``, with the
quotes it rests on and the reasoning), whether it comes from an official
reference rather than the notice (``reference``), or whether nobody says
(``not_stated``). Names, descriptions and positions are not facts here: a
name is the notice's label of the entity, and ``sources`` is its basis.

Writers give only the entries that differ from the default; ``complete``
fills the rest, so every served state has the whole map. The default never
claims more than the entity's own ``sources`` say: an empty value is
``not_stated``; a classification against an official vocabulary is
``reference``; any other value rests on the entity's notice quotes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from functools import cache
from typing import Annotated, Any, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

NON_FACTS = frozenset({"slug", "name", "description", "sources", "position", "basis"})
"""Fields that are the entity's label and wording, not facts about it."""

NOT_STATED_VALUE = "not_stated"

CLASSIFICATIONS: dict[str, str] = {
    "special_category": "UK GDPR Article 9(1)",
    "dpv_term": "W3C Data Privacy Vocabulary (DPV) 2.3",
    "legislation_gov_uk_id": "legislation.gov.uk",
}
"""Fields whose value classifies the entity against an official reference:
their default basis is that reference, not the notice."""

REDACTED_EMAIL = "[email protected]"
"""How the notice's scraped text shows an e-mail address it hides."""
REDACTED_EMAIL_WORDS = "e-mail address not published in the notice"
"""What people are shown instead (quotes keep the notice's text verbatim)."""


class BasisKind(StrEnum):
    STATED = "stated"
    INFERRED = "inferred"
    REFERENCE = "reference"
    NOT_STATED = "not_stated"


Quote = Annotated[str, StringConstraints(min_length=1, max_length=5_000)]


class FactBasis(BaseModel):
    """The basis of one fact."""

    model_config = ConfigDict(extra="forbid")

    basis: BasisKind
    quotes: Annotated[list[Quote], Field(max_length=20)] = Field(
        default_factory=list,
        description="Words the fact rests on, verbatim from the notice "
        "(for `reference`, from the reference).",
    )
    reasoning: Annotated[str, StringConstraints(min_length=1, max_length=2_000)] | None = Field(
        default=None, description="Why the quotes support an `inferred` value: one line."
    )
    reference: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        default=None, description="The official source of a `reference` value."
    )
    exhaustive: StrictBool | None = Field(
        default=None,
        description="Lists only: false where the notice gives examples "
        "('such as', 'include'); null where it does not say.",
    )

    @model_validator(mode="after")
    def _complete_for_its_kind(self) -> FactBasis:
        if self.basis in (BasisKind.STATED, BasisKind.INFERRED) and not self.quotes:
            raise ValueError(f"a {self.basis.value} fact needs the quote it rests on")
        if self.basis is BasisKind.INFERRED and not self.reasoning:
            raise ValueError("an inferred fact needs its reasoning")
        if self.basis is not BasisKind.INFERRED and self.reasoning:
            raise ValueError("only an inferred fact has reasoning")
        if self.basis is BasisKind.REFERENCE and not self.reference:
            raise ValueError("a reference fact names its reference")
        return self


BasisMap = Annotated[
    dict[Annotated[str, StringConstraints(max_length=300)], FactBasis],
    Field(
        max_length=2_000,
        description="Where each fact comes from: field name, `contact.field`, or "
        "`list_field/slug` for one link. Writers may omit entries; the served "
        "state holds every fact.",
    ),
]


# --- facts of an entity ------------------------------------------------------------


def is_empty(value: Any) -> bool:
    """A value nobody gave: null, empty, ``not_stated`` or a blank contact."""
    if value is None or value == NOT_STATED_VALUE or value == "" or value == []:
        return True
    if isinstance(value, Mapping):
        return all(is_empty(v) for v in value.values())
    return False


@cache
def _fact_fields(schema: type[BaseModel]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(field, its sub-fields if it holds a contact-like model) per fact field."""
    found = []
    for name, info in schema.model_fields.items():
        if name in NON_FACTS:
            continue
        subs: tuple[str, ...] = ()
        for candidate in (info.annotation, *get_args(info.annotation)):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                subs = tuple(candidate.model_fields)
        found.append((name, subs))
    return tuple(found)


def facts(schema: type[BaseModel], state: Mapping[str, Any]) -> Iterator[tuple[str, Any, bool]]:
    """Every fact of a state (JSON form): (key, value, whether it is a list)."""
    for name, subs in _fact_fields(schema):
        value = state.get(name)
        yield name, value, isinstance(value, list)
        if subs and isinstance(value, Mapping):
            for sub in subs:
                yield f"{name}.{sub}", value.get(sub), False
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, str):
                    yield f"{name}/{item}", item, False


def fact_value(state: Mapping[str, Any], key: str) -> Any:
    """The value a fact key names in a state; ``None`` if absent."""
    if "/" in key:
        name, slug = key.split("/", 1)
        values = state.get(name)
        return slug if isinstance(values, list) and slug in values else None
    if "." in key:
        name, sub = key.split(".", 1)
        parent = state.get(name)
        return parent.get(sub) if isinstance(parent, Mapping) else None
    return state.get(key)


def _top(key: str) -> str:
    return key.split("/", 1)[0].split(".", 1)[0]


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


def _error(key: str, message: str) -> PydanticCustomError:
    return PydanticCustomError("basis", "basis of '{key}': " + message, {"key": key})


def error_location(err: Mapping[str, Any]) -> str | None:
    """Where a validation error is: its location, or for a basis check the
    fact's entry (``basis.<key>``)."""
    location = [str(p) for p in err["loc"]]
    if err["type"] == "basis":
        location.append(f"basis.{err['ctx']['key']}")
    return ".".join(location) or None


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


def displayed(text: str | None) -> str | None:
    """Text as shown to people: the notice's redacted addresses in words."""
    if text is None or REDACTED_EMAIL not in text:
        return text
    return text.replace(REDACTED_EMAIL, REDACTED_EMAIL_WORDS)
