"""History routes: diffs between moments and published versions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from app.api.deps import ControllerParam, ReadSession, ScopeDep, WriteSession, only_params
from app.api.responses import checked_response, json_response
from app.api.write_access import RegisterWriter, WritableController, request_id
from app.errors import problem_responses
from app.history import past
from app.history.moments import parse_moment
from app.history.past import load_snapshot
from app.register import models as m
from app.register import outputs
from app.register.paging import split_values
from app.register.schemas import Name, Slug
from app.routes.register import SlugPath
from app.versions import service as versions

router = APIRouter(prefix="/api/v1")


class DiffOut(BaseModel):
    controller_slug: str = Field(alias="controller_slug")
    from_: str = Field(alias="from")
    to: str
    from_digest: str
    to_digest: str
    controller: dict[str, Any]
    sections: dict[str, Any]


@router.get(
    "/register/diff",
    tags=["register"],
    summary="What changed between two moments",
    response_model=DiffOut,
    dependencies=[Depends(only_params("controller", "from", "to"))],
    responses=problem_responses(404, 422),
)
def register_diff(
    request: Request,
    session: ReadSession,
    from_: Annotated[str, Query(alias="from", max_length=64, examples=["2026-11-01T00:00:00Z"])],
    to: Annotated[str | None, Query(max_length=64, description="Default: now.")] = None,
    controller: ControllerParam = (),
) -> Response:
    """Entries added, removed and changed, field by field, from ``from`` to ``to``."""
    slugs = split_values(controller)
    start = parse_moment(from_, "from")
    end = parse_moment(to, "to") if to else datetime.now(UTC)
    old = past.at_moment(session, slugs[0] if slugs else None, start)
    new = past.at_moment(session, old.controller, end)
    body = {
        "controller_slug": old.controller,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "from_digest": old.digest,
        "to_digest": new.digest,
        **past.diff(old.content, new.content),
    }
    return checked_response(request, DiffOut, body)


class VersionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(examples=["Education privacy notice, November 2026"])
    slug: Slug | None = Field(default=None, description="Default: derived from the name.")


class VersionOut(BaseModel):
    slug: str
    name: str
    controller: str
    published_at: str
    published_by: str
    digest: str
    data_version: int
    register_url: str
    checkpoint: dict[str, Any] = Field(
        description="The signed checkpoint of the audit log ending with the publication."
    )


class VersionsOut(BaseModel):
    items: list[VersionOut]


@router.post(
    "/versions",
    tags=["versions"],
    status_code=201,
    response_model=VersionOut,
    summary="Publish the current register as a named, dated version",
    dependencies=[Depends(only_params("controller"))],
    responses=problem_responses(401, 403, 404, 409, 422),
)
def publish_version(
    request: Request,
    principal: RegisterWriter,
    target_id: WritableController,
    session: WriteSession,
    body: VersionIn,
) -> Response:
    target = session.get(m.Controller, target_id)
    assert target is not None
    row = versions.publish(
        session,
        target,
        name=body.name,
        slug=body.slug,
        actor=principal.actor,
        request_id=request_id(request),
    )
    view = versions.version_view(session, row, target.slug)
    return checked_response(
        request,
        VersionOut,
        view,
        public=False,
        status_code=201,
        headers={"Location": f"/api/v1/versions/{row.slug}"},
    )


@router.get(
    "/versions",
    tags=["versions"],
    response_model=VersionsOut,
    summary="Published versions",
    dependencies=[Depends(only_params("controller"))],
    responses=problem_responses(422),
)
def list_versions(request: Request, session: ReadSession, scope: ScopeDep) -> Response:
    body = {"items": versions.list_versions(session, scope)}
    return checked_response(request, VersionsOut, body)


@router.get(
    "/versions/{slug}/register",
    tags=["versions"],
    response_model=outputs.RegisterDocumentOut,
    summary="A published version's register, unchanged forever",
    dependencies=[Depends(only_params("controller"))],
    responses=problem_responses(404, 422),
)
def version_register(
    request: Request,
    slug: SlugPath,
    session: ReadSession,
    controller: ControllerParam = (),
) -> Response:
    slugs = split_values(controller)
    snapshot = load_snapshot(session, slugs[0] if slugs else None, version=slug)
    document = snapshot.document()
    document["generated_at"] = snapshot.stamps["published_at"]
    return json_response(request, document)
