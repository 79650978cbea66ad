"""Dependencies: the database session, pagination and controller scoping."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.audit.chain import begin_write
from app.config import Settings
from app.db import session_scope
from app.errors import InvalidInput
from app.register import service
from app.register.cursors import MAX_TOKEN_LENGTH, Cursor

logger = logging.getLogger("app.api")


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _factory(request: Request) -> sessionmaker[Session]:
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    return factory


def read_session(request: Request) -> Iterator[Session]:
    """A session for a read: one transaction, rolled back at the end (after
    the response is sent). A read has nothing to roll back, so a connection
    the database dropped meanwhile is not an error of the request."""
    session = _factory(request)()
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
    commit can never have answered 2xx), then the after-write hooks run
    (cache invalidation: read-your-writes)."""
    with session_scope(_factory(request)) as session:
        begin_write(session)
        yield session
    for hook in request.app.state.after_write:
        hook()


ReadSession = Annotated[Session, Depends(read_session)]
WriteSession = Annotated[Session, Depends(write_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def split_values(values: list[str]) -> list[str]:
    """Accept both ``?x=a&x=b`` and ``?x=a,b``; keep first-seen order, no repeats."""
    seen: dict[str, None] = {}
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if part:
                seen[part] = None
    return list(seen)


@dataclass(frozen=True)
class Pagination:
    limit: int
    offset: int
    cursor: Cursor | None = None


async def pagination(  # async: no I/O, so no thread-pool hop
    request: Request,
    limit: Annotated[int | None, Query(ge=1, le=10_000, description="Page size.")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")] = 0,
    cursor: Annotated[
        str | None,
        Query(
            max_length=MAX_TOKEN_LENGTH,
            description=(
                "Start after the item a previous page ended with: its `next_cursor`. "
                "Unlike `offset`, a deep page costs what the first one costs."
            ),
        ),
    ] = None,
) -> Pagination:
    settings: Settings = request.app.state.settings
    if cursor is not None and offset:
        raise InvalidInput(
            "Use either offset or cursor, not both.",
            errors=[{"field": "offset", "msg": "must be 0 with cursor", "type": "value_error"}],
        )
    if limit is not None and limit > settings.max_page_size:
        raise InvalidInput(
            f"limit must be at most {settings.max_page_size}.",
            errors=[
                {
                    "field": "limit",
                    "msg": f"must be <= {settings.max_page_size}",
                    "type": "less_than_equal",
                }
            ],
        )
    return Pagination(
        limit or settings.default_page_size,
        offset,
        Cursor.decode(cursor) if cursor is not None else None,
    )


PaginationDep = Annotated[Pagination, Depends(pagination)]

ControllerParam = Annotated[
    list[str],
    Query(
        description="Controller slug(s); all controllers when omitted.",
        examples=["cambridgeshire-county-council"],
        max_length=100,
    ),
]


def controller_scope(session: ReadSession, controller: ControllerParam = []) -> dict[int, str]:  # noqa: B006
    return service.resolve_controllers(session, split_values(controller))


ControllerScope = Annotated[dict[int, str], Depends(controller_scope)]


def only_params(*allowed: str) -> Callable[[Request], Awaitable[None]]:
    """Reject query parameters a route does not know, instead of ignoring them:
    a misspelt filter must not silently return everything."""
    known = frozenset(allowed)

    async def check(request: Request) -> None:  # async: no I/O, so no thread-pool hop
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise InvalidInput(
                f"Unknown query parameter(s): {', '.join(unknown)}.",
                errors=[
                    {"field": name, "msg": "unknown query parameter", "type": "extra_forbidden"}
                    for name in unknown
                ],
            )

    return check
