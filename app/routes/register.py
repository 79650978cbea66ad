"""Public read routes of the register, generated from the entity declarations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from app.api.deps import (
    ControllerParam,
    PaginationDep,
    ReadSession,
    ScopeDep,
    only_params,
    query_model,
    query_model_openapi,
)
from app.api.kept import KeptArrangementsDep
from app.api.responses import json_response, weak_etag
from app.api.services import ServicesDep
from app.cache.scope import depends_on
from app.errors import problem_responses
from app.exports import jsonld
from app.exports.common import Export, refuse_as_of_with_version
from app.history.moments import parse_moment
from app.history.past import load_snapshot
from app.register import entities as e
from app.register import outputs, service
from app.register.entities import EntityType
from app.register.paging import split_values
from app.register.schemas import SLUG_PATTERN
from app.sharing.index import sharing_page
from app.sharing.query import SharingQuery, unstated_query

router = APIRouter(prefix="/api/v1")

SlugPath = Annotated[str, Path(pattern=SLUG_PATTERN, max_length=120, examples=["nexus"])]


LIST_PARAMS = ("controller", "limit", "offset", "cursor")
DETAIL_PARAMS = ("controller",)


def _list_route(entity_type: EntityType) -> Callable[..., Response]:
    def list_route(
        request: Request,
        session: ReadSession,
        scope: ScopeDep,
        page: PaginationDep,
    ) -> Response:
        # Lists, details, /sharing and /register are the hot reads
        # (bench/instructions.py): served as pre-encoded bytes, most from the
        # response cache, without validating the body against its
        # response_model on each miss; tests/test_fuzz_schemathesis.py checks
        # their bodies against the OpenAPI document instead.
        result = service.list_entities(
            session,
            entity_type,
            scope=scope,
            limit=page.limit,
            offset=page.offset,
            cursor=page.cursor,
        )
        return json_response(request, result.as_dict())

    return list_route


def _detail_route(entity_type: EntityType) -> Callable[..., Response]:
    if entity_type is e.RECIPIENTS:
        return recipient_detail_route

    def detail_route(
        request: Request, slug: SlugPath, session: ReadSession, scope: ScopeDep
    ) -> Response:
        return json_response(request, service.read_detail(session, entity_type, slug, scope))

    return detail_route


def recipient_detail_route(
    request: Request,
    slug: SlugPath,
    kept: KeptArrangementsDep,
    session: ReadSession,
    scope: ScopeDep,
) -> Response:
    found = service.read_detail(session, e.RECIPIENTS, slug, scope, kept)
    return json_response(request, found)


def detail_model(entity_type: EntityType) -> type[Any]:
    if entity_type is e.RECIPIENTS:
        return outputs.recipient_detail_model()
    if entity_type is e.DATA_CATEGORIES:
        return outputs.data_category_detail_model()
    return outputs.item_model(entity_type)


def _add_entity_routes(entity_type: EntityType) -> None:
    tag = entity_type.name
    if entity_type is not e.SHARING:
        router.add_api_route(
            f"/{entity_type.name}",
            _list_route(entity_type),
            methods=["GET"],
            response_model=outputs.page_model(entity_type),
            summary=f"List {entity_type.label} entries",
            description=f"Every {entity_type.label}, sorted by notice order then slug.",
            tags=[tag],
            operation_id=f"list_{entity_type.name.replace('-', '_')}",
            dependencies=[Depends(only_params(*LIST_PARAMS))],
            responses=problem_responses(422),
        )
    router.add_api_route(
        f"/{entity_type.name}/{{slug}}",
        _detail_route(entity_type),
        methods=["GET"],
        response_model=detail_model(entity_type),
        summary=f"One {entity_type.label}",
        tags=[tag],
        operation_id=f"get_{entity_type.name.replace('-', '_')}",
        dependencies=[Depends(only_params(*DETAIL_PARAMS))],
        responses=problem_responses(404, 409, 422),
    )


@router.get(
    "/sharing",
    response_model=outputs.SharingPageOut,
    summary="List sharing arrangements, filtered",
    tags=["sharing"],
    operation_id="list_sharing",
    responses=problem_responses(422),
    openapi_extra=query_model_openapi(SharingQuery),
)
async def list_sharing(
    request: Request,
    query: Annotated[SharingQuery, Depends(query_model(SharingQuery))],
    services: ServicesDep,
) -> Response:
    """Which recipient receives what, about whom, why and under which law.

    Several values of one filter (repeated, or comma-separated) are ORed;
    different filters are ANDed. A data category matches its group and its
    items; an Act matches arrangements resting on any of its provisions.

    **Deep pages**: follow `next_cursor` (pass it as `cursor`); each page
    then costs what the first costs. An `offset` costs the matches it skips.

    **`total`**: exact when `controller` names one or more controllers, or
    the register holds only one. Across several controllers counting every match
    would read every controller's arrangements, so `total` is exact only if
    the matches end on this page; otherwise it is `offset + limit + 1`, a
    lower bound meaning "at least one more page". Past the last match the
    page is empty and `total` is exact again. After a `cursor`, across
    several controllers, `total` counts from the cursor (a lower bound).
    """
    page = query.pagination(services.settings)
    depends_on(request.scope, query.controllers())
    answer = await sharing_page(
        services.sharing,
        services.cache.watcher,
        query.controllers(),
        query.filters(),
        limit=page.limit,
        offset=page.offset,
        cursor=page.cursor,
    )
    body = answer.page.as_dict()
    body["unstated"] = [
        {**entry, "query": unstated_query(request, entry)} for entry in answer.unstated
    ]
    return json_response(request, body)


AsOfParam = Annotated[
    str | None,
    Query(
        max_length=64,
        description="An ISO 8601 time: the register exactly as it was then.",
        examples=["2026-11-30T09:00:00Z"],
    ),
]
VersionParam = Annotated[
    str | None,
    Query(pattern=SLUG_PATTERN, max_length=120, description="A published version's slug."),
]


@router.get(
    "/register",
    response_model=outputs.RegisterDocumentOut,
    summary="The complete register of one controller",
    tags=["register"],
    operation_id="get_register",
    dependencies=[Depends(only_params("controller", "as_of", "version"))],
    responses={
        200: {"content": {"application/ld+json": {}}, "description": "Also as JSON-LD (DPV)."},
        **problem_responses(404, 422),
    },
)
def get_register(
    request: Request,
    session: ReadSession,
    services: ServicesDep,
    controller: ControllerParam = (),
    as_of: AsOfParam = None,
    version: VersionParam = None,
) -> Response:
    """Every entity and link of one controller's register, with a digest of
    its content: the same content always has the same digest. ``as_of``
    gives the register as it was at a past moment; ``version`` a published
    version."""
    refuse_as_of_with_version(as_of, version)
    slugs = split_values(controller)
    depends_on(request.scope, slugs, as_of=as_of)
    snapshot = load_snapshot(
        session,
        slugs[0] if slugs else None,
        as_of=parse_moment(as_of, "as_of") if as_of else None,
        version=version,
        recent=services.snapshots,
    )
    if jsonld.prefers_jsonld(request):  # content negotiation: the DPV export
        return jsonld.response(request, Export(snapshot))
    # Built once per data version by the response cache; the validator comes
    # from content and stamps (not generated_at) so every worker agrees on it.
    stamps = [f"{key}={value}" for key, value in sorted(snapshot.stamps.items())]
    return json_response(
        request, snapshot.document(), etag=weak_etag(snapshot.controller, snapshot.digest, *stamps)
    )


for _entity_type in e.ALL_TYPES:
    _add_entity_routes(_entity_type)
