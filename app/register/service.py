"""Read queries of the register: lists and details within a controller scope.

Every function issues a constant number of SQL statements whatever the
number of rows (eager loads from the entity declarations), and returns plain
JSON-ready dicts built from the entities' canonical states.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from app.errors import Conflict, NotFound, Problems
from app.register import entities as e
from app.register import models as m
from app.register.cursors import Cursor
from app.register.entities import EntityType, load_options
from app.register.items import arrangements_for_recipient, item, listed_items, ordered
from app.register.scope import ControllerScope
from app.register.trees import Tree
from app.register.walks import Walk


@dataclass
class Page:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    next_cursor: Cursor | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
            "next_cursor": self.next_cursor.encode() if self.next_cursor else None,
        }


def list_entities(
    session: Session,
    entity_type: EntityType,
    *,
    scope: ControllerScope,
    limit: int,
    offset: int,
    cursor: Cursor | None = None,
    where: Iterable[Any] = (),
    walk: Walk | None = None,
    capped_total: bool = False,
) -> Page:
    """One page, in notice order, from ``offset`` or after ``cursor``.

    ``total`` counts every match (not only those after the cursor). With
    ``capped_total``, no controller named and several in the register, it is
    exact only when the matches end on this page (or before it) and no
    cursor is given; otherwise it is a lower bound, ``offset + limit + 1``
    meaning "at least one more". Counting every match would read every
    controller's rows, while the page itself walks the list order and stops
    after it. With ``walk``, the page walks that narrower index instead
    (``app.register.walks``)."""
    model = entity_type.model
    conditions = list(where)
    if entity_type.scoped:
        conditions += scope.where(model.controller_id)
    elif entity_type is e.CONTROLLERS:
        conditions += scope.where(model.id)
    capped = capped_total and scope.is_every and scope.several(session)
    if capped and session.get_bind().dialect.name == "postgresql":
        # The planner cannot size per-arrangement checks (recursive walks)
        # and prices the walk in the billions: JIT would then spend 100-200 ms
        # compiling a query that runs in ~10 ms.
        session.execute(text("SET LOCAL jit = off"))
    keys = [model.id, model.position, model.slug]
    if entity_type.scoped:
        keys.append(model.controller_id)

    def matching(limit: int | None, offset: int, cursor: Cursor | None) -> Select[Any]:
        if walk is not None:
            return walk.matches(model, keys, conditions, cursor, limit=limit, offset=offset)
        after = [cursor.follows(model, scoped=entity_type.scoped)] if cursor else []
        query = ordered(entity_type, select(*keys).where(*conditions, *after))
        return query.limit(limit).offset(offset)

    rows = session.execute(matching(limit + 1, offset, cursor)).all()
    page, more = rows[:limit], len(rows) > limit
    if not capped:
        count = select(func.count())
        if walk is None:
            count = count.select_from(model).where(*conditions)
        else:
            count = count.select_from(matching(None, 0, None).subquery())
        total = session.scalar(count) or 0
    elif page or offset == 0:
        total = offset + len(rows)
    else:  # past the end: how many there are, counting no further than the offset
        before = matching(offset, 0, cursor).subquery()
        total = session.scalar(select(func.count()).select_from(before)) or 0
    items = listed_items(session, entity_type, [row.id for row in page], scope)
    next_cursor = None
    if more:
        last = page[-1]
        owner = last.controller_id if entity_type.scoped else None
        next_cursor = Cursor(owner, last.position, last.slug)
    return Page(items, total, limit, offset, next_cursor)


def get_entity(
    session: Session,
    entity_type: EntityType,
    slug: str,
    scope: ControllerScope,
    *,
    loaded: bool = True,
) -> Any:
    """The entity with this slug; 404 if none, 409 if several controllers
    have one. ``loaded``: with everything its state reads (else its columns)."""
    model = entity_type.model
    query = select(model).where(model.slug == slug)
    if loaded:
        query = query.options(*load_options(entity_type.shape))
    if entity_type.scoped:
        query = query.where(*scope.where(model.controller_id))
    bound = scope.row_bound()
    if bound is not None:
        query = query.limit(bound)
    rows = session.scalars(query).all()
    if not rows:
        raise NotFound(f"No {entity_type.label} {slug!r}.")
    if len(rows) > 1:
        slugs = scope.slugs(session, (r.controller_id for r in rows))
        owners = sorted(slugs[r.controller_id] for r in rows)
        raise Conflict(
            f"Several controllers have a {entity_type.label} {slug!r}: "
            "name one with ?controller=<slug>.",
            problem=Problems.AMBIGUOUS_SLUG,
            controllers=owners,
        )
    return rows[0]


KeptArrangements = Callable[[Session, m.Recipient, str], list[dict[str, Any]] | None]
"""A recipient's arrangements as listed, given the recipient and its
controller's slug, from what a process keeps (its controller's ``/sharing``
index); ``None`` when what is kept cannot vouch for the session's reading,
and the tables are read instead."""


def read_detail(
    session: Session,
    entity_type: EntityType,
    slug: str,
    scope: ControllerScope,
    kept: KeptArrangements | None = None,
) -> dict[str, Any]:
    """``detail`` of the entity with this slug. An arrangement is served from
    rows, as listed: its object's links are not loaded as well (12 statements
    for an uncached arrangement, 20 with them)."""
    loaded = entity_type is not e.SHARING
    obj = get_entity(session, entity_type, slug, scope, loaded=loaded)
    return detail(session, entity_type, obj, scope, kept)


def detail(
    session: Session,
    entity_type: EntityType,
    obj: Any,
    scope: ControllerScope,
    kept: KeptArrangements | None = None,
) -> dict[str, Any]:
    """What ``GET /api/v1/<type>/<slug>`` serves; its bytes give the entity's ETag."""
    if entity_type is e.RECIPIENTS:
        return recipient_detail(session, obj, scope, kept)
    if entity_type is e.DATA_CATEGORIES:
        return data_category_detail(session, obj, scope)
    if entity_type is e.SHARING:
        # Served as listed: an arrangement is serialised from rows only.
        (served,) = listed_items(session, e.SHARING, [obj.id], scope)
        return served
    return item(session, entity_type, obj, scope)


def recipient_detail(
    session: Session,
    recipient: m.Recipient,
    scope: ControllerScope,
    kept: KeptArrangements | None = None,
) -> dict[str, Any]:
    detail = item(session, e.RECIPIENTS, recipient, scope)
    sharing = None if kept is None else kept(session, recipient, detail["controller"])
    if sharing is None:
        sharing = arrangements_for_recipient(session, recipient, scope)
    detail["sharing"] = sharing
    collections = session.scalars(
        select(m.DataCollection)
        .where(m.DataCollection.owner_id == recipient.id)
        .order_by(m.DataCollection.position, m.DataCollection.slug)
    ).all()
    detail["data_collections"] = [{"slug": c.slug, "name": c.name} for c in collections]
    return detail


def data_category_detail(
    session: Session, category: m.DataCategory, scope: ControllerScope
) -> dict[str, Any]:
    detail = item(session, e.DATA_CATEGORIES, category, scope)
    dc = m.DataCategory
    links = session.execute(
        select(dc.id, dc.group_id).where(dc.controller_id == category.controller_id)
    )
    tree = Tree.of((row.id, row.group_id) for row in links)
    subcategory_ids = tree.children(category.id)
    related = tree.related([category.id])
    subs = session.scalars(
        select(m.DataCategory)
        .where(m.DataCategory.id.in_(subcategory_ids))
        .order_by(m.DataCategory.position, m.DataCategory.slug)
    ).all()
    detail["subcategories"] = [
        {"slug": c.slug, "name": c.name, "special_category": c.special_category} for c in subs
    ]
    arrangements = session.scalars(
        ordered(
            e.SHARING,
            select(m.SharingArrangement)
            .where(m.SharingArrangement.data_categories.any(m.DataCategory.id.in_(related)))
            .options(*load_options(e.SHARING.shape)),
        )
    ).all()
    detail["received_by"] = [
        {
            "recipient": {
                "slug": a.recipient.slug,
                "name": a.recipient.name,
                "role": a.recipient.role,
            },
            "sharing": a.slug,
            "via": sorted(c.slug for c in a.data_categories if c.id in related),
        }
        for a in arrangements
    ]
    return detail
