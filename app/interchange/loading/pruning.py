"""Removing the entities the content no longer lists, dependants first,
refusing any the kept content still refers to."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.interchange.loading.issues import LoadError, LoadIssue
from app.register import entities as e
from app.register import models as m
from app.register.entities import EntityType, load_options, to_state
from app.register.writes import record, references_to
from app.trail.chain import Actor


def _prune(
    session: Session,
    controller: m.Controller,
    validated: Mapping[str, list[dict[str, Any]]],
    wheres: Mapping[str, str],
    actor: Actor,
    request_id: str | None,
) -> int:
    """Remove entities the content no longer lists, dependants first. One
    the kept content still refers to is an error of the content, never a
    silently broken reference."""
    deleted = 0
    for entity_type in reversed(e.SCOPED_TYPES):
        keep = {d["slug"] for d in validated[entity_type.name]}
        model = entity_type.model
        stale = session.scalars(
            select(model)
            .where(model.controller_id == controller.id, model.slug.not_in(keep))
            .options(*load_options(entity_type.shape))
        ).all()
        # Within one type (groups, parts of Acts), remove children before parents.
        for obj in sorted(stale, key=lambda o: _depth(entity_type, o), reverse=True):
            referrers = references_to(session, entity_type, obj)
            if referrers:
                named = ", ".join(
                    f"{r['entity_type']} {r['slug']} ({r['field']})" for r in referrers
                )
                where = wheres.get(entity_type.name, entity_type.name)
                message = f"removed, but still referred to by {named}"
                raise LoadError([LoadIssue(where, obj.slug, None, message)])
            record(
                session,
                entity_type,
                actor=actor,
                action="delete",
                controller=controller,
                slug=obj.slug,
                before=to_state(entity_type.shape, obj),
                after=None,
                request_id=request_id,
            )
            session.delete(obj)
            session.flush()
            deleted += 1
    return deleted


def _depth(entity_type: EntityType, obj: Any) -> int:
    self_refs = [r for r in entity_type.shape.refs if r.target == entity_type.name]
    depth = 0
    for ref in self_refs:
        node = getattr(obj, ref.relationship)
        while node is not None and depth < 100:
            depth += 1
            node = getattr(node, ref.relationship)
    return depth
