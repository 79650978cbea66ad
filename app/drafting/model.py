"""What a draft is made of: quotes with offsets, facts, entities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, order=True)
class Quote:
    """Words of the extracted text, verbatim, with their offsets in it."""

    start: int
    end: int
    text: str


@dataclass
class Fact:
    """The basis of one drafted value, and how sure the draft is of it."""

    key: str
    basis: str  # stated | inferred | not_stated
    quotes: list[Quote] = field(default_factory=list)
    reasoning: str | None = None
    confidence: float = 0.9
    exhaustive: bool | None = None


@dataclass
class Entity:
    """One drafted entry of a register file (``recipients``, ``purposes``, ...)."""

    type: str
    slug: str
    name: str
    quotes: list[Quote]
    fields: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    description: str | None = None
    confidence: float = 0.9
    references: list[tuple[str, str]] = field(default_factory=list)
    """(reference, quote) pairs: official sources beside the notice."""

    def state(self, key: str, value: Any, fact: Fact) -> None:
        """Set a field and the basis of its value."""
        self.fields[key] = value
        self.facts[fact.key] = fact

    def add_quote(self, quote: Quote) -> None:
        if quote not in self.quotes:
            self.quotes.append(quote)


def stated(
    key: str, *quotes: Quote, confidence: float = 0.9, exhaustive: bool | None = None
) -> Fact:
    return Fact(key, "stated", list(dict.fromkeys(quotes)), None, confidence, exhaustive)


def inferred(key: str, reasoning: str, *quotes: Quote, confidence: float = 0.6) -> Fact:
    return Fact(key, "inferred", list(dict.fromkeys(quotes)), reasoning, confidence)


def not_stated(key: str) -> Fact:
    return Fact(key, "not_stated", [], None, 1.0)


@dataclass
class Draft:
    """Every entity drafted from one notice, by register file."""

    text: str
    controller: Entity
    sections: dict[str, list[Entity]] = field(default_factory=dict)

    def add(self, entity: Entity) -> Entity:
        """Add an entity, or merge it into the one of the same slug."""
        entries = self.sections.setdefault(entity.type, [])
        taken = {e.slug for e in entries}
        for existing in entries:
            if existing.slug == entity.slug and existing.name.lower() == entity.name.lower():
                for quote in entity.quotes:
                    existing.add_quote(quote)
                return existing
        base, number = entity.slug, 1
        while entity.slug in taken:  # another entry's slug: this one is numbered
            number += 1
            entity.slug = f"{base[:115]}-{number}"
        entries.append(entity)
        return entity

    def entities(self, entity_type: str) -> list[Entity]:
        return self.sections.get(entity_type, [])

    def find(self, entity_type: str, slug: str) -> Entity | None:
        return next((e for e in self.entities(entity_type) if e.slug == slug), None)
