"""The ``/sharing`` filters answered from one controller's arrangements in
memory (``app.sharing.snapshot``): no SQL, no thread hop. Each set filter's
in-memory form (``app.sharing.declarations``) gives a predicate; results
are identical to the SQL path (``tests/test_sharing_declarations.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.register.cursors import Cursor
from app.register.service import Page
from app.sharing.advancing import advanced
from app.sharing.declarations import (
    NAMED,
    SharingFilters,
    active_silences,
    silence_entry,
    silence_filters,
)
from app.sharing.snapshot import ControllerSharing, read


def build(
    session: Session,
    controller_id: int,
    controller_slug: str,
    kept: ControllerSharing | None = None,
) -> ControllerSharing:
    """Everything a controller's ``/sharing`` queries need, read in one
    snapshot: ``kept`` (an earlier index of the controller) brought up to
    date when it can be (``app.sharing.advancing``), else read whole."""
    if kept is not None:
        index = advanced(session, kept, controller_slug, NAMED)
        if index is not None:
            return index
    return read(session, controller_id, controller_slug, NAMED)


def matches(index: ControllerSharing, filters: SharingFilters) -> list[dict[str, Any]]:
    """The items the filters keep, in list order; unknown slugs are refused
    in declaration order, as the SQL path refuses them. Predicates run in
    declaration order too: the slug filters first, each a set test in C,
    then the Python functions (the SQL path's cost order puts age first)."""
    checks = []
    for declaration, value in filters.set():
        if declaration.entity is not None:
            index.check_known(declaration.name, declaration.entity.label, value)
        checks.append(declaration.memory(index, value, filters.stated_only))
    return [item for item in index.items if all(check(item) for check in checks)]


def page_of(
    index: ControllerSharing,
    filters: SharingFilters,
    *,
    limit: int,
    offset: int,
    cursor: Cursor | None = None,
) -> Page | None:
    """The page, or ``None`` when the cursor's item is not among the matches
    (deleted since, or given with other filters): where to resume is then a
    question of the database's collation, which the SQL path answers."""
    found = matches(index, filters)
    start = offset
    if cursor is not None:
        if cursor.controller_id != index.controller_id:
            start = 0 if (cursor.controller_id or 0) < index.controller_id else len(found)
        else:
            key = (cursor.position, cursor.slug)
            after = next(
                (n + 1 for n, i in enumerate(found) if (i["position"], i["slug"]) == key), None
            )
            if after is None:
                return None
            start = after
    end = start + limit
    window = found[start:end]
    next_cursor = None
    if end < len(found):  # so the window is full
        next_cursor = Cursor(index.controller_id, window[-1]["position"], window[-1]["slug"])
    return Page(window, len(found), limit, offset, next_cursor)


def memory_silences(index: ControllerSharing, filters: SharingFilters) -> list[dict[str, Any]]:
    """The answer's ``unstated`` entries, counted in memory (exact)."""
    return [
        silence_entry(silence, len(matches(index, silence_filters(filters, silence))), True)
        for silence in active_silences(filters)
    ]
