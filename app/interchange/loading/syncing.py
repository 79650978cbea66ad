"""``sync_register``: the database made to hold exactly the given content
for one controller, every change audited, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.interchange.loading.content import LoadSummary, RegisterContent
from app.interchange.loading.issues import LoadError, LoadIssue
from app.interchange.loading.pruning import _prune
from app.interchange.loading.validation import _validated
from app.interchange.progress import QUIET, Progress
from app.register import entities as e
from app.register import models as m
from app.register import reach
from app.register.applying import Resolver, apply_state, new_entity
from app.register.entities import EntityType, load_options, to_state
from app.trail.chain import Actor, Change, append_all


def _sync_type(
    session: Session,
    entity_type: EntityType,
    controller: m.Controller | None,
    entries: list[dict[str, Any]],
    resolver: Resolver,
) -> list[tuple[Any, dict[str, Any] | None, dict[str, Any]]]:
    """First pass: create or fetch every object and set its plain columns."""
    model = entity_type.model
    assert controller is not None or not entity_type.scoped
    controller_id = None if controller is None else controller.id
    query = select(model).options(*load_options(entity_type.shape))
    query = query.where(*entity_type.of_controller(controller_id))
    existing = {obj.slug: obj for obj in session.scalars(query)}
    for obj in existing.values():
        resolver.remember(entity_type.name, obj)
    pending = []
    for data in entries:
        obj = existing.get(data["slug"])
        before = to_state(entity_type.shape, obj) if obj is not None else None
        if obj is None:
            obj = new_entity(entity_type, controller)
            obj.slug = data["slug"]
            resolver.remember(entity_type.name, obj)
        pending.append((obj, before, data))
    return pending


def sync_register(
    session: Session,
    content: RegisterContent,
    *,
    actor: Actor,
    request_id: str | None = None,
    prune: bool = True,
    number_entries: bool = False,
    progress: Progress = QUIET,
) -> tuple[m.Controller, LoadSummary]:
    issues: list[LoadIssue] = []
    progress.start("checking", content.size)
    controller_data = _validated(
        e.CONTROLLERS, content.controller, issues, number=False, progress=progress
    )
    lawful = (
        _validated(
            e.LAWFUL_BASES, content.lawful_bases, issues, number=number_entries, progress=progress
        )
        if content.lawful_bases is not None
        else []
    )
    validated: dict[str, list[dict[str, Any]]] = {}
    for entity_type in e.SCOPED_TYPES:
        section = content.sections.get(entity_type.name)
        validated[entity_type.name] = (
            _validated(entity_type, section, issues, number=number_entries, progress=progress)
            if section
            else []
        )
    if issues or not controller_data:
        raise LoadError(
            issues or [LoadIssue(content.controller.where, "controller", None, "missing")]
        )

    summary = LoadSummary()
    wheres = {name: sec.where for name, sec in content.sections.items()}

    def change(
        entity_type: EntityType, obj: Any, before: dict[str, Any] | None, scope: m.Controller
    ) -> Change | None:
        after = to_state(entity_type.shape, obj)
        if before == after:
            return None
        action = "create" if before is None else "update"
        summary.created += action == "create"
        summary.updated += action == "update"
        owner = scope.slug if entity_type.name != "lawful-bases" else None
        return Change(action, entity_type.name, owner, obj.slug, before, after)

    # Types are declared so that each refers only to earlier ones (and to
    # itself), so one pass in declaration order resolves every reference.
    resolver = Resolver(session, None)
    ((controller, before, data),) = _sync_type(
        session, e.CONTROLLERS, None, controller_data[:1], resolver
    )
    _apply(session, e.CONTROLLERS, controller, data, resolver, content.controller.where, issues)
    if issues:
        raise LoadError(issues)
    session.add(controller)
    session.flush()
    first = change(e.CONTROLLERS, controller, before, controller)
    if first is not None:  # recorded here: the writers' lock is taken as early as before
        append_all(session, [first], actor=actor, request_id=request_id)

    lawful_where = content.lawful_bases.where if content.lawful_bases else "lawful_bases"
    pending: list[tuple[EntityType, list[tuple[Any, dict[str, Any] | None, dict[str, Any]]]]] = []
    pending.append((e.LAWFUL_BASES, _sync_type(session, e.LAWFUL_BASES, None, lawful, resolver)))
    resolver = Resolver(session, controller.id)
    for entity_type in e.SCOPED_TYPES:
        rows = _sync_type(session, entity_type, controller, validated[entity_type.name], resolver)
        pending.append((entity_type, rows))
    entries = 1 + sum(len(rows) for _, rows in pending)
    progress.start("writing", entries)
    progress.advance()  # the controller
    for entity_type, rows in pending:
        where = (
            lawful_where
            if entity_type is e.LAWFUL_BASES
            else wheres.get(entity_type.name, entity_type.name)
        )
        for obj, _before, data in rows:
            _apply(session, entity_type, obj, data, resolver, where, issues)
            session.add(obj)
        if issues:
            raise LoadError(issues)
        session.flush()
        progress.advance(len(rows))
    progress.start("auditing", entries)
    progress.advance()  # the controller
    changes = []
    for entity_type, rows in pending:
        for obj, before, _data in rows:
            if (made := change(entity_type, obj, before, controller)) is not None:
                changes.append(made)
            progress.advance()
    if changes:
        append_all(session, changes, actor=actor, request_id=request_id)

    if prune:
        summary.deleted += _prune(session, controller, validated, wheres, actor, request_id)
    reach.refresh(session, [controller.id])
    return controller, summary


def _apply(
    session: Session,
    entity_type: EntityType,
    obj: Any,
    data: dict[str, Any],
    resolver: Resolver,
    where: str,
    issues: list[LoadIssue],
) -> None:
    try:
        apply_state(session, entity_type, obj, data, resolver)
    except InvalidInput as exc:
        for err in exc.extensions.get("errors", []):
            issues.append(LoadIssue(where, f"{data['slug']}", err.get("field"), err["msg"]))
