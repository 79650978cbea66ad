"""Authenticated writes, generated from the entity declarations: create,
update (JSON merge patch) and delete for every entity type, plus adding and
removing single links of a sharing arrangement.

Each request is one transaction holding the writers' lock; the change and its
audit event commit together or not at all. PATCH and DELETE need the ETag
the client read (``If-Match``), so an update based on stale data is refused.
"""

# No ``from __future__ import annotations`` here: route signatures are built
# from each entity's schema at import time and FastAPI must see real types.

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Depends, Header, Path, Request
from pydantic import BaseModel, ConfigDict, create_model
from sqlalchemy.orm import Session
from starlette.responses import Response

from app import etags
from app.api import idempotency
from app.api.deps import ControllerParam, WriteSession, only_params
from app.api.responses import etag_for, identity_etag
from app.api.write_access import (
    Principal,
    RegisterWriter,
    request_id,
    require_controller,
    writable_controller,
)
from app.errors import NotFound, ProblemError, Problems, problem_responses
from app.register import entities as e
from app.register import models as m
from app.register import outputs, service, writes
from app.register.entities import EntityType
from app.register.paging import split_values
from app.register.schemas import SLUG_PATTERN
from app.register.scope import ControllerScope, resolve_controllers
from app.routes.register import SlugPath, detail_model

# A misspelt ``?controller=`` must not silently write to another controller.
router = APIRouter(prefix="/api/v1", dependencies=[Depends(only_params("controller"))])

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", max_length=200, description="The ETag of the entity as last read."),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Send the same key when retrying: the entity is created once.",
    ),
]
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


def _entity_response(
    session: Session, entity_type: EntityType, obj: Any, status: int, **headers: str
) -> Response:
    detail = service.detail(session, entity_type, obj, ControllerScope.every())
    detail_model(entity_type).model_validate(detail)  # checked as a response_model would be
    body = orjson.dumps(detail)
    return Response(
        body,
        status_code=status,
        media_type="application/json",
        headers={"ETag": etag_for(body), "Cache-Control": "no-store", **headers},
    )


def _current_etag(session: Session, entity_type: EntityType, obj: Any) -> str:
    detail = service.detail(session, entity_type, obj, ControllerScope.every())
    return etag_for(orjson.dumps(detail))


def check_if_match(if_match: str | None, current: str) -> None:
    if if_match is None:
        raise ProblemError(
            "Send If-Match with the ETag you last read: updates must not be based on stale data.",
            problem=Problems.PRECONDITION_REQUIRED,
        )
    # Strong comparison (RFC 9110 13.1.1): a weak tag never matches. Any
    # content coding's tag of the current state will do (app.cache.entry.coded_etag).
    if not etags.parse(if_match).matches_strongly(current, identity_etag):
        raise ProblemError(
            "The entity changed since you read it: read it again and reapply your change.",
            problem=Problems.STALE_ETAG,
            current_etag=current,
        )


def target_controller(entity_type: EntityType) -> Callable[..., int | None]:
    """The controller a new entity belongs to (none for global types)."""
    if entity_type.scoped:
        return writable_controller

    def global_entity(request: Request, principal: RegisterWriter) -> None:
        require_controller(request, principal, None)

    return global_entity


def _load_for_write(
    request: Request,
    session: Session,
    entity_type: EntityType,
    slug: str,
    principal: Principal,
    controller: tuple[str, ...],
) -> tuple[Any, m.Controller | None]:
    named = split_values(controller)
    scope = resolve_controllers(session, named)
    own = principal.controller_id
    if own is not None and scope.is_every and entity_type.scoped:
        # A limited key means its own controller's entry when the slug exists there.
        try:
            obj = service.get_entity(session, entity_type, slug, ControllerScope((own,)))
        except NotFound:
            obj = service.get_entity(session, entity_type, slug, scope)
    else:
        obj = service.get_entity(session, entity_type, slug, scope)
    if entity_type is e.CONTROLLERS:
        require_controller(request, principal, obj.id)
        return obj, obj
    if not entity_type.scoped:
        require_controller(request, principal, None)
        return obj, None
    require_controller(request, principal, obj.controller_id)
    return obj, session.get(m.Controller, obj.controller_id)


def patch_model(entity_type: EntityType) -> type[BaseModel]:
    """The schema with every field optional: a JSON merge patch (RFC 7396)."""
    fields: dict[str, Any] = {}
    for name, field in entity_type.schema.model_fields.items():
        annotation: Any = field.annotation
        # A value replaces the field's whole value, so the field's own constraints
        # apply to it (and are documented); the merged state is checked again.
        constrained = Annotated[(annotation, *field.metadata)] if field.metadata else annotation
        # null clears a field (RFC 7396): never one the entity requires.
        fields[name] = (constrained if field.is_required() else constrained | None, None)
    name = "".join(p.capitalize() for p in entity_type.name.split("-")) + "Patch"
    model: type[BaseModel] = create_model(name, __config__=ConfigDict(extra="forbid"), **fields)
    return model


def _create_route(entity_type: EntityType) -> Callable[..., Response]:
    schema: Any = entity_type.schema

    def create(
        request: Request,
        principal: RegisterWriter,
        target_id: Annotated[int | None, Depends(target_controller(entity_type))],
        session: WriteSession,
        body: Annotated[schema, Body()],
        idempotency_key: IdempotencyKey = None,
    ) -> Response:
        data = body.model_dump(mode="json")
        fingerprint = idempotency.request_fingerprint(request, data)
        if idempotency_key:
            stored = idempotency.replay(session, principal, idempotency_key, fingerprint)
            if stored is not None:
                return stored
        target = session.get(m.Controller, target_id) if target_id is not None else None
        obj = writes.create(
            session,
            entity_type,
            target,
            data,
            actor=principal.actor,
            request_id=request_id(request),
        )
        location = f"/api/v1/{entity_type.name}/{obj.slug}"
        if target is not None:
            location += f"?controller={target.slug}"
        response = _entity_response(session, entity_type, obj, 201, Location=location)
        if idempotency_key:
            idempotency.remember(
                session, principal, idempotency_key, fingerprint, request, response
            )
        return response

    return create


def _update_route(entity_type: EntityType) -> Callable[..., Response]:
    patch: Any = patch_model(entity_type)

    def update(
        request: Request,
        slug: SlugPath,
        principal: RegisterWriter,
        session: WriteSession,
        body: Annotated[patch, Body(media_type="application/merge-patch+json")],
        if_match: IfMatch = None,
        controller: ControllerParam = (),
    ) -> Response:
        obj, owner = _load_for_write(request, session, entity_type, slug, principal, controller)
        check_if_match(if_match, _current_etag(session, entity_type, obj))
        changes = body.model_dump(mode="json", exclude_unset=True)
        writes.update(
            session,
            entity_type,
            owner,
            obj,
            changes,
            actor=principal.actor,
            request_id=request_id(request),
        )
        return _entity_response(session, entity_type, obj, 200)

    return update


def _delete_route(entity_type: EntityType) -> Callable[..., Response]:
    def delete(
        request: Request,
        slug: SlugPath,
        principal: RegisterWriter,
        session: WriteSession,
        if_match: IfMatch = None,
        controller: ControllerParam = (),
    ) -> Response:
        obj, owner = _load_for_write(request, session, entity_type, slug, principal, controller)
        check_if_match(if_match, _current_etag(session, entity_type, obj))
        writes.delete(
            session, entity_type, owner, obj, actor=principal.actor, request_id=request_id(request)
        )
        return Response(status_code=204)

    return delete


def _add_write_routes(entity_type: EntityType) -> None:
    tag = entity_type.name
    op = entity_type.name.replace("-", "_")
    router.add_api_route(
        f"/{entity_type.name}",
        _create_route(entity_type),
        methods=["POST"],
        status_code=201,
        response_model=detail_model(entity_type),
        tags=[tag],
        summary=f"Create a {entity_type.label}",
        operation_id=f"create_{op}",
        responses=WRITE_ERRORS,
    )
    router.add_api_route(
        f"/{entity_type.name}/{{slug}}",
        _update_route(entity_type),
        methods=["PATCH"],
        response_model=detail_model(entity_type),
        tags=[tag],
        summary=f"Update a {entity_type.label} (JSON merge patch)",
        operation_id=f"update_{op}",
        responses=WRITE_ERRORS,
    )
    router.add_api_route(
        f"/{entity_type.name}/{{slug}}",
        _delete_route(entity_type),
        methods=["DELETE"],
        status_code=204,
        response_class=Response,
        tags=[tag],
        summary=f"Delete a {entity_type.label}",
        operation_id=f"delete_{op}",
        description="Refused with 409, listing the referrers, while anything refers to it.",
        responses=WRITE_ERRORS,
    )


SHARING_LINKS = {ref.field.replace("_", "-"): ref.field for ref in e.SHARING.shape.ref_lists}
LinkField = Annotated[
    str,
    Path(pattern="^(" + "|".join(SHARING_LINKS) + ")$", max_length=max(map(len, SHARING_LINKS))),
]
TargetSlug = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=120)]


def _change_link(
    request: Request,
    session: Session,
    principal: Principal,
    slug: str,
    link: str,
    target: str,
    if_match: str | None,
    controller: tuple[str, ...],
    *,
    add: bool,
) -> Response:
    obj, owner = _load_for_write(request, session, e.SHARING, slug, principal, controller)
    check_if_match(if_match, _current_etag(session, e.SHARING, obj))
    field = SHARING_LINKS[link]
    current = [t.slug for t in getattr(obj, field)]
    wanted = sorted({*current, target}) if add else [s for s in current if s != target]
    if wanted != sorted(current):
        writes.update(
            session,
            e.SHARING,
            owner,
            obj,
            {field: wanted},
            actor=principal.actor,
            request_id=request_id(request),
        )
    return _entity_response(session, e.SHARING, obj, 200)


@router.put(
    "/sharing/{slug}/{link}/{target}",
    response_model=outputs.item_model(e.SHARING),
    tags=["sharing"],
    summary="Link an entity to a sharing arrangement",
    operation_id="add_sharing_link",
    responses=WRITE_ERRORS,
)
def add_sharing_link(
    request: Request,
    slug: SlugPath,
    link: LinkField,
    target: TargetSlug,
    principal: RegisterWriter,
    session: WriteSession,
    if_match: IfMatch = None,
    controller: ControllerParam = (),
) -> Response:
    """Add one data category, data subject, purpose, law, lawful basis or service."""
    return _change_link(
        request, session, principal, slug, link, target, if_match, controller, add=True
    )


@router.delete(
    "/sharing/{slug}/{link}/{target}",
    response_model=outputs.item_model(e.SHARING),
    tags=["sharing"],
    summary="Unlink an entity from a sharing arrangement",
    operation_id="remove_sharing_link",
    responses=WRITE_ERRORS,
)
def remove_sharing_link(
    request: Request,
    slug: SlugPath,
    link: LinkField,
    target: TargetSlug,
    principal: RegisterWriter,
    session: WriteSession,
    if_match: IfMatch = None,
    controller: ControllerParam = (),
) -> Response:
    """Remove one link; the linked entity itself is kept."""
    return _change_link(
        request, session, principal, slug, link, target, if_match, controller, add=False
    )


for _entity_type in e.ALL_TYPES:
    _add_write_routes(_entity_type)
