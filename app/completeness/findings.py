"""What the audit reports: a rule, its severity, the findings it makes and the
entities they concern."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.exports.content import RegisterView, State


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class EntityRef:
    type: str
    """The entity type's URL segment, e.g. ``sharing``."""
    slug: str
    name: str
    field: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "slug": self.slug, "name": self.name}
        if self.field is not None:
            data["field"] = self.field
        return data


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    entities: tuple[EntityRef, ...]
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "entities": [ref.as_dict() for ref in self.entities],
            "message": self.message,
        }


Found = Iterator[tuple[tuple[EntityRef, ...], str]]
Check = Callable[[RegisterView], Found]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    reference: str
    check: Check = field(repr=False)

    def findings(self, view: RegisterView) -> list[Finding]:
        return [
            Finding(self.id, self.severity, entities, message)
            for entities, message in self.check(view)
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "severity": self.severity.value,
            "title": self.title,
            "reference": self.reference,
        }


def ref(entity_type: str, state: State, field: str | None = None) -> EntityRef:
    return EntityRef(entity_type, state["slug"], state["name"], field)
