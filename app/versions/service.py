"""Publishing versions: freezing the current register under a name."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict
from app.register import models as m
from app.register.schemas import slugify
from app.register.scope import ControllerScope
from app.snapshots.current import current
from app.trail import log
from app.trail.chain import Actor, append, as_utc
from app.versions.models import PublishedVersion


def publish(
    session: Session,
    controller: m.Controller,
    *,
    name: str,
    slug: str | None,
    actor: Actor,
    request_id: str | None,
) -> PublishedVersion:
    slug = slug or slugify(name)
    taken = session.scalar(
        select(PublishedVersion.id).where(
            PublishedVersion.controller_id == controller.id, PublishedVersion.slug == slug
        )
    )
    if taken is not None:
        raise Conflict(f"A version {slug!r} is already published; versions never change.")
    snapshot = current(session, controller)
    now = datetime.now(UTC)
    event = append(
        session,
        actor=actor,
        action="publish",
        entity_type="versions",
        controller=controller.slug,
        slug=slug,
        before=None,
        after={"slug": slug, "name": name, "digest": snapshot.digest},
        request_id=request_id,
    )
    row = PublishedVersion(
        controller_id=controller.id,
        slug=slug,
        name=name,
        published_at=now,
        published_by=actor.name,
        audit_seq=event.seq,
        digest=snapshot.digest,
        content=snapshot.content,
    )
    session.add(row)
    session.flush()
    return row


def version_view(session: Session, row: PublishedVersion, controller_slug: str) -> dict[str, Any]:
    """The version, with the signed checkpoint of the log that ends with its
    publication."""
    return {
        "slug": row.slug,
        "name": row.name,
        "controller": controller_slug,
        "published_at": as_utc(row.published_at).isoformat(),
        "published_by": row.published_by,
        "digest": row.digest,
        "data_version": row.audit_seq,
        "register_url": f"/api/v1/versions/{row.slug}/register?controller={controller_slug}",
        "checkpoint": log.checkpoint(session, row.audit_seq),
    }


def list_versions(session: Session, scope: ControllerScope) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(PublishedVersion)
        .where(*scope.where(PublishedVersion.controller_id))
        .order_by(PublishedVersion.published_at, PublishedVersion.id)
    ).all()
    slugs = scope.slugs(session, (row.controller_id for row in rows))
    return [version_view(session, row, slugs[row.controller_id]) for row in rows]
