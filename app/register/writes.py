"""Writing entities: the one path by which the seed loader, the importer and
the API change the register. Every change is validated, references are
resolved by slug within the entity's controller (``app.register.applying``),
and an audit event with the before and after states is appended in the same
transaction.

Functions here only ``flush()``; the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import Conflict, InvalidInput, Problems
from app.register import entities as e
from app.register import models as m
from app.register import reach
from app.register.applying import Resolver, apply_state, new_entity, validate
from app.register.basis import rebase, to_confirm, unsupported_changes
from app.register.entities import Children, EntityType, RefList, to_state
from app.trail.chain import Actor, append


def slug_taken(
    session: Session, entity_type: EntityType, controller_id: int | None, slug: str
) -> bool:
    model = entity_type.model
    query = select(func.count()).select_from(model).where(model.slug == slug)
    query = query.where(*entity_type.of_controller(controller_id))
    return bool(session.scalar(query))


def record(
    session: Session,
    entity_type: EntityType,
    *,
    actor: Actor,
    action: str,
    controller: m.Controller | None,
    slug: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    request_id: str | None,
) -> None:
    append(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type.name,
        controller=controller.slug if controller is not None else None,
        slug=slug,
        before=before,
        after=after,
        request_id=request_id,
    )


def create(
    session: Session,
    entity_type: EntityType,
    controller: m.Controller | None,
    data: Mapping[str, Any],
    *,
    actor: Actor,
    request_id: str | None = None,
) -> Any:
    clean = validate(entity_type, data)
    controller_id = controller.id if controller is not None else None
    if slug_taken(session, entity_type, controller_id, clean["slug"]):
        raise Conflict(
            f"A {entity_type.label} with slug {clean['slug']!r} already exists.",
            problem=Problems.DUPLICATE_SLUG,
        )
    obj = new_entity(entity_type, controller)
    resolver = Resolver(session, controller_id)
    apply_state(session, entity_type, obj, clean, resolver)
    session.add(obj)
    session.flush()
    after = to_state(entity_type.shape, obj)
    scope = obj if entity_type is e.CONTROLLERS else controller
    record(
        session,
        entity_type,
        actor=actor,
        action="create",
        controller=scope,
        slug=obj.slug,
        before=None,
        after=after,
        request_id=request_id,
    )
    reach.after_change(session, entity_type.name, scope.id if scope is not None else None)
    return obj


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def update(
    session: Session,
    entity_type: EntityType,
    controller: m.Controller | None,
    obj: Any,
    patch: Mapping[str, Any],
    *,
    actor: Actor,
    request_id: str | None = None,
) -> Any:
    before = to_state(entity_type.shape, obj)
    merged = merge_patch(before, dict(patch))
    given = patch.get("basis")
    if isinstance(merged.get("basis"), dict) and (given is None or isinstance(given, dict)):
        unsupported = unsupported_changes(entity_type.shape.schema, before, merged, given)
        given = {**(given or {}), **{key: to_confirm(merged) for key in unsupported}}
        merged["basis"] = rebase(before, merged, obj.basis, given)
    clean = validate(entity_type, merged)
    if clean == before:
        return obj
    if clean["slug"] != before["slug"]:
        # Slugs are the stable names clients, exports and the audit trail use;
        # renaming one would silently change every entry that refers to it.
        raise InvalidInput(
            "A slug cannot change: create the entry under its new slug and delete this one.",
            errors=[{"field": "slug", "msg": "slugs are immutable", "type": "immutable"}],
        )
    apply_state(
        session, entity_type, obj, clean, Resolver(session, getattr(obj, "controller_id", None))
    )
    session.flush()
    after = to_state(entity_type.shape, obj)
    scope = obj if entity_type is e.CONTROLLERS else controller
    record(
        session,
        entity_type,
        actor=actor,
        action="update",
        controller=scope,
        slug=obj.slug,
        before=before,
        after=after,
        request_id=request_id,
    )
    reach.after_change(session, entity_type.name, scope.id if scope is not None else None)
    return obj


def references_to(session: Session, entity_type: EntityType, obj: Any) -> list[dict[str, str]]:
    """Who refers to ``obj``: deleting it must not silently break them."""
    found: list[dict[str, str]] = []
    for source_type, ref in e.referencing_types(entity_type.name):
        model = source_type.model
        if isinstance(ref, Children):
            child_model = ref.shape.model
            clauses = [
                getattr(child_model, r.relationship).any(id=obj.id)
                if isinstance(r, RefList)
                else getattr(child_model, r.relationship).has(id=obj.id)
                for r in ref.shape.all_refs()
                if r.target == entity_type.name
            ]
            condition = getattr(model, ref.field).any(clauses[0])
        elif isinstance(ref, RefList):
            condition = getattr(model, ref.relationship).any(id=obj.id)
        else:
            condition = getattr(model, ref.relationship).has(id=obj.id)
        for slug in session.scalars(select(model.slug).where(condition).order_by(model.slug)):
            found.append({"entity_type": source_type.name, "slug": slug, "field": ref.field})
    if entity_type is e.CONTROLLERS:
        for scoped in e.SCOPED_TYPES:
            count = session.scalar(
                select(func.count())
                .select_from(scoped.model)
                .where(scoped.model.controller_id == obj.id)
            )
            if count:
                found.append(
                    {"entity_type": scoped.name, "slug": f"{count} entries", "field": "controller"}
                )
    return found


def delete(
    session: Session,
    entity_type: EntityType,
    controller: m.Controller | None,
    obj: Any,
    *,
    actor: Actor,
    request_id: str | None = None,
) -> None:
    referenced_by = references_to(session, entity_type, obj)
    if referenced_by:
        raise Conflict(
            f"The {entity_type.label} {obj.slug!r} is still referenced; "
            "remove those references first.",
            problem=Problems.STILL_REFERENCED,
            referenced_by=referenced_by,
        )
    before = to_state(entity_type.shape, obj)
    scope = obj if entity_type is e.CONTROLLERS else controller
    record(
        session,
        entity_type,
        actor=actor,
        action="delete",
        controller=scope,
        slug=obj.slug,
        before=before,
        after=None,
        request_id=request_id,
    )
    scope_id = scope.id if scope is not None else None
    session.delete(obj)
    session.flush()
    reach.after_change(session, entity_type.name, scope_id)
