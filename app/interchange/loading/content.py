"""What is loaded (a register's entries by section, with where they came
from) and what loading it did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    """Entries of one entity type and where they came from (for messages)."""

    where: str
    entries: list[dict[str, Any]]


@dataclass
class RegisterContent:
    controller: Section
    lawful_bases: Section | None = None
    sections: dict[str, Section] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Entries in all, the controller's included."""
        lawful = len(self.lawful_bases.entries) if self.lawful_bases else 0
        return (
            len(self.controller.entries)
            + lawful
            + sum(len(s.entries) for s in self.sections.values())
        )


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted
