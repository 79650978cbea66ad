"""Past states of a register: ``as_of`` a moment, published versions, diffs.

The register at a moment is replayed from the audit trail: every event
carries the entity's whole canonical state after the change, so the latest
``after`` of each entity up to the moment *is* that entity then, exactly as
it was served. Nothing is approximated.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.history.replay import REPLAYS
from app.register import entities as e
from app.register import models as m
from app.register.document import section_key
from app.register.scope import single_controller
from app.snapshots.current import RecentSnapshots, Snapshot, current
from app.trail import log
from app.trail.chain import as_utc
from app.trail.models import AuditEvent
from app.versions.models import PublishedVersion


def _controller_slug(session: Session, controller_slug: str | None) -> str:
    if controller_slug is not None:
        return controller_slug
    return single_controller(session, None).slug


def seq_at(session: Session, moment: datetime) -> int:
    """The sequence number of the last event at or before ``moment``: two
    moments between the same two events show the same register."""
    return (
        session.scalar(select(func.max(AuditEvent.seq)).where(AuditEvent.occurred_at <= moment))
        or 0
    )


def at_moment(session: Session, controller_slug: str | None, moment: datetime) -> Snapshot:
    slug = _controller_slug(session, controller_slug)
    seq = seq_at(session, moment)
    content = REPLAYS.content(session, slug, seq)
    if content is None:
        raise NotFound(f"The register held no controller {slug!r} at {moment.isoformat()}.")
    return Snapshot(
        controller=slug,
        content=content,
        stamps={
            "as_of": as_utc(moment).isoformat(),
            "data_version": seq,
            "checkpoint": log.checkpoint(session, seq),
        },
    )


def published(session: Session, controller_slug: str | None, version: str) -> Snapshot:
    slug = _controller_slug(session, controller_slug)
    row = session.scalars(
        select(PublishedVersion)
        .join(m.Controller, m.Controller.id == PublishedVersion.controller_id)
        .where(m.Controller.slug == slug, PublishedVersion.slug == version)
    ).one_or_none()
    if row is None:
        raise NotFound(f"No published version {version!r} of {slug!r}.")
    stamps = {**version_stamps(row), "checkpoint": log.checkpoint(session, row.audit_seq)}
    return Snapshot(controller=slug, content=row.content, stamps=stamps)


def version_stamps(row: PublishedVersion) -> dict[str, Any]:
    return {
        "version": row.slug,
        "version_name": row.name,
        "published_at": as_utc(row.published_at).isoformat(),
        "data_version": row.audit_seq,
    }


def _by_slug(states: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {state["slug"]: state for state in states}


def field_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Fields that differ, from and to; of ``basis``, only the facts whose
    basis changed."""
    changes = _changes(before, after)
    if "basis" in changes:
        old, new = changes["basis"]["from"] or {}, changes["basis"]["to"] or {}
        keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        changes["basis"] = {
            "from": {k: old[k] for k in keys if k in old},
            "to": {k: new[k] for k in keys if k in new},
        }
    return changes


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        name: {"from": before.get(name), "to": after.get(name)}
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What was added, removed and changed (field by field) between two contents."""
    sections: dict[str, Any] = {}
    controller_changes = field_changes(old["controller"], new["controller"])
    for key in ["lawful_bases", *(section_key(t) for t in e.SCOPED_TYPES)]:
        before, after = _by_slug(old.get(key, [])), _by_slug(new.get(key, []))
        added = sorted(after.keys() - before.keys())
        removed = sorted(before.keys() - after.keys())
        changed = [
            {"slug": slug, "fields": field_changes(before[slug], after[slug])}
            for slug in sorted(before.keys() & after.keys())
            if before[slug] != after[slug]
        ]
        if added or removed or changed:
            sections[key] = {
                "added": [after[s] for s in added],
                "removed": [before[s] for s in removed],
                "changed": changed,
            }
    return {"controller": controller_changes, "sections": sections}


def load_snapshot(
    session: Session,
    controller_slug: str | None,
    *,
    as_of: datetime | None = None,
    version: str | None = None,
    recent: RecentSnapshots | None = None,
) -> Snapshot:
    """The register of one controller: now, ``as_of`` a moment, or a published
    version; ``recent`` keeps current ones per data version (routed paths)."""
    if version is not None:
        return published(session, controller_slug, version)
    if as_of is not None:
        return at_moment(session, controller_slug, as_of)
    controller = single_controller(session, controller_slug)
    if recent is not None:
        return recent.current(session, controller)
    return current(session, controller)
