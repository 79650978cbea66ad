"""Making an entity's rows hold a validated state: the schema check, the
columns, the references resolved by slug within the entity's controller, the
children replaced as a whole, and no category group or part of an Act that
contains itself. Shared by the single writes (``app.register.writes``) and
the whole-register load (``app.interchange.loading``).

Nothing here flushes or records an audit event; the callers do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.register import entities as e
from app.register import models as m
from app.register.basis import error_location
from app.register.entities import Children, EntityType, Ref, RefList, Shape, to_state


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
        query = select(entity_type.model).where(*entity_type.of_controller(self.controller_id))
        for obj in self.session.scalars(query):
            self.remember(target, obj)

    def lookup(self, target: str, slugs: Iterable[str]) -> dict[str, Any]:
        wanted = set(slugs)
        known = self._cache[target]
        missing = wanted - known.keys()
        if missing:
            entity_type = e.BY_NAME[target]
            model = entity_type.model
            query = select(model).where(
                model.slug.in_(missing), *entity_type.of_controller(self.controller_id)
            )
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
