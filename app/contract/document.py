"""The OpenAPI document as the contract clients are generated from.

FastAPI generates the paths and schemas from the routes; this completes what
it cannot know: the problem schema under ``application/problem+json`` on
every error, the bearer-key security of each write with its scope, the
answers every operation can give (401/403/429 where a key is checked, 500
everywhere), the page size the deployment enforces, integer formats, the
media types of binary and SVG answers, tags with descriptions, a description
per operation, contact, licence and servers, and no unused component.
Almost everything is derived from the routes and the settings; the few query
parameters whose format FastAPI cannot see (moments, the entity names of
/changes, version labels) are named in ``QUERY_FORMATS``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from app.config import Settings
from app.contract.negotiation import API_PREFIX
from app.errors import PROBLEM_MEDIA_TYPE
from app.limits import MAX_QUERY_VALUE
from app.register import entities as e
from app.register.paging import MAX_LIMIT
from app.register.schemas import SLUG_PATTERN
from app.routes.changes import ENTITY_NAMES
from app.web.pages import VERSION_PATTERN

PROBLEM_REF = "#/components/schemas/Problem"
BEARER = "bearerAuth"
WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})

INFO_DESCRIPTION = """
A machine-readable register of what a public body does with personal data:
its services, data subjects, data categories, purposes, legislation, lawful
bases, recipients and the sharing arrangements that tie them together,
retention rules, national data collections and the rights of data subjects.

**Reads** are public and need no key. **Writes** need an API key sent as
`Authorization: Bearer <key>`; each write operation names the scope its key
must hold (`register:write` or `keys:admin`). A key may be limited to one
controller. Repeated failed authentications from one client are answered
with 429 and `Retry-After`.

**Errors** are RFC 9457 problem details (`application/problem+json`, the
`Problem` schema); validation errors list each field at fault in `errors`.

**Caching and concurrency**: reads carry an `ETag` and answer
`If-None-Match` with 304; PATCH and DELETE need `If-Match` with the ETag last
read (428 without it, 412 when stale). Responses are compressed (br, gzip)
when the client accepts it; each content coding has its own ETag, and any of
them is accepted in `If-Match`.

**Methods**: a method a path does not have is answered 405 with the `Allow`
header listing those it has; `OPTIONS` answers with the same `Allow`.
Cross-origin reads are allowed from any origin (CORS); writes are not.
""".strip()

TAGS: dict[str, str] = {
    "health": "Liveness and readiness of the service and its database.",
    "operations": "Prometheus metrics for operators.",
    "register": (
        "The complete register of one controller as one document (now, as of a moment, "
        "or a published version), its audit, diff and import."
    ),
    "versions": "Named, published versions of a controller's register, kept verbatim.",
    "exports": "The register in other formats: JSON-LD (W3C DPV), TILT, the ICO record "
    "of processing activities as CSV and Excel.",
    "changes": "The audit trail of every write, hash-chained, and its verification.",
    "keys": "API keys: create, list and revoke (scope `keys:admin`).",
    "pages": "Embeddable views: the sharing diagram (SVG) and the recipients script.",
}
ENTITY_TAG = "{label} entries: list, read, and (with a key) create, update and delete."
SHARING_TAG = (
    "Sharing arrangements: who receives which data about whom, why, under which law "
    "and on which conditions; filter them with the query parameters of the list."
)

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
    "503": "The database is unavailable.",
}
RETRY_AFTER = {"description": "Seconds to wait.", "schema": {"type": "string", "maxLength": 20}}
WWW_AUTHENTICATE = {
    "description": "The bearer challenge (RFC 6750).",
    "schema": {"type": "string", "maxLength": 200},
}
MOMENT = {"format": "date-time"}
QUERY_FORMATS: dict[str, dict[str, Any]] = {
    # The moments app.history.moments.parse_moment reads (a date alone is read too).
    "as_of": MOMENT,
    "from": MOMENT,
    "to": MOMENT,
    "since": {"anyOf": [{"pattern": r"^\d{1,18}$"}, MOMENT]},  # a sequence number or a moment
    "entity": {"enum": list(ENTITY_NAMES)},
    "version": {"pattern": VERSION_PATTERN.pattern},
}
EXCLUSIVE = {
    "as_of": "Not together with `version` (422, error type `conflict`).",
    "version": "Not together with `as_of` (422, error type `conflict`).",
    "cursor": "Not together with a non-zero `offset` (422, error type `conflict`).",
}
BINARY = {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}


def required_scopes(dependant: Dependant) -> list[str]:
    """The scopes a route's dependencies check (``app.api.write_access.require_scope``)."""
    found: list[str] = []
    pending: list[Dependant] = [dependant]
    while pending:
        dependant = pending.pop()
        scope = getattr(dependant.call, "required_scope", None)
        if isinstance(scope, str) and scope not in found:
            found.append(scope)
        pending.extend(dependant.dependencies)
    return found


def route_scopes(app: FastAPI) -> dict[tuple[str, str], list[str]]:
    """(path, method) -> scopes, for every route that checks a key."""
    scopes: dict[tuple[str, str], list[str]] = {}
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, APIRoute) and route.include_in_schema:
            needed = required_scopes(getattr(context, "dependant", None) or route.dependant)
            if needed:
                for method in context.methods or ():
                    scopes[(str(context.path_format), method.lower())] = needed
    return scopes


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in HTTP_METHODS and isinstance(operation, dict):
                yield path, method, operation


def complete(document: dict[str, Any], app: FastAPI, settings: Settings) -> dict[str, Any]:
    """Complete FastAPI's document in place (see the module docstring)."""
    scopes = route_scopes(app)
    components = document.setdefault("components", {})
    components["securitySchemes"] = {
        BEARER: {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key, as `Authorization: Bearer <key>`. Keys are made "
            "with `POST /api/v1/keys` (scope `keys:admin`) or `sharing-register keys create`.",
        }
    }
    for path, method, operation in operations(document):
        needed = scopes.get((path, method), [])
        _describe(path, method, operation, needed)
        _responses(path, operation, needed)
        _parameters(operation, settings, write=method in WRITE_METHODS)
    _integer_formats(document)
    _no_nul(document)
    _info(document, settings)
    _tags(document)
    _drop_unused(document)
    return document


# --- operations ---------------------------------------------------------------------


def _describe(path: str, method: str, operation: dict[str, Any], scopes: list[str]) -> None:
    description = (operation.get("description") or "").strip()
    if not description:
        description = _default_description(path, method, operation)
    if scopes:
        operation["security"] = [{BEARER: []}]
        named = " and ".join(f"`{s}`" for s in scopes)
        description += f"\n\nNeeds an API key with the scope {named}."
    elif method in WRITE_METHODS:
        operation["security"] = []
    operation["description"] = description


def _default_description(path: str, method: str, operation: dict[str, Any]) -> str:
    """A description for routes generated per entity type (one per type and method)."""
    summary = (operation.get("summary") or "").rstrip(".")
    segment = path.removeprefix("/api/v1/").split("/")[0]
    entity_type = e.BY_NAME.get(segment)
    label = entity_type.label if entity_type is not None else segment
    detail = "{slug}" in path
    if entity_type is not None and method == "get" and detail:
        return (
            f"The {label} with this slug: every field, its notice quotes (`sources`) and "
            "the basis of each fact (`basis`). `?controller=` narrows the lookup to the "
            "named controller(s); a controller that does not exist is 422 (error type "
            "`unknown_reference`, as on every route), a slug that does not exist 404."
        )
    if entity_type is not None and method == "post":
        return (
            f"Create a {label} from the JSON body; the answer is the new entry with its "
            "`ETag` and `Location`. Unknown references are 422, a slug already taken is "
            "409. Send `Idempotency-Key` to make a retry safe."
        )
    if entity_type is not None and method == "patch" and path.count("/") == 4:
        return (
            f"Change a {label} with a JSON merge patch (RFC 7396): fields left out keep "
            "their value, `null` clears one. Needs `If-Match` with the entry's ETag."
        )
    return (summary or f"{method.upper()} {path}") + "."


def _problem(status: str, description: str | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description or DEFAULT_STATUS_TEXT.get(status, "Problem details."),
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}},
    }
    if status in ("429", "503"):
        response["headers"] = {"Retry-After": RETRY_AFTER}
    if status == "401":
        response["headers"] = {"WWW-Authenticate": WWW_AUTHENTICATE}
    return response


def _responses(path: str, operation: dict[str, Any], scopes: list[str]) -> None:
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
            _success_content(response)
            continue
        description = response.get("description")
        if description in (None, "", "Problem details (RFC 9457).", "Validation Error"):
            description = None
        headers = response.get("headers")
        responses[status] = _problem(status, description)
        if headers:
            responses[status].setdefault("headers", {}).update(headers)
    operation["responses"] = dict(sorted(responses.items()))


def _success_content(response: dict[str, Any]) -> None:
    """Binary and text answers get a schema: a string (binary for spreadsheets)."""
    for media_type, content in response.get("content", {}).items():
        if "schema" in content or media_type.endswith(("+json", "/json")):
            continue
        if media_type.startswith(("text/", "image/svg")):
            content["schema"] = {"type": "string"}
        else:
            content["schema"] = {**BINARY, "contentMediaType": media_type}


def _parameters(operation: dict[str, Any], settings: Settings, *, write: bool) -> None:
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if write and parameter.get("name") == "controller" and schema.get("type") == "array":
            # A write is for one controller (app.api.write_access.writable_controller).
            schema["maxItems"] = 1
            schema.setdefault("items", {}).update(pattern=SLUG_PATTERN, maxLength=120)
        if parameter.get("in") == "query":
            for string in _strings(schema):
                if not {"maxLength", "enum", "const"} & string.keys():
                    string["maxLength"] = MAX_QUERY_VALUE  # enforced by app.limits
        if parameter.get("in") != "query":
            continue
        name = parameter.get("name")
        options = schema.get("anyOf", [schema])
        if name == "limit" and any(o.get("maximum") == MAX_LIMIT for o in options):
            for option in options:  # the page size of app.api.deps.pagination
                if option.get("type") == "integer":
                    option["maximum"] = settings.max_page_size
            parameter["description"] = (
                f"Page size: 1 to {settings.max_page_size}; "
                f"{settings.default_page_size} when omitted."
            )
        for option in options:
            if option.get("type") == "string" and name in QUERY_FORMATS:
                option.update(QUERY_FORMATS[name])
        if name in EXCLUSIVE:
            parameter["description"] = (
                parameter.get("description", "").rstrip() + " " + EXCLUSIVE[name]
            ).strip()


def _strings(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The string schemas of a parameter: itself, its options, its items."""
    pending = [schema]
    while pending:
        item = pending.pop()
        if item.get("type") == "string":
            yield item
        pending.extend(item.get("anyOf", []))
        if isinstance(item.get("items"), dict):
            pending.append(item["items"])


NO_NUL = "^[^\\u0000]*$"
"""No NUL character: app.limits refuses one in the query and in any JSON string."""


def _no_nul(node: Any) -> None:
    """The NUL refusal on every string schema that has no pattern, enum or format."""
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if item.get("type") == "string" and not {"pattern", "enum", "const", "format"} & (
                item.keys()
            ):
                item["pattern"] = NO_NUL
            if isinstance(item.get("additionalProperties"), dict):  # a map: its keys too
                names = item.setdefault("propertyNames", {})
                if not {"pattern", "enum", "const"} & names.keys():
                    names["pattern"] = NO_NUL
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _integer_formats(node: Any) -> None:
    """``format: int64`` on every integer schema that has none (Python ints are
    unbounded; every integer of the API fits 64 bits), and integral bounds."""
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            if item.get("type") == "integer":
                item.setdefault("format", "int64")
                for bound in ("minimum", "maximum"):
                    if isinstance(item.get(bound), float) and item[bound].is_integer():
                        item[bound] = int(item[bound])
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


# --- the document -------------------------------------------------------------------


def _info(document: dict[str, Any], settings: Settings) -> None:
    info = document.setdefault("info", {})
    info["description"] = INFO_DESCRIPTION
    info["contact"] = {"name": settings.api_contact_name}
    if settings.api_contact_url:
        info["contact"]["url"] = settings.api_contact_url
    if settings.api_contact_email:
        info["contact"]["email"] = settings.api_contact_email
    info["license"] = {"name": settings.api_license_name, "url": settings.api_license_url}
    document["servers"] = [
        {
            "url": settings.api_server_url,
            "description": "This deployment (production, or local when run locally).",
            "x-internal": False,
        }
    ]


def _tags(document: dict[str, Any]) -> None:
    used: list[str] = []
    for _path, _method, operation in operations(document):
        for tag in operation.get("tags", []):
            if tag not in used:
                used.append(tag)
    definitions = []
    for tag in used:
        entity_type = e.BY_NAME.get(tag)
        if tag in TAGS:
            description = TAGS[tag]
        elif entity_type is e.SHARING:
            description = SHARING_TAG
        elif entity_type is not None:
            description = ENTITY_TAG.format(label=entity_type.label.capitalize())
        else:
            description = tag.replace("-", " ").capitalize() + "."
        definitions.append({"name": tag, "description": description})
    document["tags"] = definitions


def _refs(node: Any) -> Iterator[str]:
    pending = [node]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str):
                yield ref
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _drop_unused(document: dict[str, Any]) -> None:
    """Remove schemas nothing refers to (FastAPI's validation error models)."""
    schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
    prefix = "#/components/schemas/"
    reached: set[str] = set()
    pending = [ref.removeprefix(prefix) for ref in _refs(document.get("paths", {}))]
    while pending:
        name = pending.pop()
        if name in reached or name not in schemas:
            continue
        reached.add(name)
        pending.extend(ref.removeprefix(prefix) for ref in _refs(schemas[name]))
    for name in list(schemas):
        if name not in reached:
            del schemas[name]
