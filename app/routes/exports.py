"""Export routes (``/api/v1/register.<format>``, ``/tilt.json``) and the import
of a register document (``POST /api/v1/register/import``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from app.api.deps import ControllerParam, WriteSession, only_params
from app.api.responses import json_response
from app.api.write_access import Principal, refuse, request_id, require_controller, require_scope
from app.errors import ProblemError, problem_responses
from app.exports import ico, jsonld, tilt
from app.exports.common import SNAPSHOT_PARAMS, ExportDep
from app.interchange import importing
from app.register.paging import split_values

router = APIRouter()

EXPORT_ERRORS = problem_responses(404, 422, 501)
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def register_jsonld(request: Request, export: ExportDep) -> Response:
    """Also served by ``GET /api/v1/register`` with ``Accept: application/ld+json``."""
    return jsonld.response(request, export)


def register_tilt(request: Request, export: ExportDep) -> Response:
    """Validates against the TILT JSON Schema; facts TILT has no field for are ``x-`` fields.
    Also served at ``/tilt.json``, where TILT tools look for it."""
    return tilt.response(request, export)


def register_csv(request: Request, export: ExportDep) -> Response:
    """The ICO template's header block and its 30 columns, one row per processing activity."""
    return ico.csv_response(request, export)


def register_xlsx(request: Request, export: ExportDep) -> Response:
    """The same sheet as the CSV export."""
    return ico.xlsx_response(request, export)


EXPORTS: tuple[tuple[str, Callable[..., Response], str, str], ...] = (
    (
        "/api/v1/register.jsonld",
        register_jsonld,
        jsonld.MEDIA_TYPE,
        "The register as JSON-LD with the W3C Data Privacy Vocabulary (DPV 2.3)",
    ),
    (
        "/api/v1/register.tilt.json",
        register_tilt,
        tilt.FORMAT.media_type,
        "The register in TILT (Transparency Information Language)",
    ),
    ("/tilt.json", register_tilt, tilt.FORMAT.media_type, "TILT where TILT tools look for it"),
    (
        "/api/v1/register.csv",
        register_csv,
        "text/csv",
        "The ICO record of processing activities, as CSV",
    ),
    (
        "/api/v1/register.xlsx",
        register_xlsx,
        ico.XLSX.media_type,
        "The ICO record of processing activities, as an Excel workbook",
    ),
)

for _path, _endpoint, _media_type, _summary in EXPORTS:
    router.add_api_route(
        _path,
        _endpoint,
        methods=["GET"],
        summary=_summary,
        tags=["exports"],
        operation_id="export_" + _path.strip("/").replace("/", "_").replace(".", "_"),
        response_class=Response,
        dependencies=[Depends(only_params(*SNAPSHOT_PARAMS))],
        responses={200: {"content": {_media_type: {}}, "description": _summary}, **EXPORT_ERRORS},
    )


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


_writer = require_scope("register:write")
Writer = Annotated[Principal, Depends(_writer)]
ImportBody = Annotated[dict[str, Any], Depends(import_body)]


@router.post(
    "/api/v1/register/import",
    summary="Load a register document into a new or an existing controller",
    tags=["register"],
    operation_id="import_register",
    # Credentials first: a refused request learns nothing about its parameters.
    dependencies=[Depends(_writer), Depends(only_params("controller"))],
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
    request: Request,
    principal: Writer,
    session: WriteSession,
    document: ImportBody,
    controller: ControllerParam = (),
) -> Response:
    """The document, as ``GET /api/v1/register`` serves it, becomes the controller's
    register: entries are created, updated in place or removed, in one
    transaction, each change in the audit trail. Importing the same document
    twice changes nothing. ``?controller=`` (optional) must name the document's
    controller."""
    named = split_values(controller)
    slug = named[0] if named else importing.document_controller(document)
    target = importing.target_controller(session, slug)
    require_controller(request, principal, target.id if target is not None else None)
    if named:
        importing.check_named_controller(document, named[0])
    if principal.controller_id is not None and importing.changes_reference_data(session, document):
        refuse(
            request,
            403,
            "The document adds or changes lawful bases, which all controllers share: "
            "that needs a key not limited to one controller.",
            key_id=principal.key_id,
        )
    result = importing.import_document(
        session, document, actor=principal.actor, request_id=request_id(request)
    )
    return json_response(request, result.as_dict(), public=False)
