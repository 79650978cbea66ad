"""Managing API keys over the API (scope ``keys:admin``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from starlette.responses import Response

from app.api.deps import ReadSession, WriteSession, only_params
from app.api.responses import checked_response
from app.api.write_access import KeysAdmin, require_controller
from app.auth import keys
from app.auth.models import ApiKey
from app.errors import problem_responses
from app.register.models import Controller
from app.register.schemas import Name, Slug
from app.trail.chain import as_utc

router = APIRouter(prefix="/api/v1/keys", tags=["keys"])
KeyIdPath = Annotated[str, Path(pattern=r"^[0-9a-f]{12}$", min_length=12, max_length=12)]


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    scopes: list[keys.Scope] = Field(min_length=1, max_length=5)
    controller: Slug | None = Field(default=None, description="Limit the key to one controller.")


class KeyOut(BaseModel):
    key_id: str
    name: str
    scopes: list[str]
    controller: str | None
    created_at: str
    revoked_at: str | None


class NewKeyOut(KeyOut):
    key: str = Field(description="The key itself: shown once, never again.")


class KeysOut(BaseModel):
    items: list[KeyOut]


def _view(key: ApiKey, controller: str | None) -> dict[str, object]:
    return {
        "key_id": key.key_id,
        "name": key.name,
        "scopes": key.scopes,
        "controller": controller,
        "created_at": as_utc(key.created_at).isoformat() if key.created_at else None,
        "revoked_at": as_utc(key.revoked_at).isoformat() if key.revoked_at else None,
    }


@router.post(
    "",
    status_code=201,
    response_model=NewKeyOut,
    summary="Create an API key",
    dependencies=[Depends(only_params())],
    responses=problem_responses(401, 403, 422),
)
def create_key(
    request: Request, principal: KeysAdmin, session: WriteSession, body: KeyIn
) -> Response:
    require_controller(request, principal, None)
    new = keys.create_key(
        session, name=body.name, scopes=[s.value for s in body.scopes], controller=body.controller
    )
    view = {**_view(new.key, body.controller), "key": new.secret}
    return checked_response(request, NewKeyOut, view, public=False, status_code=201)


@router.get(
    "",
    response_model=KeysOut,
    summary="List API keys (never the keys themselves)",
    dependencies=[Depends(only_params())],
    responses=problem_responses(401, 403),
)
def list_keys(request: Request, principal: KeysAdmin, session: ReadSession) -> Response:
    """A key limited to one controller sees that controller's keys only."""
    query = (
        select(ApiKey, Controller.slug)
        .outerjoin(Controller, Controller.id == ApiKey.controller_id)
        .order_by(ApiKey.id)
    )
    if principal.controller_id is not None:
        query = query.where(ApiKey.controller_id == principal.controller_id)
    rows = session.execute(query).all()
    body = {"items": [_view(k, c) for k, c in rows]}
    return checked_response(request, KeysOut, body, public=False)


@router.delete(
    "/{key_id}",
    response_model=KeyOut,
    summary="Revoke an API key",
    dependencies=[Depends(only_params())],
    responses=problem_responses(401, 403, 404),
)
def revoke_key(
    request: Request, key_id: KeyIdPath, principal: KeysAdmin, session: WriteSession
) -> Response:
    require_controller(request, principal, None)
    key = keys.revoke_key(session, key_id)
    controller = session.get(Controller, key.controller_id) if key.controller_id else None
    view = _view(key, controller.slug if controller else None)
    return checked_response(request, KeyOut, view, public=False)
