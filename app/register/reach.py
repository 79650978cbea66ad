"""Keeping ``sharing_category_reach`` in step with the register.

The table is derived data (see ``SharingCategoryReach``): for each
arrangement, every data category it shares, its categories' groups and
their items included. It is recomputed per controller, from the register's
own tables, in the transaction that changed them: the write path calls
``after_change`` once it has flushed a change of a controller's arrangements
or data categories (``app.register.writes``), and a whole-register load
calls ``refresh`` for its controller (``app.interchange.loading``). Bulk loads
outside the ORM (``bench/scale.py``'s COPY) add ``reach_rows`` of what they copy.

Writers are serialised on the audit chain head, so two transactions never
refresh the same controller at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.register import models as m
from app.register.trees import Tree

DERIVED_FROM = frozenset({"controllers", "data-categories", "sharing"})
"""Entity types whose changes can change a controller's rows (a deleted
controller leaves none)."""

ReachRow = tuple[int, str, int, int, str]
COLUMNS = ("sharing_id", "category_slug", "controller_id", "position", "slug")
"""A row's fields, in ``ReachRow`` order."""
_REFRESH_CHUNK = 500
"""Controllers recomputed per round trip when every controller is refreshed."""
_BATCH = 500
"""Ids or rows per statement (SQLite and PostgreSQL cap bound parameters)."""


def reach_rows(
    arrangements: Iterable[tuple[int, int, int, str]],
    categories: Iterable[tuple[int, int | None, str]],
    links: Iterable[tuple[int, int]],
) -> set[ReachRow]:
    """The table's rows for these arrangements ``(id, controller_id,
    position, slug)``, from their controllers' data categories ``(id,
    group_id, slug)`` and their links ``(sharing_id, data_category_id)``.

    In memory, with the walk every in-memory filter uses (``Tree.related``:
    sharing a group shares its items, sharing an item shares part of its
    group): a recursive query here cannot be sized by PostgreSQL's planner,
    which then hashes whole tables to refresh one controller (seconds at
    20,000 controllers)."""
    keys = {row[0]: row[1:] for row in arrangements}
    category_rows = list(categories)
    tree = Tree.of((category_id, group_id) for category_id, group_id, _ in category_rows)
    slug_of = {category_id: slug for category_id, _, slug in category_rows}
    linked: dict[int, list[int]] = defaultdict(list)
    for sharing_id, category_id in links:
        linked[sharing_id].append(category_id)
    return {
        (sharing_id, slug_of[category], *keys[sharing_id])
        for sharing_id, category_ids in linked.items()
        for category in tree.related(category_ids)
    }


def refresh(db: Session | Connection, controller_ids: Collection[int] | None = None) -> None:
    """Bring the rows of these controllers (``None``: every controller) in
    line with the register.

    Four reads, each a range of an index (by controller, then by arrangement
    id) whatever the size of the register, the closure in memory, then only
    the rows that differ are deleted and inserted: a write changes a few of
    a controller's ~900 rows, and inserting them all cost ~30 ms on
    PostgreSQL."""
    if controller_ids is None:
        every = sorted(db.scalars(select(m.Controller.id)))
        for start in range(0, len(every), _REFRESH_CHUNK):
            refresh(db, every[start : start + _REFRESH_CHUNK])
        return
    ids = sorted(controller_ids)
    sa, dc, link = m.SharingArrangement, m.DataCategory, m.sharing_data_categories
    reach = m.SharingCategoryReach
    arrangements = db.execute(
        select(sa.id, sa.controller_id, sa.position, sa.slug).where(sa.controller_id.in_(ids))
    ).all()
    categories = db.execute(select(dc.id, dc.group_id, dc.slug).where(dc.controller_id.in_(ids)))
    # By arrangement id, not joined on controller_id: both tables lead their
    # primary keys with it, and the planner may hash a whole table for a join.
    owners = [row[0] for row in arrangements]
    links = _rows_of(db, (link.c.sharing_id, link.c.data_category_id), owners)
    wanted = reach_rows(arrangements, categories, links)
    columns = tuple(getattr(reach, name) for name in COLUMNS)
    stored: set[ReachRow] = set(_rows_of(db, columns, owners))
    stale = sorted(stored - wanted)
    for start in range(0, len(stale), _BATCH):
        pairs = [row[:2] for row in stale[start : start + _BATCH]]
        key = tuple_(reach.sharing_id, reach.category_slug)
        db.execute(delete(reach).where(key.in_(pairs)))
    fresh = sorted(wanted - stored)
    if fresh:
        db.execute(insert(reach), [dict(zip(COLUMNS, row, strict=True)) for row in fresh])


def _rows_of(db: Session | Connection, columns: tuple[Any, ...], owners: list[int]) -> list[Any]:
    """``columns`` of the rows whose first column is one of ``owners``, read
    in batches (SQLite and PostgreSQL cap bound parameters), as plain tuples
    (comparing SQLAlchemy rows in sets cost more than the queries)."""
    rows: list[Any] = []
    for start in range(0, len(owners), _BATCH):
        batch = owners[start : start + _BATCH]
        rows += map(tuple, db.execute(select(*columns).where(columns[0].in_(batch))))
    return rows


def after_change(session: Session, entity_type: str, controller_id: int | None) -> None:
    """A flushed change of one ``entity_type`` entry of this controller: bring
    the controller's rows in line when the table derives from that type."""
    if entity_type in DERIVED_FROM and controller_id is not None:
        refresh(session, [controller_id])
