"""Reading the audit trail: the change feed that systems poll."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.trail.chain import as_utc
from app.trail.models import AuditEvent


@dataclass(frozen=True)
class ChangeFilters:
    since_seq: int | None = None
    since_time: datetime | None = None
    entity: str | None = None
    slug: str | None = None
    actor: str | None = None
    controller: str | None = None


def event_view(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "occurred_at": as_utc(event.occurred_at).isoformat(),
        "actor": {"type": event.actor_type, "id": event.actor_id, "name": event.actor_name},
        "action": event.action,
        "entity_type": event.entity_type,
        "controller": event.controller,
        "slug": event.slug,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
        "hash": event.hash,
        "prev_hash": event.prev_hash,
    }


def list_changes(
    session: Session, filters: ChangeFilters, *, after: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """Events in sequence order; the cursor is the last sequence number seen."""
    query = select(AuditEvent)
    if filters.since_seq is not None:
        query = query.where(AuditEvent.seq > filters.since_seq)
    if filters.since_time is not None:
        query = query.where(AuditEvent.occurred_at > filters.since_time)
    if after is not None:
        query = query.where(AuditEvent.seq > after)
    if filters.entity:
        query = query.where(AuditEvent.entity_type == filters.entity)
    if filters.slug:
        query = query.where(AuditEvent.slug == filters.slug)
    if filters.actor:
        query = query.where(
            (AuditEvent.actor_name == filters.actor) | (AuditEvent.actor_id == filters.actor)
        )
    if filters.controller:
        query = query.where(AuditEvent.controller == filters.controller)
    rows = session.scalars(query.order_by(AuditEvent.seq).limit(limit + 1)).all()
    page = rows[:limit]
    cursor = page[-1].seq if len(rows) > limit and page else None
    return [event_view(e) for e in page], cursor
