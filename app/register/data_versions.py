"""Data versions per controller: which writes an answer depends on.

Every change is an audit event naming its controller (``audit_events.controller``;
a controller's own entry names itself). A controller's data version is the
sequence number of the last event naming it, or of the last event naming no
controller (reference data any register may cite, such as lawful bases),
whichever is later. A write to one controller therefore leaves every other
controller's version where it was, and caches keyed by it stay valid.

The queries use the primary key (``seq > :last``) and the index
``ix_audit_events_controller_seq`` (the last event of one controller, or of
none), so each reads only the rows it returns (checked with EXPLAIN on
PostgreSQL: index-only scans, no migration needed).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import (
    ColumnElement,
    Connection,
    ScalarSelect,
    Select,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from app.register import entities as e
from app.trail.chain import hash_at
from app.trail.models import AuditEvent, ChainHead


@dataclass(frozen=True)
class Head:
    """The chain head: the register's global data version and its hash."""

    seq: int
    hash: str


@dataclass
class Changes:
    """What the events after some sequence number changed."""

    controllers: dict[str, int] = field(default_factory=dict)
    """Each controller named, with the last sequence number naming it."""
    reference: int = 0
    """The last event naming no controller (reference data), or 0."""
    registry: int = 0
    """The last change to a controller's own entry (the set of controllers), or 0."""
    last: int = 0
    """The last sequence number seen, or 0."""

    def add(self, controller: str | None, seq: int, entity_type: str | None = None) -> None:
        if controller is None:
            self.reference = max(self.reference, seq)
        else:
            self.controllers[controller] = max(self.controllers.get(controller, 0), seq)
        if entity_type == e.CONTROLLERS.name:
            self.registry = max(self.registry, seq)
        self.last = max(self.last, seq)


def head(connection: Connection | Session) -> Head:
    row = connection.execute(select(ChainHead.seq, ChainHead.hash)).one_or_none()
    return Head(0, "") if row is None else Head(int(row.seq), str(row.hash))


def changes_since(connection: Connection | Session, last: int) -> Changes:
    """Per controller, the last event after ``last``: one grouped range scan
    of the events written since (a handful, read every half second)."""
    registry = func.max(case((AuditEvent.entity_type == e.CONTROLLERS.name, AuditEvent.seq)))
    rows = connection.execute(
        select(AuditEvent.controller, func.max(AuditEvent.seq), registry)
        .where(AuditEvent.seq > last)
        .group_by(AuditEvent.controller)
    ).all()
    changes = Changes()
    for controller, seq, registry_seq in rows:
        changes.add(controller, int(seq))
        if registry_seq is not None:
            changes.registry = max(changes.registry, int(registry_seq))
    return changes


def sees(session: Session, seq: int, event_hash: str) -> bool:
    """Whether ``session`` sees the event ``seq`` with this hash: what was
    built at that event (a kept snapshot or index) belongs to the history the
    session reads (a database restored from a backup may reach the same
    number with another hash), and the session reads at least that far."""
    return hash_at(session, seq) == event_hash


def controller_version(session: Session, controller: str) -> Head:
    """The controller's data version and the hash of that event (a database
    restored from a backup may reach the same number with another history).
    One statement: two index lookups, then the event by its key."""
    row = session.execute(controller_version_query(controller)).one_or_none()
    return Head(0, "") if row is None else Head(int(row.seq), str(row.hash))


def controller_version_query(controller: str) -> Select[int, str]:
    return (
        select(AuditEvent.seq, AuditEvent.hash)
        .where(
            or_(
                AuditEvent.seq == _last(AuditEvent.controller == controller),
                AuditEvent.seq == _last(AuditEvent.controller.is_(None)),
            )
        )
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )


def _last(condition: ColumnElement[bool]) -> ScalarSelect[int]:
    """The last event's number under ``condition`` on the controller, read
    backwards along ``ix_audit_events_controller_seq``. Ordered by the
    index's columns: asked for ``max(seq)``, PostgreSQL may walk the primary
    key backwards instead, through every later event when the matches are old
    (reference data is loaded first)."""
    return (
        select(AuditEvent.seq)
        .where(condition)
        .order_by(AuditEvent.controller.desc(), AuditEvent.seq.desc())
        .limit(1)
        .scalar_subquery()
    )
