"""Authenticated writes, generated from the entity declarations: create,
update (JSON merge patch) and delete for every entity type. Adding and
removing single links of a sharing arrangement: ``app.routes.sharing_links``.

Each request is one transaction holding the writers' lock; the change and its
audit event commit together or not at all. PATCH and DELETE need the ETag
the client read (``If-Match``), so an update based on stale data is refused.
"""

# No ``from __future__ import annotations`` here: route signatures are built
# from each entity's schema at import time and FastAPI must see real types.

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Request
from pydantic import BaseModel, ConfigDict, create_model
from starlette.responses import Response

from app.api import idempotency
from app.api.deps import ControllerParam, WriteSession, only_params
from app.api.write_access import RegisterWriter, request_id
from app.register import entities as e
from app.register import models as m
from app.register import writes
from app.register.entities import EntityType
from app.routes.register import SlugPath, detail_model
from app.routes.write_requests import (
    WRITE_ERRORS,
    IfMatch,
    check_if_match,
    current_etag,
    entity_response,
    load_for_write,
    target_controller,
)

# A misspelt ``?controller=`` must not silently write to another controller.
router = APIRouter(prefix="/api/v1", dependencies=[Depends(only_params("controller"))])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Send the same key when retrying: the entity is created once.",
    ),
]


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
        response = entity_response(session, entity_type, obj, 201, Location=location)
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
        obj, owner = load_for_write(request, session, entity_type, slug, principal, controller)
        check_if_match(if_match, current_etag(session, entity_type, obj))
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
        return entity_response(session, entity_type, obj, 200)

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
        obj, owner = load_for_write(request, session, entity_type, slug, principal, controller)
        check_if_match(if_match, current_etag(session, entity_type, obj))
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


for _entity_type in e.ALL_TYPES:
    _add_write_routes(_entity_type)
