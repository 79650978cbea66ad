"""Pages and multi-valued parameters of list queries: their bounds, their
documentation and the checks of a page request against the deployment's limits.
Shared by the HTTP layer and the query models of the services below it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.config import Settings
from app.errors import InvalidInput
from app.register.cursors import Cursor


def split_values(values: Iterable[str]) -> list[str]:
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


MAX_LIMIT = 10_000
"""The widest ``limit`` the parameter accepts; ``max_page_size`` may narrow it."""
MAX_OFFSET = 10_000_000
MAX_VALUES = 100
"""Values of one multi-valued query parameter."""
PAGE_SIZE_DOC = "Page size."
OFFSET_DOC = "Items to skip."
CURSOR_DOC = (
    "Start after the item a previous page ended with: its `next_cursor`. "
    "Unlike `offset`, a deep page costs what the first one costs."
)


def make_pagination(
    settings: Settings, limit: int | None, offset: int, cursor: str | None
) -> Pagination:
    """A page request checked against the deployment's page size limit."""
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
    if cursor is not None and offset:
        raise InvalidInput(
            "Use either offset or cursor, not both.",
            errors=[{"field": "offset", "msg": "must be 0 with cursor", "type": "conflict"}],
        )
    return Pagination(
        limit or settings.default_page_size,
        offset,
        Cursor.decode(cursor) if cursor is not None else None,
    )


CONTROLLER_DOC = "Controller slug(s); all controllers when omitted."
