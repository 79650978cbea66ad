"""Adding and removing single links of a sharing arrangement (a data
category, data subject, purpose, law, lawful basis or service), each an
update of the arrangement with its audit event.
"""

# No ``from __future__ import annotations`` here: route signatures are built
# from each entity's schema at import time and FastAPI must see real types.

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from app.api.deps import ControllerParam, WriteSession, only_params
from app.api.write_access import Principal, RegisterWriter, request_id
from app.register import entities as e
from app.register import outputs, writes
from app.register.schemas import SLUG_PATTERN
from app.routes.register import SlugPath
from app.routes.write_requests import (
    WRITE_ERRORS,
    IfMatch,
    check_if_match,
    current_etag,
    entity_response,
    load_for_write,
)

# A misspelt ``?controller=`` must not silently write to another controller.
router = APIRouter(prefix="/api/v1", dependencies=[Depends(only_params("controller"))])

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
    obj, owner = load_for_write(request, session, e.SHARING, slug, principal, controller)
    check_if_match(if_match, current_etag(session, e.SHARING, obj))
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
    return entity_response(session, e.SHARING, obj, 200)


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
