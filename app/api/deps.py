"""Dependencies: the database session, pagination and controller scoping."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Annotated, Any, TypeVar, get_origin

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.api.services import services
from app.cache.scope import depends_on
from app.config import Settings
from app.db import session_scope
from app.errors import InvalidInput
from app.register.cursors import MAX_TOKEN_LENGTH
from app.register.paging import (
    CONTROLLER_DOC,
    CURSOR_DOC,
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_VALUES,
    OFFSET_DOC,
    PAGE_SIZE_DOC,
    Pagination,
    make_pagination,
    split_values,
)
from app.register.scope import ControllerScope, resolve_controllers
from app.trail.chain import begin_write

logger = logging.getLogger("app.api")


def get_settings_dep(request: Request) -> Settings:
    return services(request).settings


def read_session(request: Request) -> Iterator[Session]:
    """A session for a read: one transaction, rolled back at the end (after
    the response is sent). A read has nothing to roll back, so a connection
    the database dropped meanwhile is not an error of the request."""
    session = services(request).sessions()
    try:
        yield session
    finally:
        try:
            session.close()
        except DBAPIError as exc:
            logger.warning("closing a read session failed: %s", type(exc).__name__)
            session.invalidate()  # hand the dead connection back as such


def write_session(request: Request) -> Iterator[Session]:
    """A session for a write: one transaction holding the writers' lock from
    its first statement, committed before the response is sent (so a failed
    commit can never have answered 2xx); then this process's cache re-checks
    the data version even if no chain head was seen (read-your-writes)."""
    found = services(request)
    with session_scope(found.sessions) as session:
        begin_write(session)
        yield session
    found.cache.watcher.note_write(None)


ReadSession = Annotated[Session, Depends(read_session)]
WriteSession = Annotated[Session, Depends(write_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


async def pagination(  # async: no I/O, so no thread-pool hop
    request: Request,
    limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT, description=PAGE_SIZE_DOC)] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description=OFFSET_DOC)] = 0,
    cursor: Annotated[
        str | None, Query(max_length=MAX_TOKEN_LENGTH, description=CURSOR_DOC)
    ] = None,
) -> Pagination:
    return make_pagination(services(request).settings, limit, offset, cursor)


PaginationDep = Annotated[Pagination, Depends(pagination)]

ControllerParam = Annotated[
    tuple[str, ...],
    Query(
        description=CONTROLLER_DOC,
        examples=["cambridgeshire-county-council"],
        max_length=MAX_VALUES,
    ),
]


def controller_scope(
    request: Request, session: ReadSession, controller: ControllerParam = ()
) -> ControllerScope:
    named = split_values(controller)
    depends_on(request.scope, named)  # one named controller: the cache keys on its version
    return resolve_controllers(session, named)


ScopeDep = Annotated[ControllerScope, Depends(controller_scope)]


def only_params(*allowed: str) -> Callable[[Request], Awaitable[None]]:
    """Reject query parameters a route does not know, instead of ignoring them:
    a misspelt filter must not silently return everything."""
    known = frozenset(allowed)

    async def check(request: Request) -> None:  # async: no I/O, so no thread-pool hop
        reject_unknown(request.query_params, known)

    return check


def reject_unknown(names: Iterable[str], known: frozenset[str]) -> None:
    unknown = sorted(set(names) - known)
    if unknown:
        raise InvalidInput(
            f"Unknown query parameter(s): {', '.join(unknown)}.",
            errors=[
                {"field": name, "msg": "unknown query parameter", "type": "extra_forbidden"}
                for name in unknown
            ],
        )


M = TypeVar("M", bound=BaseModel)


def query_model(model: type[M]) -> Callable[[Request], Awaitable[M]]:
    """A dependency validating the whole query string as ``model`` in one pass.

    FastAPI extracts a query model field by field, re-inspecting each field's
    annotation on every request (about a third of an uncached ``/sharing``
    request); this reads the query string once. Parameters the model does
    not know are refused as ``only_params`` refuses them. Repeated keys make
    a list for fields annotated ``list[...]``; otherwise the last value wins,
    as in FastAPI. Errors are FastAPI's own ``RequestValidationError``
    (locations ``("query", field, ...)``), so they become the same problem
    details. Document the route's parameters with
    ``openapi_extra=query_model_openapi(model)``.
    """
    names = {name: field.alias or name for name, field in model.model_fields.items()}
    known = frozenset(names.values())
    lists = frozenset(
        names[name]
        for name, field in model.model_fields.items()
        if get_origin(field.annotation) is list
    )

    async def dependency(request: Request) -> M:  # async: no I/O, so no thread-pool hop
        reject_unknown(request.query_params, known)
        values: dict[str, Any] = {}
        for key, value in request.query_params.multi_items():
            if key in lists:
                values.setdefault(key, []).append(value)
            else:
                values[key] = value
        try:
            return model.model_validate(values)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
            ) from None

    return dependency


def query_model_openapi(model: type[BaseModel]) -> dict[str, Any]:
    """The OpenAPI ``parameters`` FastAPI itself generates for ``model`` as a
    query model (one per field, with its constraints and description)."""

    def documented(query: Any) -> None:
        return None

    # A real annotation object: this module's annotations are strings.
    documented.__annotations__ = {"query": Annotated[model, Query()], "return": None}
    probe = FastAPI()
    probe.add_api_route("/", documented, methods=["GET"])
    document = probe.openapi()
    schemas = document.get("components", {}).get("schemas", {})
    return {"parameters": _inline_refs(document["paths"]["/"]["get"]["parameters"], schemas)}


def _inline_refs(node: Any, schemas: dict[str, Any]) -> Any:
    """``node`` with each ``$ref`` to the probe's components replaced by the
    schema itself (an enum, say): the app's document does not have them."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            return _inline_refs(schemas[ref.rsplit("/", 1)[1]], schemas)
        return {key: _inline_refs(value, schemas) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, schemas) for item in node]
    return node
