"""Writing entities: the one path by which the seed loader, the importer and
the API change the register. Every change is validated, references are
resolved by slug within the entity's controller, and an audit event with the
before and after states is appended in the same transaction.

Functions here only ``flush()``; the caller owns the transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from app.errors import Conflict, InvalidInput, Problems
from app.register import entities as e
from app.register import models as m
from app.register import reach
from app.register.basis import error_location, rebase, to_confirm, unsupported_changes
from app.register.entities import Children, EntityType, Ref, RefList, Shape, to_state
from app.trail.chain import Actor, append


class Resolver:
    """Finds entities by slug within one controller, one query per batch.

    Lawful bases are global; every other target is looked up among the
    controller's own entities.
    """

    def __init__(self, session: Session, controller_id: int | None) -> None:
        self.session = session
        self.controller_id = controller_id
        self._cache: dict[str, dict[str, Any]] = defaultdict(dict)

    def remember(self, target: str, obj: Any) -> None:
        self._cache[target][obj.slug] = obj

    def preload(self, target: str) -> None:
        entity_type = e.BY_NAME[target]
        query = select(entity_type.model)
        if entity_type.scoped:
            query = query.where(entity_type.model.controller_id == self.controller_id)
        for obj in self.session.scalars(query):
            self.remember(target, obj)

    def lookup(self, target: str, slugs: Iterable[str]) -> dict[str, Any]:
        wanted = set(slugs)
        known = self._cache[target]
        missing = wanted - known.keys()
        if missing:
            entity_type = e.BY_NAME[target]
            model = entity_type.model
            query = select(model).where(model.slug.in_(missing))
            if entity_type.scoped:
                query = query.where(model.controller_id == self.controller_id)
            for obj in self.session.scalars(query):
                known[obj.slug] = obj
        return {slug: known[slug] for slug in wanted if slug in known}


def validate(entity_type: EntityType | Shape, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate raw data against the entity's schema; return its JSON form."""
    shape = entity_type.shape if isinstance(entity_type, EntityType) else entity_type
    try:
        model = shape.schema.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(
            "The entity is not valid.",
            errors=[
                {"field": error_location(err), "msg": err["msg"], "type": err["type"]}
                for err in exc.errors()
            ],
        ) from None
    return model.model_dump(mode="json")


def _apply_columns(shape: Shape, obj: Any, data: Mapping[str, Any]) -> None:
    for name in shape.column_fields():
        if getattr(obj, name, None) != data[name]:
            setattr(obj, name, data[name])


def _apply_refs(
    shape: Shape,
    obj: Any,
    data: Mapping[str, Any],
    resolver: Resolver,
    errors: list[dict[str, Any]],
    prefix: str = "",
) -> None:
    for ref in shape.all_refs():
        value = data[ref.field]
        slugs = [] if value is None else [value] if isinstance(ref, Ref) else list(value)
        found = resolver.lookup(ref.target, slugs)
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            errors.append(
                {
                    "field": prefix + ref.field,
                    "msg": f"unknown {e.BY_NAME[ref.target].label}: {', '.join(unknown)}",
                    "type": "unknown_reference",
                }
            )
            continue
        if isinstance(ref, RefList):
            targets = [found[slug] for slug in slugs]
            current = getattr(obj, ref.relationship)
            if [t.id for t in current] != [t.id for t in targets]:
                setattr(obj, ref.relationship, targets)
        else:
            target = found.get(value) if value is not None else None
            if getattr(obj, ref.relationship) is not target:
                setattr(obj, ref.relationship, target)
    for child in shape.children:
        _apply_children(child, obj, data[child.field], resolver, errors, prefix)


def _apply_children(
    child: Children,
    parent: Any,
    rows: list[dict[str, Any]],
    resolver: Resolver,
    errors: list[dict[str, Any]],
    prefix: str,
) -> None:
    """Children are replaced as a whole: a state lists them completely."""
    current = getattr(parent, child.field)
    current_states = [to_state(child.shape, c) for c in current]
    if current_states == rows:
        return
    replacement = []
    for index, row in enumerate(rows):
        obj = child.shape.model(position=index)
        _apply_columns(child.shape, obj, row)
        for ref in child.shape.all_refs():
            setattr(obj, ref.relationship, [] if isinstance(ref, RefList) else None)
        _apply_refs(child.shape, obj, row, resolver, errors, f"{prefix}{child.field}.{index}.")
        replacement.append(obj)
    setattr(parent, child.field, replacement)


def _parent(session: Session, node: Any, relationship: str) -> Any:
    """The node's parent: from memory when loaded (pending rows of a bulk
    load), else by its foreign key (rows fetched without their relationships)."""
    if relationship not in inspect(node).unloaded:
        return getattr(node, relationship)
    prop = inspect(type(node)).relationships[relationship]
    parent_id = getattr(node, next(iter(prop.local_columns)).key)
    return None if parent_id is None else session.get(type(node), parent_id)


def _check_hierarchy(session: Session, entity_type: EntityType, obj: Any) -> list[dict[str, Any]]:
    """A data category's group and a provision's Act must not loop back."""
    errors = []
    for ref in entity_type.shape.refs:
        if ref.target != entity_type.name:
            continue
        seen = {id(obj)}
        node = getattr(obj, ref.relationship)
        while node is not None:
            if id(node) in seen:
                errors.append(
                    {
                        "field": ref.field,
                        "msg": f"{entity_type.label} {obj.slug!r} would contain itself",
                        "type": "reference_cycle",
                    }
                )
                break
            seen.add(id(node))
            node = _parent(session, node, ref.relationship)
    return errors


def new_entity(entity_type: EntityType, controller: m.Controller | None) -> Any:
    obj = entity_type.model()
    if entity_type.scoped:
        assert controller is not None
        obj.controller_id = controller.id
    for ref in entity_type.shape.all_refs():
        setattr(obj, ref.relationship, [] if isinstance(ref, RefList) else None)
    for child in entity_type.shape.children:
        setattr(obj, child.field, [])
    return obj


def slug_taken(
    session: Session, entity_type: EntityType, controller_id: int | None, slug: str
) -> bool:
    model = entity_type.model
    query = select(func.count()).select_from(model).where(model.slug == slug)
    if entity_type.scoped:
        query = query.where(model.controller_id == controller_id)
    return bool(session.scalar(query))


def apply_state(
    session: Session,
    entity_type: EntityType,
    obj: Any,
    data: Mapping[str, Any],
    resolver: Resolver,
) -> None:
    """Make ``obj`` hold the validated ``data``; raise 422 on unknown references."""
    _apply_columns(entity_type.shape, obj, data)
    errors: list[dict[str, Any]] = []
    _apply_refs(entity_type.shape, obj, data, resolver, errors)
    errors += _check_hierarchy(session, entity_type, obj)
    if errors:
        raise InvalidInput(
            f"The {entity_type.label} refers to entities that do not exist or loop.",
            errors=errors,
        )


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
