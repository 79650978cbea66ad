"""Keeping ``sharing_category_reach`` in step with the register.

The table is derived data (see ``SharingCategoryReach``): for each
arrangement, every data category it shares, its categories' groups and
their items included. It is recomputed per controller, from the register's
own tables, in the transaction that changed them: every flush notes which
controllers' arrangements or data categories it wrote, and the commit
refreshes those controllers before it completes. A change through the ORM
cannot skip it; bulk loads outside the ORM (``bench/scale.py``'s COPY) call
``refresh`` themselves.

Writers are serialised on the audit chain head, so two transactions never
refresh the same controller at once.
"""

from __future__ import annotations

from collections.abc import Collection
from itertools import chain
from typing import Any

from sqlalchemy import Select, delete, event, insert, inspect, select, text, union
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction, aliased

from app.register import models as m

_TOUCHED = "sharing_category_reach.touched"
_ALL = -1
"""Stands for every controller when a flushed row's controller is unknown."""


def reach_rows(controller_ids: Collection[int] | None = None) -> Select[Any]:
    """The table's rows for these controllers (``None``: all), computed.

    Sharing a group shares its items; sharing an item shares part of its
    group: the same closure the ``data_category`` filter applies."""
    sa, dc, link = m.SharingArrangement, m.DataCategory, m.sharing_data_categories
    owned = select(link.c.sharing_id, link.c.data_category_id.label("category_id"))
    if controller_ids is not None:
        owned = owned.join(sa, sa.id == link.c.sharing_id).where(
            sa.controller_id.in_(sorted(controller_ids))
        )
    # UNION, not UNION ALL: a loop in the groups (refused on write) ends the walk.
    up = owned.cte("reach_up", recursive=True)
    parent = aliased(dc)
    up = up.union(
        select(up.c.sharing_id, parent.group_id)
        .join(parent, parent.id == up.c.category_id)
        .where(parent.group_id.is_not(None))
    )
    down = owned.cte("reach_down", recursive=True)
    child = aliased(dc)
    down = down.union(
        select(down.c.sharing_id, child.id).join(child, child.group_id == down.c.category_id)
    )
    reached = union(select(up.c.sharing_id, up.c.category_id), select(down)).subquery()
    return (
        select(reached.c.sharing_id, dc.slug, sa.controller_id, sa.position, sa.slug)
        .join_from(reached, dc, dc.id == reached.c.category_id)
        .join(sa, sa.id == reached.c.sharing_id)
    )


def refresh(db: Session | Connection, controller_ids: Collection[int] | None = None) -> None:
    """Recompute the rows of these controllers (``None``: every controller)."""
    reach = m.SharingCategoryReach
    bind = db.get_bind() if isinstance(db, Session) else db
    if bind.dialect.name == "postgresql":
        # The planner cannot size recursive walks (it guesses millions of
        # rows) and would spend ~0.4 s compiling a query that runs in ms.
        db.execute(text("SET LOCAL jit = off"))
    stale = delete(reach)
    if controller_ids is not None:
        owned = select(m.SharingArrangement.id).where(
            m.SharingArrangement.controller_id.in_(sorted(controller_ids))
        )
        stale = stale.where(reach.sharing_id.in_(owned))
    db.execute(stale)
    columns = ["sharing_id", "category_slug", "controller_id", "position", "slug"]
    db.execute(insert(reach).from_select(columns, reach_rows(controller_ids)))


def _controller_of(obj: Any) -> int:
    # A deleted row's attributes may be unloaded: never load them mid-flush.
    value = inspect(obj).dict.get("controller_id")
    return value if isinstance(value, int) else _ALL


@event.listens_for(Session, "after_flush")
def _note_touched(session: Session, _context: Any) -> None:
    touched: set[int] = session.info.setdefault(_TOUCHED, set())
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, m.SharingArrangement | m.DataCategory):
            touched.add(_controller_of(obj))


@event.listens_for(Session, "before_commit")
def _refresh_touched(session: Session) -> None:
    if session.new or session.dirty or session.deleted:
        session.flush()
    touched = session.info.pop(_TOUCHED, None)
    if touched:
        refresh(session, None if _ALL in touched else touched)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the whole transaction, committed or not
        session.info.pop(_TOUCHED, None)
