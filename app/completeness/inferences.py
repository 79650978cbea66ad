"""Readings to confirm: each value the register infers rather than quotes.

A gap (``rules``) is something the notice leaves out. An inference is the
opposite risk: a value the register holds that the notice does not state in
so many words (a recipient's role, a lawful basis read from "the law
requires us"). It may be a fair reading; a person who knows the processing
should still confirm it. The audit lists them apart from the gaps, with the
quotes and the reasoning to check, and they never fail the audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.completeness.findings import EntityRef
from app.exports.content import RegisterView
from app.exports.readings import Note, fact_words, notes, value_words
from app.register.basis import BasisKind, displayed


@dataclass(frozen=True)
class Inference:
    entity: EntityRef
    """The entity, with the fact's key as ``field``."""
    value: str
    quotes: tuple[str, ...]
    reasoning: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity.as_dict(),
            "value": self.value,
            "quotes": list(self.quotes),
            "reasoning": self.reasoning,
            "message": self.message,
        }


def _inference(view: RegisterView, note: Note) -> Inference:
    name = str(displayed(note.state["name"]))
    fact, value = fact_words(view, note), value_words(view, note)
    reasoning = note.reasoning or ""
    message = (
        f"“{name}”: {fact} = {value} is the register's reading, not the notice's words "
        f"({reasoning.rstrip('.')}); confirm it."
    )
    return Inference(
        entity=EntityRef(note.entity_type, note.state["slug"], note.state["name"], note.key),
        value=value,
        quotes=tuple(note.quotes),
        reasoning=reasoning,
        message=message,
    )


def find(view: RegisterView) -> tuple[Inference, ...]:
    """Every inferred fact of the register, in register order."""
    return tuple(_inference(view, note) for note in notes(view, BasisKind.INFERRED))
