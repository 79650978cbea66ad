"""The basis of each fact, as the exports and the audit show it.

Every entity state (and every sharing condition) carries a complete ``basis``
map (``app.register.basis``). The exports mark the facts whose basis is not
simply "the notice states it": a reading of ours (``inferred``, with its
quotes and reasoning), a classification taken from an official reference
(``reference``), and a fact nobody states (``not_stated``). This module walks
those entries once for every format, with what each needs to place them: the
entity, the fact's field, the linked entity of a link, and words for people.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from app.exports.content import RegisterView, State
from app.register import entities as e
from app.register.basis import BasisKind, displayed

CONTROLLERS = "controllers"
CONDITION = "conditions"

_TARGETS: dict[str, dict[str, str]] = {
    entity_type.name: {ref.field: ref.target for ref in entity_type.shape.all_refs()}
    for entity_type in e.ALL_TYPES
}
_TARGETS["conditions"] = {ref.field: ref.target for ref in e.CONDITION_SHAPE.all_refs()}


@dataclass(frozen=True)
class Note:
    """The basis of one fact of one entity."""

    entity_type: str
    """The entity type's URL segment (``sharing``, ``controllers``, ...)."""
    state: State
    """The entity's state (for a condition's fact: the arrangement's)."""
    key: str
    """The fact key, as in the entity's ``basis`` (``conditions.1.until_age`` for
    a fact of the arrangement's second condition)."""
    entry: Mapping[str, Any]

    @cached_property
    def basis(self) -> BasisKind:
        return BasisKind(self.entry["basis"])

    @property
    def quotes(self) -> list[str]:
        return list(self.entry.get("quotes") or [])

    @property
    def reasoning(self) -> str | None:
        return self.entry.get("reasoning")

    @property
    def reference(self) -> str | None:
        return self.entry.get("reference")

    @property
    def exhaustive(self) -> bool | None:
        return self.entry.get("exhaustive")

    @cached_property
    def condition(self) -> int | None:
        """The index of the condition the fact belongs to, if it does."""
        if self.key.startswith(CONDITION + "."):
            return int(self.key.split(".", 2)[1])
        return None

    @cached_property
    def own_key(self) -> str:
        """The key within its own state (a condition's, for a condition's fact)."""
        return self.key.split(".", 2)[2] if self.condition is not None else self.key

    @cached_property
    def field(self) -> str:
        """The state field the fact is about (``dpo`` for ``dpo.email``)."""
        return self.own_key.split("/", 1)[0].split(".", 1)[0]

    @cached_property
    def link(self) -> str | None:
        """The linked entity's slug, for one link of a list (``purposes/x``)."""
        _, sep, slug = self.own_key.partition("/")
        return slug if sep else None

    @cached_property
    def target_type(self) -> str | None:
        """The URL segment of the entity type the field references, if any."""
        owner = CONDITION if self.condition is not None else self.entity_type
        return _TARGETS.get(owner, {}).get(self.field)

    @property
    def value(self) -> Any:
        """The fact's value (``None`` when not stated)."""
        state: Mapping[str, Any] = self.state
        if self.condition is not None:
            state = self.state[CONDITION][self.condition]
        if self.link is not None:
            return self.link
        value = state.get(self.field)
        if "." in self.own_key and isinstance(value, Mapping):
            return value.get(self.own_key.split(".", 1)[1])
        return value


def entities(view: RegisterView) -> Iterator[tuple[str, State]]:
    """Every entity of the register: the controller first, then each section."""
    yield CONTROLLERS, view.controller
    for entity_type in e.ALL_TYPES[1:]:
        key = entity_type.name.replace("-", "_")
        for state in view.section(key):
            yield entity_type.name, state


def notes_of(entity_type: str, state: State) -> Iterator[Note]:
    """The basis of every fact of one entity, its conditions' included."""
    for key, entry in (state.get("basis") or {}).items():
        yield Note(entity_type, state, key, entry)
    for index, condition in enumerate(state.get(CONDITION) or []):
        for key, entry in (condition.get("basis") or {}).items():
            yield Note(entity_type, state, f"{CONDITION}.{index}.{key}", entry)


def notes(view: RegisterView, *kinds: BasisKind) -> Iterator[Note]:
    """The facts of the whole register whose basis is one of ``kinds``."""
    for entity_type, state in entities(view):
        for note in notes_of(entity_type, state):
            if note.basis in kinds:
                yield note


def fact_words(view: RegisterView, note: Note) -> str:
    """The fact named for people: ``data categories``, ``dpo e-mail`` (for one
    link, its list: the linked entity is the value)."""
    own = note.own_key
    words = note.field.replace("_", " ")
    if "." in own:
        sub = own.split(".", 1)[1].replace("_", " ")
        words = f"{words} {sub}".replace("email", "e-mail")
    elif words == "email":
        words = "e-mail"
    if note.condition is not None:
        words = f"condition {note.condition + 1}, {words}"
    return words


def _linked(view: RegisterView, entity_type: str, slug: str) -> str:
    """A linked entity by its name (a lawful basis with its article)."""
    state = view.get(entity_type.replace("-", "_"), slug)
    if state is None:
        return slug
    if entity_type == "lawful-bases":
        return f"{state['reference']} {state['name']}"
    return str(state["name"])


def value_words(view: RegisterView, note: Note) -> str:
    """The fact's value for people (a linked entity by its name)."""
    value = note.value
    if value is None or value == [] or value == "":
        return "not stated"
    if note.target_type and isinstance(value, str):
        return _linked(view, note.target_type, value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def explained(view: RegisterView, note: Note) -> str:
    """One line a person can check: the fact, its basis, the reasoning and quotes."""
    fact = fact_words(view, note)
    if note.basis is BasisKind.NOT_STATED:
        return f"{fact}: not stated in the notice"
    if note.basis is BasisKind.REFERENCE:
        return f"{fact}: from {note.reference}"
    line = f"{fact} = {value_words(view, note)}"
    if note.basis is BasisKind.INFERRED:
        line += f": {(note.reasoning or '').rstrip('.')}"
        quotes = "; ".join(f"“{displayed(q)}”" for q in note.quotes)
        line += f" (from {quotes})" if quotes else ""
    return line


def compact(state: State, entry: Mapping[str, Any]) -> dict[str, Any]:
    """An entry without its empty fields, and without the quotes of a stated
    fact when they are the entity's own notice quotes (its ``sources``)."""
    found = {key: value for key, value in entry.items() if value not in (None, [])}
    own = [s["quote"] for s in state.get("sources") or [] if s.get("kind") == "notice"]
    if found["basis"] == BasisKind.STATED and found.get("quotes") == own:
        del found["quotes"]
    return found


def basis_map(entity_type: str, state: State) -> dict[str, dict[str, Any]]:
    """Every fact's basis of an entity (its conditions' as ``conditions.N.key``),
    compact: see ``compact``."""
    return {
        note.key: compact(
            note.state[CONDITION][note.condition] if note.condition is not None else state,
            note.entry,
        )
        for note in notes_of(entity_type, state)
    }


def including(names: list[str], entry: Mapping[str, Any] | None, sep: str = "; ") -> str:
    """A list's names as people read them: an open list (the notice's examples)
    says "including"."""
    text = sep.join(names)
    if text and entry is not None and entry.get("exhaustive") is False:
        return f"including {text}"
    return text
