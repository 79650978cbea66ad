"""The change feed and the chain verification endpoint."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from app.api.deps import ReadSession, only_params
from app.api.responses import checked_response
from app.api.services import ServicesDep
from app.errors import InvalidInput, problem_responses
from app.history.moments import is_seq, parse_moment, parse_seq
from app.register import entities as e
from app.trail.queries import ChangeFilters, list_changes

router = APIRouter(prefix="/api/v1", tags=["changes"])


class ActorOut(BaseModel):
    type: str
    id: str | None
    name: str


class ChangeOut(BaseModel):
    seq: int
    occurred_at: str
    actor: ActorOut
    action: str
    entity_type: str
    controller: str | None
    slug: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    hash: str
    prev_hash: str


class ChangesOut(BaseModel):
    items: list[ChangeOut]
    next_cursor: str | None
    next: str | None


class ChainOut(BaseModel):
    ok: bool
    events: int
    first_broken_seq: int | None
    reason: str | None


class ControllerStateOut(BaseModel):
    controller: str
    ok: bool
    digest: str | None
    replayed_digest: str | None


class DifferenceOut(BaseModel):
    controller: str
    entity_type: str
    slug: str
    reason: str
    fields: list[str]


class StateOut(BaseModel):
    ok: bool
    seq: int
    controllers: list[ControllerStateOut]
    first_difference: DifferenceOut | None


class SpanOut(BaseModel):
    first: int
    last: int


class CheckedOut(BaseModel):
    events: SpanOut | None = Field(
        description="Events whose hashes and links this pass recomputed in sequence: all of "
        "them in a full pass, those after the verified point in an incremental one."
    )
    extends_seq: int | None = Field(
        description="The point verified before, whose event this pass checked is still the "
        "one verified (a truncated or rewritten log no longer holds it)."
    )
    sweep: SpanOut | None = Field(
        description="Older events an incremental pass re-checked; the next pass takes the "
        "next ones, in turn."
    )
    last_full_pass_at: str


class VerificationOut(BaseModel):
    ok: bool
    verified_at: str
    pass_: Literal["full", "incremental"] = Field(
        alias="pass",
        description="``full``: every event and the whole trail replayed; ``incremental``: "
        "the events after the last verified point, plus a sweep of older ones.",
    )
    checked: CheckedOut
    chain: ChainOut
    state: StateOut


ENTITY_NAMES = sorted([t.name for t in e.ALL_TYPES] + ["versions"])


@router.get(
    "/changes",
    response_model=ChangesOut,
    summary="What changed, in order",
    dependencies=[
        Depends(only_params("since", "entity", "slug", "actor", "controller", "cursor", "limit"))
    ],
    responses=problem_responses(422),
)
def changes(
    request: Request,
    session: ReadSession,
    since: Annotated[
        str | None,
        Query(
            description="A sequence number or an ISO 8601 time: only later changes.",
            max_length=64,
            examples=["120", "2026-11-30T09:00:00Z"],
        ),
    ] = None,
    entity: Annotated[
        str | None, Query(description="Entity type, e.g. sharing.", max_length=40)
    ] = None,
    slug: Annotated[str | None, Query(max_length=120)] = None,
    actor: Annotated[str | None, Query(description="Key id or name.", max_length=200)] = None,
    controller: Annotated[str | None, Query(max_length=120)] = None,
    cursor: Annotated[str | None, Query(pattern=r"^\d{1,18}$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """Poll with ``since=<last seq seen>`` and follow ``next`` until it is null."""
    if entity is not None and entity not in ENTITY_NAMES:
        raise InvalidInput(
            f"Unknown entity type {entity!r}.",
            errors=[
                {"field": "entity", "msg": f"one of {', '.join(ENTITY_NAMES)}", "type": "enum"}
            ],
        )
    filters = ChangeFilters(entity=entity, slug=slug, actor=actor, controller=controller)
    if since is not None:
        if is_seq(since):
            filters = ChangeFilters(**{**filters.__dict__, "since_seq": parse_seq(since, "since")})
        else:
            moment: datetime = parse_moment(since, "since")
            filters = ChangeFilters(**{**filters.__dict__, "since_time": moment})
    items, next_cursor = list_changes(
        session, filters, after=int(cursor) if cursor else None, limit=limit
    )
    next_url = None
    if next_cursor is not None:
        params = dict(request.query_params)
        params["cursor"] = str(next_cursor)
        next_url = str(request.url.replace_query_params(**params))
    body = {
        "items": items,
        "next_cursor": str(next_cursor) if next_cursor else None,
        "next": next_url,
    }
    return checked_response(request, ChangesOut, body, public=False)


@router.get(
    "/changes/verify",
    response_model=VerificationOut,
    summary="Verify the audit trail and the register against it",
    dependencies=[Depends(only_params())],
    responses=problem_responses(503),
)
def verify_chain(request: Request, session: ReadSession, services: ServicesDep) -> Response:
    """``chain``: the hash chain recomputed, with the first event whose hash
    or link does not match. ``state``: the trail replayed and each
    controller's register compared with the tables by the digest
    ``/api/v1/register`` serves, with the first entity that differs.
    ``pass`` and ``checked``: a pass extends the last verified point (the
    events after it, and a sweep of older ones in turn); a full pass is made
    at least every ``VERIFY_FULL_SECONDS``. The result is reused while no
    change is made, for at most ``VERIFY_CACHE_SECONDS`` (``verified_at``
    says when it was made)."""
    report = services.verification.report(session)
    return checked_response(request, VerificationOut, report, public=False)
