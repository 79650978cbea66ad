"""The answers each operation can give: problem details under
``application/problem+json`` for every error, with their headers, and a schema
for binary and text answers."""

from __future__ import annotations

from typing import Any

from app.contract.negotiation import API_PREFIX
from app.errors import PROBLEM_MEDIA_TYPE

PROBLEM_REF = "#/components/schemas/Problem"

DEFAULT_STATUS_TEXT: dict[str, str] = {
    "400": "The body could not be read as JSON.",
    "401": "No API key, or one that is not valid or has been revoked.",
    "403": "The API key lacks the scope, or is limited to another controller.",
    "404": "Not found.",
    "405": "The path does not have this method; `Allow` lists those it has.",
    "406": "None of the media types in `Accept` can be served.",
    "409": "Conflicts with the register's current state.",
    "412": "`If-Match` does not match the current ETag.",
    "413": "The body is too large.",
    "415": "The body is not JSON.",
    "422": "Invalid input.",
    "428": "`If-Match` is required.",
    "429": "Too many failed authentications from this client.",
    "500": "An unexpected error; nothing was changed.",
    "501": "Not implemented for this register.",
    "503": (
        "The database is unavailable, or an expensive read could not run now; "
        "retry after `Retry-After`."
    ),
}
RETRY_AFTER = {"description": "Seconds to wait.", "schema": {"type": "string", "maxLength": 20}}
WWW_AUTHENTICATE = {
    "description": "The bearer challenge (RFC 6750).",
    "schema": {"type": "string", "maxLength": 200},
}
BINARY = {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}


def problem_response(status: str, description: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description or DEFAULT_STATUS_TEXT.get(status, "Problem details."),
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}},
    }
    if status in ("429", "503"):
        response["headers"] = {"Retry-After": RETRY_AFTER}
    if status == "401":
        response["headers"] = {"WWW-Authenticate": WWW_AUTHENTICATE}
    return response


def complete_responses(path: str, operation: dict[str, Any], scopes: list[str]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    wanted = {"500"}
    if path.startswith(API_PREFIX):  # app.contract.negotiation
        wanted.add("406")
    if scopes:
        wanted |= {"401", "403", "429"}
    for status in wanted:
        responses.setdefault(status, {})
    for status, response in list(responses.items()):
        if int(status) < 400:
            success_content(response)
            continue
        description = response.get("description")
        if description in (None, "", "Problem details (RFC 9457).", "Validation Error"):
            description = None
        headers = response.get("headers")
        responses[status] = problem_response(status, description)
        if headers:
            responses[status].setdefault("headers", {}).update(headers)
    operation["responses"] = dict(sorted(responses.items()))


def success_content(response: dict[str, Any]) -> None:
    """Binary and text answers get a schema: a string (binary for spreadsheets)."""
    for media_type, content in response.get("content", {}).items():
        if "schema" in content or media_type.endswith(("+json", "/json")):
            continue
        if media_type.startswith(("text/", "image/svg")):
            content["schema"] = {"type": "string"}
        else:
            content["schema"] = {**BINARY, "contentMediaType": media_type}
