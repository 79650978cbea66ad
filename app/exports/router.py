"""Export routes (``/api/v1/register.<format>``, ``/tilt.json``) and the import
of a register document (``POST /api/v1/register/import``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.api.deps import WriteSession, only_params
from app.api.responses import json_response
from app.auth.deps import Principal, request_id, require_controller, require_scope
from app.errors import ProblemError
from app.exports import ico, jsonld, tilt
from app.exports.common import SNAPSHOT_PARAMS, ExportDep
from app.register import importing
from app.register.loading import LoadError
from app.register.router import problem_responses

router = APIRouter()

EXPORT_ERRORS = problem_responses(404, 422, 501)
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _content(media_type: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {}}, "description": description}, **EXPORT_ERRORS}


def _export_route(path: str, *, summary: str, media_type: str, tags: list[str]) -> Any:
    return router.get(
        path,
        summary=summary,
        tags=tags,
        response_class=Response,
        dependencies=[Depends(only_params(*SNAPSHOT_PARAMS))],
        responses=_content(media_type, summary),
    )


@_export_route(
    "/api/v1/register.jsonld",
    summary="The register as JSON-LD with the W3C Data Privacy Vocabulary (DPV 2.3)",
    media_type=jsonld.MEDIA_TYPE,
    tags=["exports"],
)
def register_jsonld(request: Request, export: ExportDep) -> Response:
    """Also served by ``GET /api/v1/register`` with ``Accept: application/ld+json``."""
    return jsonld.response(request, export)


@_export_route(
    "/api/v1/register.tilt.json",
    summary="The register in TILT (Transparency Information Language)",
    media_type=tilt.FORMAT.media_type,
    tags=["exports"],
)
def register_tilt(request: Request, export: ExportDep) -> Response:
    """Validates against the TILT JSON Schema; facts TILT has no field for are ``x-`` fields."""
    return tilt.response(request, export)


@_export_route(
    "/tilt.json",
    summary="TILT at the well-known place TILT tools look for it",
    media_type=tilt.FORMAT.media_type,
    tags=["exports"],
)
def well_known_tilt(request: Request, export: ExportDep) -> Response:
    """The same document as ``/api/v1/register.tilt.json``."""
    return tilt.response(request, export)


@_export_route(
    "/api/v1/register.csv",
    summary="The ICO record of processing activities, as CSV",
    media_type="text/csv",
    tags=["exports"],
)
def register_csv(request: Request, export: ExportDep) -> Response:
    """The ICO template's header block and its 30 columns, one row per processing activity."""
    return ico.csv_response(request, export)


@_export_route(
    "/api/v1/register.xlsx",
    summary="The ICO record of processing activities, as an Excel workbook",
    media_type=ico.XLSX.media_type,
    tags=["exports"],
)
def register_xlsx(request: Request, export: ExportDep) -> Response:
    """The same sheet as the CSV export."""
    return ico.xlsx_response(request, export)


# --- import ---------------------------------------------------------------------


async def import_body(request: Request) -> dict[str, Any]:
    """The uploaded register document: JSON, at most ``MAX_IMPORT_BYTES``."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise ProblemError(
            "Send the register document as application/json.",
            status=415,
            headers={"Accept-Post": "application/json"},
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_IMPORT_BYTES:
        raise ProblemError(f"The document exceeds {MAX_IMPORT_BYTES} bytes.", status=413)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_IMPORT_BYTES:
            raise ProblemError(f"The document exceeds {MAX_IMPORT_BYTES} bytes.", status=413)
    return importing.parse_document(bytes(body))


Writer = Annotated[Principal, Depends(require_scope("register:write"))]
ImportBody = Annotated[dict[str, Any], Depends(import_body)]


@router.post(
    "/api/v1/register/import",
    summary="Load a register document into a new or an existing controller",
    tags=["register"],
    operation_id="import_register",
    dependencies=[Depends(only_params())],
    responses=problem_responses(401, 403, 413, 415, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/RegisterDocument"}}
            },
        }
    },
)
def import_register(
    request: Request, principal: Writer, session: WriteSession, document: ImportBody
) -> Response:
    """The document, as ``GET /api/v1/register`` serves it, becomes the controller's
    register: entries are created, updated in place or removed, in one
    transaction, each change in the audit trail. Importing the same document
    twice changes nothing."""
    target = importing.target_controller(session, document)
    require_controller(request, principal, target.id if target is not None else None)
    if principal.controller_id is not None and importing.changes_reference_data(
        session, document
    ):
        require_controller(request, principal, None)
    try:
        result = importing.import_document(
            session, document, actor=principal.actor, request_id=request_id(request)
        )
    except LoadError:
        session.rollback()
        raise
    return json_response(request, result.as_dict(), public=False)
