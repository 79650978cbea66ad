"""Appending to and verifying the hash chain."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.trail.models import AuditEvent, ChainHead

GENESIS_HASH = "0" * 64
HEAD_ID = 1


@dataclass(frozen=True)
class Actor:
    type: str
    """"system" (seed, migrations, CLI) or "api_key"."""
    name: str
    id: str | None = None


SYSTEM = Actor(type="system", name="system")


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: they were stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def canonical_json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def event_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical_json(fields)).hexdigest()


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": as_utc(event.occurred_at).isoformat(),
        "actor_type": event.actor_type,
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "entity_type": event.entity_type,
        "controller": event.controller,
        "slug": event.slug,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
    }


def hash_at(session: Session, seq: int) -> str | None:
    """The hash of event ``seq`` as ``session`` reads it: the genesis hash
    for 0 (before any event), ``None`` when the session sees no such event.
    Whatever is kept as of an event (a snapshot, a verified point, a tree)
    still belongs to the history read when this hash is the one it kept."""
    if seq == 0:
        return GENESIS_HASH
    return session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))


def begin_write(session: Session) -> None:
    """Take the writers' lock before reading anything a write depends on.

    All writes are serialised on the chain head row: checks such as
    ``If-Match`` or an idempotency record and the change they guard then
    happen atomically. On SQLite a no-op UPDATE takes the database's write
    lock up front (a read-then-write transaction could not upgrade later).
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(ChainHead).where(ChainHead.id == HEAD_ID).values(seq=ChainHead.seq))
    else:
        lock_head(session)


def lock_head(session: Session) -> ChainHead:
    """Take the writers' lock for this transaction and return the chain head."""
    head = session.scalars(
        select(ChainHead).where(ChainHead.id == HEAD_ID).with_for_update()
    ).one_or_none()
    if head is None:
        head = ChainHead(id=HEAD_ID, seq=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


@dataclass(frozen=True)
class Change:
    """One change to record: what was done to which entity, its states before and after."""

    action: str
    entity_type: str
    controller: str | None
    slug: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def append(
    session: Session,
    *,
    actor: Actor,
    action: str,
    entity_type: str,
    controller: str | None,
    slug: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    request_id: str | None = None,
) -> AuditEvent:
    change = Change(action, entity_type, controller, slug, before, after)
    return append_all(session, [change], actor=actor, request_id=request_id)[0]


def append_all(
    session: Session,
    changes: Sequence[Change],
    *,
    actor: Actor,
    request_id: str | None = None,
) -> list[AuditEvent]:
    """One event per change, in order, chained as ``append`` chains each: the
    head is locked and read once and the events are written in one flush (a
    load of thousands of entries otherwise pays three statements per event)."""
    head = lock_head(session)
    events = []
    for change in changes:
        now = datetime.now(UTC)
        if head.changed_at is not None and as_utc(head.changed_at) > now:
            now = as_utc(head.changed_at)  # never let time run backwards along the chain
        event = AuditEvent(
            seq=head.seq + 1,
            occurred_at=now,
            actor_type=actor.type,
            actor_id=actor.id,
            actor_name=actor.name,
            action=change.action,
            entity_type=change.entity_type,
            controller=change.controller,
            slug=change.slug,
            before=change.before,
            after=change.after,
            request_id=request_id,
            prev_hash=head.hash,
        )
        event.hash = event_hash(head.hash, hashed_fields(event))
        events.append(event)
        head.seq, head.hash, head.changed_at = event.seq, event.hash, now
    session.add_all(events)
    session.flush()
    return events


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    first_broken_seq: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Walk:
    """Events recomputed in sequence: the last one that held, or the first
    broken link."""

    last_seq: int
    last_hash: str
    broken_seq: int | None = None
    reason: str | None = None

    def failure(self) -> Verification:
        """As a verification, counting the events before the broken one."""
        seq = self.broken_seq or self.last_seq + 1
        return Verification(False, seq - 1, seq, self.reason)


def walk(
    session: Session,
    *,
    after_seq: int = 0,
    prev_hash: str = GENESIS_HASH,
    upto_seq: int | None = None,
    batch: int = 1000,
) -> Walk:
    """Recompute the events after ``after_seq`` (up to ``upto_seq``, or all),
    each linked to the one before, the first to ``prev_hash``."""
    expected_seq = after_seq + 1
    last_seq = after_seq
    while upto_seq is None or last_seq < upto_seq:
        query = select(AuditEvent).where(AuditEvent.seq > last_seq)
        if upto_seq is not None:
            query = query.where(AuditEvent.seq <= upto_seq)
        rows = session.scalars(query.order_by(AuditEvent.seq).limit(batch)).all()
        if not rows:
            break
        for event in rows:
            if event.seq != expected_seq:
                return Walk(last_seq, prev_hash, expected_seq, "missing event")
            if event.prev_hash != prev_hash:
                return Walk(last_seq, prev_hash, event.seq, "previous hash does not match")
            if event_hash(prev_hash, hashed_fields(event)) != event.hash:
                return Walk(last_seq, prev_hash, event.seq, "content does not match its hash")
            prev_hash = event.hash
            expected_seq += 1
            last_seq = event.seq
        session.expunge_all()
    if upto_seq is not None and last_seq < upto_seq:
        return Walk(last_seq, prev_hash, last_seq + 1, "missing event")
    return Walk(last_seq, prev_hash)


def check_head(session: Session, walked: Walk) -> Verification:
    """The chain head names the last event walked."""
    head = session.get(ChainHead, HEAD_ID)
    if head is not None and (head.seq != walked.last_seq or head.hash != walked.last_hash):
        return Verification(
            False, walked.last_seq, walked.last_seq + 1, "chain head does not match last event"
        )
    return Verification(True, walked.last_seq)


def verify(session: Session, batch: int = 1000) -> Verification:
    """Recompute the chain from the first event; report the first broken link."""
    walked = walk(session, batch=batch)
    if walked.broken_seq is not None:
        return walked.failure()
    return check_head(session, walked)
