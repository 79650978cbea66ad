"""Read queries of the register: controllers in scope, lists and details.

Every function issues a constant number of SQL statements whatever the
number of rows (eager loads from the entity declarations), and returns plain
JSON-ready dicts built from the entities' canonical states.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from app.errors import Conflict, InvalidInput, NotFound
from app.register import entities as e
from app.register import models as m
from app.register.basis import BasisKind
from app.register.cursors import Cursor
from app.register.document import CONTROLLER_ID, read_listed
from app.register.entities import EntityType, load_options, to_state
from app.register.silence import not_stated_facts
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


# --- controllers ---------------------------------------------------------------


def controller_slugs(session: Session) -> dict[int, str]:
    return dict(session.execute(select(m.Controller.id, m.Controller.slug)).all())


class AllControllers(dict[int, str]):
    """Every controller, read lazily: queries need no ``controller_id IN
    (...)`` list, and an answer only the slugs of the controllers it shows
    (reading them all costs ~30 ms at 20,000 controllers). Anything that
    needs the whole map (iteration, ``len``, an id not prefetched) reads it
    all once."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self._session = session
        self._complete = False
        self._size: int | None = None
        self._several: bool | None = None

    def prefetch(self, ids: Iterable[int]) -> None:
        wanted = {i for i in ids if not dict.__contains__(self, i)}
        if wanted and not self._complete:
            query = select(m.Controller.id, m.Controller.slug).where(
                m.Controller.id.in_(sorted(wanted))
            )
            dict.update(self, self._session.execute(query).all())

    def size_bound(self) -> int:
        """At least the number of controllers (ids only grow): O(1), for
        choosing query shapes."""
        if self._size is None:
            self._size = self._session.scalar(select(func.max(m.Controller.id))) or 0
        return self._size

    def several(self) -> bool:
        if self._several is None:
            two = self._session.scalars(select(m.Controller.id).limit(2)).all()
            self._several = len(two) > 1
        return self._several

    def _all(self) -> None:
        if not self._complete:
            dict.update(self, controller_slugs(self._session))
            self._complete = True

    def __getitem__(self, key: int) -> str:
        if not dict.__contains__(self, key):
            self._all()
        return dict.__getitem__(self, key)

    def get(self, key: int, default: Any = None) -> Any:
        if not dict.__contains__(self, key):
            self._all()
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        if not dict.__contains__(self, key):
            self._all()
        return dict.__contains__(self, key)

    def __iter__(self) -> Iterator[int]:
        self._all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._all()
        return dict.__len__(self)

    def keys(self) -> Any:
        self._all()
        return dict.keys(self)

    def values(self) -> Any:
        self._all()
        return dict.values(self)

    def items(self) -> Any:
        self._all()
        return dict.items(self)

    def __eq__(self, other: object) -> bool:
        self._all()
        return dict.__eq__(self, other)

    def __repr__(self) -> str:
        self._all()
        return dict.__repr__(self)


def prefetch(controllers: dict[int, str], ids: Iterable[int]) -> None:
    """Read the slugs of these controllers in one query (all scopes but
    ``AllControllers`` hold them already)."""
    if isinstance(controllers, AllControllers):
        controllers.prefetch(ids)


def in_scope(model: Any, controllers: dict[int, str]) -> list[Any]:
    """The condition restricting ``model`` to the controllers (none for all)."""
    if isinstance(controllers, AllControllers):
        return []
    return [model.controller_id.in_(controllers)]


def resolve_controllers(session: Session, slugs: Sequence[str]) -> dict[int, str]:
    """The controllers a request is about: the named ones, or all of them."""
    if not slugs:
        return AllControllers(session)
    query = select(m.Controller.slug, m.Controller.id).where(m.Controller.slug.in_(set(slugs)))
    by_slug = dict(session.execute(query).all())
    unknown = [slug for slug in slugs if slug not in by_slug]
    if unknown:
        raise InvalidInput(
            f"Unknown controller: {', '.join(unknown)}.",
            errors=[
                {
                    "field": "controller",
                    "msg": f"unknown controller {s!r}",
                    "type": "unknown_reference",
                }
                for s in unknown
            ],
        )
    return {by_slug[slug]: slug for slug in slugs}


def single_controller(session: Session, slug: str | None) -> m.Controller:
    """The one controller a whole-register request is about."""
    if slug is not None:
        controller = session.scalars(
            select(m.Controller).where(m.Controller.slug == slug)
        ).one_or_none()
        if controller is None:
            raise NotFound(f"No controller {slug!r}.")
        return controller
    controllers = session.scalars(select(m.Controller).order_by(m.Controller.slug).limit(2)).all()
    if not controllers:
        raise NotFound("The register holds no controller yet.")
    if len(controllers) > 1:
        raise InvalidInput(
            "The register holds several controllers: name one with ?controller=<slug>.",
            errors=[
                {
                    "field": "controller",
                    "msg": "required when several controllers exist",
                    "type": "missing",
                }
            ],
        )
    return controllers[0]


# --- generic lists and details ---------------------------------------------------


def item(entity_type: EntityType, obj: Any, controllers: dict[int, str]) -> dict[str, Any]:
    state = to_state(entity_type.shape, obj)
    if entity_type.scoped:
        state["controller"] = controllers.get(obj.controller_id)
    return state


def _ordered(entity_type: EntityType, query: Select[Any]) -> Select[Any]:
    model = entity_type.model
    order = [model.position, model.slug, model.id]
    if entity_type.scoped:
        order.insert(0, model.controller_id)
    return query.order_by(*order)


def list_entities(
    session: Session,
    entity_type: EntityType,
    *,
    controllers: dict[int, str],
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
        conditions += in_scope(model, controllers)
    elif entity_type is e.CONTROLLERS and not isinstance(controllers, AllControllers):
        conditions.append(model.id.in_(controllers))
    capped = capped_total and isinstance(controllers, AllControllers) and controllers.several()
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
        query = _ordered(entity_type, select(*keys).where(*conditions, *after))
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
    items = _listed_items(session, entity_type, [row.id for row in page], controllers)
    next_cursor = None
    if more:
        last = page[-1]
        owner = last.controller_id if entity_type.scoped else None
        next_cursor = Cursor(owner, last.position, last.slug)
    return Page(items, total, limit, offset, next_cursor)


def detail_options(entity_type: EntityType) -> list[Any]:
    options = load_options(entity_type.shape)
    return options


def get_entity(
    session: Session,
    entity_type: EntityType,
    slug: str,
    controllers: dict[int, str],
    *,
    loaded: bool = True,
) -> Any:
    """The entity with this slug; 404 if none, 409 if several controllers
    have one. ``loaded``: with everything its state reads (else its columns)."""
    model = entity_type.model
    query = select(model).where(model.slug == slug)
    if loaded:
        query = query.options(*detail_options(entity_type))
    if entity_type.scoped:
        query = query.where(*in_scope(model, controllers))
    if not isinstance(controllers, AllControllers):
        query = query.limit(len(controllers) + 1)
    rows = session.scalars(query).all()
    if not rows:
        raise NotFound(f"No {entity_type.label} {slug!r}.")
    if len(rows) > 1:
        prefetch(controllers, (r.controller_id for r in rows))
        owners = sorted(controllers[r.controller_id] for r in rows)
        raise Conflict(
            f"Several controllers have a {entity_type.label} {slug!r}: "
            "name one with ?controller=<slug>.",
            problem_type="https://sharing-register.example/problems/ambiguous-slug",
            controllers=owners,
        )
    return rows[0]


def read_detail(
    session: Session, entity_type: EntityType, slug: str, controllers: dict[int, str]
) -> dict[str, Any]:
    """``detail`` of the entity with this slug. An arrangement is served from
    rows, as listed: its object's links are not loaded as well (12 statements
    for an uncached arrangement, 20 with them)."""
    loaded = entity_type is not e.SHARING
    obj = get_entity(session, entity_type, slug, controllers, loaded=loaded)
    return detail(session, entity_type, obj, controllers)


def detail(
    session: Session, entity_type: EntityType, obj: Any, controllers: dict[int, str]
) -> dict[str, Any]:
    """What ``GET /api/v1/<type>/<slug>`` serves; its bytes give the entity's ETag."""
    if entity_type is e.RECIPIENTS:
        return recipient_detail(session, obj, controllers)
    if entity_type is e.DATA_CATEGORIES:
        return data_category_detail(session, obj, controllers)
    if entity_type is e.SHARING:
        # Served as listed: an arrangement is serialised from rows only.
        (served,) = _listed_items(session, e.SHARING, [obj.id], controllers)
        return served
    return item(entity_type, obj, controllers)


# --- sharing arrangements --------------------------------------------------------


EXPANDED: dict[str, tuple[str, ...]] = {
    "data_categories": ("special_category",),
    "data_subjects": (),
    "purposes": (),
    "legislation": ("cited_as", "legislation_gov_uk_id"),
    "lawful_bases": ("reference",),
    "services": (),
}
"""What an arrangement's item shows of each entity it lists, beyond slug and name."""
RECIPIENT_VIEW = ("role", "kind", "basis")
"""Columns an arrangement's item reads of its recipient (``basis`` only to
say how the role and kind are known)."""


def _view(target: Any, extra: Sequence[str]) -> dict[str, Any]:
    return {"slug": target.slug, "name": target.name, **{k: getattr(target, k) for k in extra}}


def _recipient_view(recipient: Any) -> dict[str, Any]:
    basis = recipient.basis or {}
    return {
        "slug": recipient.slug,
        "name": recipient.name,
        "role": recipient.role,
        "kind": recipient.kind,
        "role_basis": basis.get("role", {}).get("basis", BasisKind.NOT_STATED.value),
        "kind_basis": basis.get("kind", {}).get("basis", BasisKind.NOT_STATED.value),
    }


def _extras(recipient: Any, lists: Mapping[str, Sequence[Any]], row: Any) -> dict[str, Any]:
    not_stated = not_stated_facts(
        lists,
        row.frequency,
        row.consent,
        recipient.role,
        (row.applies_from_age, row.applies_until_age),
    )
    expanded: dict[str, Any] = {"recipient": _recipient_view(recipient)}
    for name, extra in EXPANDED.items():
        expanded[name] = [_view(target, extra) for target in lists[name]]
    return {"expanded": expanded, "not_stated": not_stated}


@cache
def _table_of(field_name: str) -> str:
    prop = getattr(m.SharingArrangement, field_name).property
    return str(prop.mapper.local_table.name)


def _listed_items(
    session: Session, entity_type: EntityType, ids: Sequence[int], controllers: dict[int, str]
) -> list[dict[str, Any]]:
    """``item`` for each of these entities, in this order, from rows rather
    than ORM objects (a fixed number of statements; tests compare both). The
    only serialiser of a sharing arrangement as served, listed or alone."""
    if not ids:
        return []
    sharing = entity_type is e.SHARING
    extra = {_table_of(name): columns for name, columns in EXPANDED.items()}
    extra[_table_of("recipient")] = RECIPIENT_VIEW
    listed = read_listed(session, entity_type, ids, extra if sharing else None)
    if entity_type.scoped:
        prefetch(controllers, (getattr(row, CONTROLLER_ID) for row in listed.rows))
    rank = {table: {i: n for n, i in enumerate(rows)} for table, rows in listed.targets.items()}
    items = []
    for row, state in zip(listed.rows, listed.states, strict=True):
        if entity_type.scoped:
            state["controller"] = controllers.get(getattr(row, CONTROLLER_ID))
        if sharing:
            lists: dict[str, list[Any]] = {}
            for name in EXPANDED:
                table = _table_of(name)
                linked = sorted(listed.lists[name].get(row.id, ()), key=rank[table].__getitem__)
                lists[name] = [listed.targets[table][i] for i in linked]
            recipient = listed.targets[_table_of("recipient")][row.recipient]
            state.update(_extras(recipient, lists, row))
        items.append(state)
    return items


def arrangements_for_recipient(
    session: Session, recipient: m.Recipient, controllers: dict[int, str]
) -> list[dict[str, Any]]:
    sa = m.SharingArrangement
    query = _ordered(e.SHARING, select(sa.id).where(sa.recipient_id == recipient.id))
    return _listed_items(session, e.SHARING, list(session.scalars(query)), controllers)


def recipient_detail(
    session: Session, recipient: m.Recipient, controllers: dict[int, str]
) -> dict[str, Any]:
    detail = item(e.RECIPIENTS, recipient, controllers)
    detail["sharing"] = arrangements_for_recipient(session, recipient, controllers)
    collections = session.scalars(
        select(m.DataCollection)
        .where(m.DataCollection.owner_id == recipient.id)
        .order_by(m.DataCollection.position, m.DataCollection.slug)
    ).all()
    detail["data_collections"] = [{"slug": c.slug, "name": c.name} for c in collections]
    return detail


def data_category_detail(
    session: Session, category: m.DataCategory, controllers: dict[int, str]
) -> dict[str, Any]:
    detail = item(e.DATA_CATEGORIES, category, controllers)
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
        _ordered(
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
