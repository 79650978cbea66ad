"""What every write endpoint does around the change itself: find the entity
and the controller it belongs to (refusing keys limited to another), insist
on the ETag the client read (``If-Match``, strong comparison), and answer
with the entity's new state and ETag.
"""

# No ``from __future__ import annotations`` here: route signatures are built
# from each entity's schema at import time and FastAPI must see real types.

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import Header, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from app import etags
from app.api.responses import etag_for, identity_etag
from app.api.write_access import (
    Principal,
    RegisterWriter,
    require_controller,
    writable_controller,
)
from app.errors import NotFound, ProblemError, Problems, problem_responses
from app.register import entities as e
from app.register import models as m
from app.register import service
from app.register.entities import EntityType
from app.register.paging import split_values
from app.register.scope import ControllerScope, resolve_controllers
from app.routes.register import detail_model

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", max_length=200, description="The ETag of the entity as last read."),
]
WRITE_ERRORS = problem_responses(401, 403, 404, 409, 412, 422, 428)


def entity_response(
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


def current_etag(session: Session, entity_type: EntityType, obj: Any) -> str:
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


def load_for_write(
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
