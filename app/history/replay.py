"""Replaying the audit trail into register states.

Every event carries the entity's whole canonical state before and after the
change, so the latest ``after`` of each entity up to an event *is* that
entity then. One pass in sequence order rebuilds the register at any event:
the past (``as_of``) and the present that the tables must agree with
(``app.audit.reconcile``).
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from app import workers
from app.register import entities as e
from app.register.document import section_key, sort_states
from app.trail.chain import hash_at
from app.trail.models import AuditEvent

States = dict[str, dict[str, dict[str, Any]]]
"""Entity type name -> slug -> state."""


@dataclass
class Replay:
    """The states of every entity after the events up to ``seq``, grouped by
    the events' controller (``None``: lawful bases, which belong to none)."""

    seq: int = 0
    by_controller: dict[str | None, States] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(dict))
    )

    def apply(
        self,
        seq: int,
        entity_type: str,
        controller: str | None,
        slug: str,
        after: dict[str, Any] | None,
    ) -> None:
        """One event. Slugs never change (a rename is a create and a delete),
        so the event's slug names the entity before and after it."""
        self.seq = seq
        if entity_type not in e.BY_NAME:
            return  # publications and other non-entity events
        owner = None if entity_type == e.LAWFUL_BASES.name else controller
        bucket = self.by_controller[owner][entity_type]
        bucket.pop(slug, None)
        if after is not None:
            bucket[after["slug"]] = after

    def controllers(self) -> list[str]:
        """Slugs of the controllers that exist after the replayed events."""
        return sorted(
            slug
            for states in self.by_controller.values()
            for slug in states.get(e.CONTROLLERS.name, {})
        )

    def content(self, controller_slug: str) -> dict[str, Any] | None:
        """The controller's register content, as ``register_content`` builds
        it from the tables; ``None`` when the controller did not exist."""
        states = self.by_controller.get(controller_slug, {})
        controller = states.get(e.CONTROLLERS.name, {}).get(controller_slug)
        if controller is None:
            return None
        shared = self.by_controller.get(None, {})
        content: dict[str, Any] = {
            "controller": controller,
            "lawful_bases": sort_states(list(shared.get(e.LAWFUL_BASES.name, {}).values())),
        }
        for entity_type in e.SCOPED_TYPES:
            content[section_key(entity_type)] = sort_states(
                list(states.get(entity_type.name, {}).values())
            )
        return content


def replay(
    session: Session,
    *,
    upto_seq: int | None = None,
    controller: str | None = None,
    into: Replay | None = None,
) -> Replay:
    """Apply the events up to ``upto_seq`` (all when ``None``), of one
    controller and the lawful bases, or of every controller; ``into``: only
    the events after that replay's, applied to it (an incremental verification
    extends the replay it kept)."""
    # Only the columns a replay reads: decoding ``before`` too doubled its cost.
    query = select(
        AuditEvent.seq,
        AuditEvent.entity_type,
        AuditEvent.controller,
        AuditEvent.slug,
        AuditEvent.after,
    ).order_by(AuditEvent.seq)
    if upto_seq is not None:
        query = query.where(AuditEvent.seq <= upto_seq)
    if into is not None:
        query = query.where(AuditEvent.seq > into.seq)
    if controller is not None:
        query = query.where(
            or_(
                AuditEvent.controller == controller,
                AuditEvent.entity_type == e.LAWFUL_BASES.name,
            )
        )
    result = into if into is not None else Replay()
    for row in session.execute(query.execution_options(yield_per=1000)):
        result.apply(*row)
    if upto_seq is not None:
        result.seq = upto_seq
    return result


def replayed_content(session: Session, controller: str, seq: int) -> dict[str, Any] | None:
    """The controller's content after event ``seq``: a task for ``app.workers``."""
    return replay(session, upto_seq=seq, controller=controller).content(controller)


class ReplayCache:
    """Contents replayed up to an event, per database, kept by (controller,
    sequence number, that event's hash): every moment between the same two
    events is one replay. The hash makes a restored or rewritten trail a
    miss, never a stale hit. Bounded by count; thread-safe. A miss is
    replayed on the session's expensive-work pool (``app.workers``)."""

    def __init__(self, max_entries: int = 32) -> None:
        self.max_entries = max_entries
        self._entries: weakref.WeakKeyDictionary[
            Engine, OrderedDict[tuple[str, int, str], dict[str, Any] | None]
        ] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def content(self, session: Session, controller: str, seq: int) -> dict[str, Any] | None:
        """The controller's content after event ``seq`` (``None``: it did not exist)."""
        event_hash = hash_at(session, seq) or ""
        engine = session.get_bind()
        assert isinstance(engine, Engine)
        key = (controller, seq, event_hash)
        with self._lock:
            entries = self._entries.setdefault(engine, OrderedDict())
            if key in entries:
                entries.move_to_end(key)
                return entries[key]
        content = workers.of(session).run(session, replayed_content, controller, seq)
        with self._lock:
            entries[key] = content
            while len(entries) > self.max_entries:
                entries.popitem(last=False)
        return content


REPLAYS = ReplayCache()
