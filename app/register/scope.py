"""The controllers a request is about: every one, or the ones it names.

A ``ControllerScope`` is a value: which controllers, nothing else. The
register's questions about them (their slugs, whether there are several, how
many at most) are answered by its methods from the database, each read at
most once per scope (a scope lives for one request). Reading every
controller's slug costs ~30 ms at 20,000 controllers, so an answer reads only
the slugs of the controllers it shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from app.errors import InvalidInput, NotFound, unknown_references
from app.register import models as m


@dataclass
class _Read:
    """What the database said about a scope's controllers, read once."""

    slugs: dict[int, str] = field(default_factory=dict)
    size_bound: int | None = None
    several: bool | None = None


@dataclass(frozen=True)
class ControllerScope:
    """Every controller (``ids is None``), or the named ones in the order named."""

    ids: tuple[int, ...] | None = None
    _read: _Read = field(default_factory=_Read, compare=False, repr=False)

    @classmethod
    def every(cls) -> ControllerScope:
        return cls(None)

    @classmethod
    def of(cls, slugs: dict[int, str]) -> ControllerScope:
        """These controllers (id to slug), their slugs known already."""
        return cls(tuple(slugs), _Read(slugs=dict(slugs)))

    @property
    def is_every(self) -> bool:
        return self.ids is None

    def where(self, column: Any) -> list[ColumnElement[bool]]:
        """The condition restricting a controller id column to the scope
        (none for every controller: queries need no ``IN (...)`` list)."""
        return [] if self.ids is None else [column.in_(self.ids)]

    def row_bound(self) -> int | None:
        """Most rows one slug can have across the scope, plus one (to see
        more than one owner); ``None`` for every controller."""
        return None if self.ids is None else len(self.ids) + 1

    def slugs(self, session: Session, ids: Iterable[int]) -> dict[int, str]:
        """The slugs of these controllers, reading the ones not yet known in one query."""
        known = self._read.slugs
        wanted = {i for i in ids if i not in known}
        if wanted:
            query = select(m.Controller.id, m.Controller.slug).where(
                m.Controller.id.in_(sorted(wanted))
            )
            known.update(session.execute(query).all())
        return known

    def slug(self, session: Session, controller_id: int) -> str | None:
        return self.slugs(session, (controller_id,)).get(controller_id)

    def size_bound(self, session: Session) -> int:
        """At least the number of controllers in scope (ids only grow): O(1),
        for choosing query shapes."""
        if self.ids is not None:
            return len(self.ids)
        if self._read.size_bound is None:
            self._read.size_bound = session.scalar(select(func.max(m.Controller.id))) or 0
        return self._read.size_bound

    def several(self, session: Session) -> bool:
        """Whether the scope spans more than one controller."""
        if self.ids is not None:
            return len(self.ids) > 1
        if self._read.several is None:
            two = session.scalars(select(m.Controller.id).limit(2)).all()
            self._read.several = len(two) > 1
        return self._read.several


def resolve_controllers(session: Session, slugs: Sequence[str]) -> ControllerScope:
    """The controllers a request is about: the named ones, or all of them."""
    if not slugs:
        return ControllerScope.every()
    query = select(m.Controller.slug, m.Controller.id).where(m.Controller.slug.in_(set(slugs)))
    by_slug = dict(session.execute(query).all())
    unknown = [slug for slug in slugs if slug not in by_slug]
    if unknown:
        detail = f"Unknown controller: {', '.join(unknown)}."
        raise unknown_references("controller", "controller", unknown, detail)
    return ControllerScope.of({by_slug[slug]: slug for slug in slugs})


def single_controller(session: Session, slug: str | None) -> m.Controller:
    """The one controller a whole-register request is about."""
    if slug is not None:
        controller = session.scalars(
            select(m.Controller).where(m.Controller.slug == slug)
        ).one_or_none()
        if controller is None:
            raise NotFound(f"No controller {slug!r}.")
        return controller
    controllers = session.scalars(select(m.Controller).order_by(m.Controller.slug).limit(2)).all()
    if not controllers:
        raise NotFound("The register holds no controller yet.")
    if len(controllers) > 1:
        raise InvalidInput(
            "The register holds several controllers: name one with ?controller=<slug>.",
            errors=[
                {
                    "field": "controller",
                    "msg": "required when several controllers exist",
                    "type": "missing",
                }
            ],
        )
    return controllers[0]


def controller_slugs(session: Session) -> dict[int, str]:
    """Every controller's slug by id (for maps kept per data version)."""
    return dict(session.execute(select(m.Controller.id, m.Controller.slug)).all())


def controller_id(session: Session, slug: str) -> int:
    """The id of the controller with this slug; 422 if none."""
    ids = resolve_controllers(session, [slug]).ids
    assert ids is not None  # a named scope
    return ids[0]
