"""Loading a whole register at once (seed files, imported documents).

``sync_register`` makes the database hold exactly the given content for one
controller: entries are created, changed or removed, each change audited, in
the caller's transaction. Loading the same content twice changes nothing.
Errors are collected for the whole content first and name where each one is
(file or document path, entry, field), so a bad file loads nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.interchange.progress import QUIET, Progress
from app.register import entities as e
from app.register import models as m
from app.register import reach
from app.register.applying import Resolver, apply_state, new_entity
from app.register.basis import error_location
from app.register.entities import EntityType, load_options, to_state
from app.register.writes import record, references_to
from app.trail.chain import Actor, Change, append_all


@dataclass(frozen=True)
class LoadIssue:
    where: str
    entry: str
    field: str | None
    message: str

    def __str__(self) -> str:
        location = f"{self.where}: {self.entry}"
        if self.field:
            location += f": {self.field}"
        return f"{location}: {self.message}"


class LoadError(InvalidInput):
    def __init__(self, issues: Sequence[LoadIssue]) -> None:
        super().__init__(
            f"{len(issues)} problem(s) in the register content; nothing was loaded.",
            errors=[
                {"where": i.where, "entry": i.entry, "field": i.field, "msg": i.message}
                for i in issues
            ],
        )
        self.issues = list(issues)


@dataclass
class Section:
    """Entries of one entity type and where they came from (for messages)."""

    where: str
    entries: list[dict[str, Any]]


@dataclass
class RegisterContent:
    controller: Section
    lawful_bases: Section | None = None
    sections: dict[str, Section] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Entries in all, the controller's included."""
        lawful = len(self.lawful_bases.entries) if self.lawful_bases else 0
        return (
            len(self.controller.entries)
            + lawful
            + sum(len(s.entries) for s in self.sections.values())
        )


@dataclass
class LoadSummary:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def _entry_label(index: int, raw: Any) -> str:
    slug = raw.get("slug") if isinstance(raw, Mapping) else None
    return f"entry {index + 1}" + (f" ({slug})" if slug else "")


def _validated(
    entity_type: EntityType,
    section: Section,
    issues: list[LoadIssue],
    *,
    number: bool,
    progress: Progress = QUIET,
) -> list[dict[str, Any]]:
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, raw in enumerate(section.entries):
        progress.advance()
        label = _entry_label(index, raw)
        if not isinstance(raw, Mapping):
            issues.append(LoadIssue(section.where, label, None, "must be a mapping"))
            continue
        data = dict(raw)
        if number and "position" not in data:
            data["position"] = index  # file order is the notice's order
        try:
            model = entity_type.schema.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                issues.append(LoadIssue(section.where, label, error_location(err), err["msg"]))
            continue
        if model.slug in seen:
            issues.append(LoadIssue(section.where, label, "slug", "duplicate slug"))
            continue
        seen.add(model.slug)
        clean.append(model.model_dump(mode="json"))
    return clean


def _sync_type(
    session: Session,
    entity_type: EntityType,
    controller: m.Controller | None,
    entries: list[dict[str, Any]],
    resolver: Resolver,
) -> list[tuple[Any, dict[str, Any] | None, dict[str, Any]]]:
    """First pass: create or fetch every object and set its plain columns."""
    model = entity_type.model
    query = select(model).options(*load_options(entity_type.shape))
    if entity_type.scoped:
        assert controller is not None
        query = query.where(model.controller_id == controller.id)
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
