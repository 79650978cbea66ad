"""Read queries of the register: lists, details, the sharing filters.

Every function issues a constant number of SQL statements whatever the
number of rows (eager loads from the entity declarations), and returns plain
JSON-ready dicts built from the entities' canonical states.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import CompoundSelect, Select, exists, func, literal, or_, select, text
from sqlalchemy.orm import Session, aliased

from app.errors import Conflict, InvalidInput, NotFound
from app.register import entities as e
from app.register import models as m
from app.register.document import CONTROLLER_ID, read_listed
from app.register.entities import EntityType, load_options, to_state
from app.register.schemas import RecipientRole


@dataclass
class Page:
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "total": self.total,
            "limit": self.limit,
            "offset": self.offset,
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
    if entity_type is e.SHARING:
        state.update(sharing_extras(obj))
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
    where: Iterable[Any] = (),
    capped_total: bool = False,
) -> Page:
    """One page, in notice order.

    With ``capped_total``, no controller named and several in the register,
    ``total`` is exact only when the matches end on this page (or before
    it); otherwise it is ``offset + limit + 1``: "at least one more".
    Counting every match would read every controller's rows, while the page
    itself walks the list order and stops after it."""
    model = entity_type.model
    conditions = list(where)
    if entity_type.scoped:
        conditions += in_scope(model, controllers)
    elif entity_type is e.CONTROLLERS and not isinstance(controllers, AllControllers):
        conditions.append(model.id.in_(controllers))
    if capped_total and isinstance(controllers, AllControllers) and controllers.several():
        ids, total = _capped_page(session, entity_type, conditions, limit, offset)
    else:
        total = session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
        query = _ordered(entity_type, select(model.id).where(*conditions))
        ids = list(session.scalars(query.limit(limit).offset(offset)))
    items = _listed_items(session, entity_type, ids, controllers)
    return Page(items, total, limit, offset)


def _capped_page(
    session: Session, entity_type: EntityType, conditions: list[Any], limit: int, offset: int
) -> tuple[list[int], int]:
    """Ids of the page and the capped total, walking the list order once
    (an index walk that stops one match past the page)."""
    model = entity_type.model
    wanted = limit + 1
    if session.get_bind().dialect.name == "postgresql":
        # The planner cannot size per-arrangement checks (recursive walks)
        # and prices the walk in the billions: JIT would then spend 100-200 ms
        # compiling a query that runs in ~10 ms.
        session.execute(text("SET LOCAL jit = off"))
    query = _ordered(entity_type, select(model.id).where(*conditions))
    ids = list(session.scalars(query.limit(wanted).offset(offset)))
    if ids or offset == 0:
        return ids[:limit], offset + len(ids)
    # Past the end: how many there are, counting no further than the offset.
    before = select(model.id).where(*conditions).limit(offset).subquery()
    return [], session.scalar(select(func.count()).select_from(before)) or 0


def detail_options(entity_type: EntityType) -> list[Any]:
    options = load_options(entity_type.shape)
    return options


def get_entity(
    session: Session, entity_type: EntityType, slug: str, controllers: dict[int, str]
) -> Any:
    """The entity with this slug; 404 if none, 409 if several controllers have one."""
    model = entity_type.model
    query = select(model).where(model.slug == slug).options(*detail_options(entity_type))
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


def detail(
    session: Session, entity_type: EntityType, obj: Any, controllers: dict[int, str]
) -> dict[str, Any]:
    """What ``GET /api/v1/<type>/<slug>`` serves; its bytes give the entity's ETag."""
    if entity_type is e.RECIPIENTS:
        return recipient_detail(session, obj, controllers)
    if entity_type is e.DATA_CATEGORIES:
        return data_category_detail(session, obj, controllers)
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
RECIPIENT_VIEW = ("role", "kind")
STATED = ("data_categories", "data_subjects", "purposes", "legislation", "lawful_bases")
"""Lists a notice should state (an empty one is reported as not stated)."""


def _view(target: Any, extra: Sequence[str]) -> dict[str, Any]:
    return {"slug": target.slug, "name": target.name, **{k: getattr(target, k) for k in extra}}


def _extras(
    recipient: Any, lists: Mapping[str, Sequence[Any]], frequency: str, consent: str
) -> dict[str, Any]:
    not_stated = [name for name in STATED if not lists[name]]
    not_stated += [
        name
        for name, value in (("frequency", frequency), ("consent", consent))
        if value == "not_stated"
    ]
    if recipient.role == RecipientRole.NOT_STATED:
        not_stated.append("recipient_role")
    expanded: dict[str, Any] = {"recipient": _view(recipient, RECIPIENT_VIEW)}
    for name, extra in EXPANDED.items():
        expanded[name] = [_view(target, extra) for target in lists[name]]
    return {"expanded": expanded, "not_stated": not_stated}


def sharing_extras(obj: m.SharingArrangement) -> dict[str, Any]:
    """Names of what an arrangement links to, and what it leaves unstated."""
    lists = {name: getattr(obj, name) for name in EXPANDED}
    return _extras(obj.recipient, lists, obj.frequency, obj.consent)


@cache
def _table_of(field_name: str) -> str:
    prop = getattr(m.SharingArrangement, field_name).property
    return str(prop.mapper.local_table.name)


def _listed_items(
    session: Session, entity_type: EntityType, ids: Sequence[int], controllers: dict[int, str]
) -> list[dict[str, Any]]:
    """``item`` for each of these entities, in this order, from rows rather
    than ORM objects (a fixed number of statements; tests compare both)."""
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
            state.update(_extras(recipient, lists, row.frequency, row.consent))
        items.append(state)
    return items


@dataclass
class SharingFilters:
    recipient: list[str] = field(default_factory=list)
    data_category: list[str] = field(default_factory=list)
    data_subject: list[str] = field(default_factory=list)
    purpose: list[str] = field(default_factory=list)
    legislation: list[str] = field(default_factory=list)
    lawful_basis: list[str] = field(default_factory=list)
    service: list[str] = field(default_factory=list)
    role: list[RecipientRole] = field(default_factory=list)
    special_category: bool | None = None
    data_categories_stated: bool | None = None
    age: int | None = None


class _Tree:
    """Parent links of a self-referencing type (category groups, Acts' parts)."""

    def __init__(self, rows: Iterable[tuple[int, str, int | None]]) -> None:
        self.parent: dict[int, int | None] = {}
        self.children: dict[int, list[int]] = defaultdict(list)
        self.ids_by_slug: dict[str, list[int]] = defaultdict(list)
        for ident, slug, parent in rows:
            self.parent[ident] = parent
            self.ids_by_slug[slug].append(ident)
            if parent is not None:
                self.children[parent].append(ident)

    def descendants(self, ids: Iterable[int]) -> set[int]:
        result: set[int] = set()
        stack = list(ids)
        while stack:
            ident = stack.pop()
            if ident not in result:
                result.add(ident)
                stack.extend(self.children.get(ident, ()))
        return result

    def ancestors(self, ids: Iterable[int]) -> set[int]:
        result: set[int] = set()
        for ident in ids:
            node: int | None = ident
            while node is not None and node not in result:
                result.add(node)
                node = self.parent.get(node)
        return result


def _id_list_limit(controllers: dict[int, str]) -> int | None:
    """How many entities a filter may name across every controller and still
    be matched as a list of ids (``None``: no limit, the scope is bounded).

    A list of ids lets the database start from the few arrangements that use
    them; past this many (say the Department for Education, in every
    controller) each arrangement is checked as the list is walked in order,
    which stops after the page. Walking costs ~controllers / named, the list
    ~named, so the two meet near the square root."""
    if not isinstance(controllers, AllControllers):
        return None
    return max(64, math.isqrt(32 * controllers.size_bound()))


def _named_ids(
    session: Session,
    entity_type: EntityType,
    param: str,
    slugs: Sequence[str],
    controllers: dict[int, str],
) -> list[int] | None:
    """The ids of the entities a filter names, or ``None`` when there are
    too many to list (see ``_id_list_limit``); unknown slugs are a 422 naming
    the filter. Reads at most the limit, whatever the number of controllers."""
    model = entity_type.model
    scope = in_scope(model, controllers) if entity_type.scoped else []
    limit = _id_list_limit(controllers) if entity_type.scoped else None
    query = select(model.id, model.slug).where(model.slug.in_(slugs), *scope)
    rows = session.execute(query if limit is None else query.limit(limit + 1)).all()
    found = {row.slug for row in rows}
    many = limit is not None and len(rows) > limit
    unseen = [slug for slug in dict.fromkeys(slugs) if slug not in found]
    if many and unseen:
        checks = [exists().where(model.slug == slug, *scope) for slug in unseen]
        flags = session.execute(select(*checks)).one()
        found.update(slug for slug, flag in zip(unseen, flags, strict=True) if flag)
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise InvalidInput(
            f"Unknown {entity_type.label} in filter {param!r}: {', '.join(unknown)}.",
            errors=[
                {
                    "field": param,
                    "msg": f"unknown {entity_type.label} {s!r}",
                    "type": "unknown_reference",
                }
                for s in unknown
            ],
        )
    return None if many else [row.id for row in rows]


def _category_tree(session: Session, controllers: dict[int, str]) -> tuple[_Tree, set[int]]:
    rows = session.execute(
        select(
            m.DataCategory.id,
            m.DataCategory.slug,
            m.DataCategory.group_id,
            m.DataCategory.special_category,
        ).where(*in_scope(m.DataCategory, controllers))
    ).all()
    tree = _Tree((r[0], r[1], r[2]) for r in rows)
    special = {r[0] for r in rows if r[3]}
    return tree, special


def _descendants(model: Any, parent: str, base: Select[Any]) -> Select[Any]:
    """Ids of ``base`` and everything below them (recursive CTE: the tree is
    walked in the database, never loaded whole)."""
    tree = base.cte(recursive=True)
    child = aliased(model)
    tree = tree.union(select(child.id).where(getattr(child, parent) == tree.c.id))
    return select(tree.c.id)


def _ancestors(model: Any, parent: str, base: Select[Any]) -> Select[Any]:
    """Ids of ``base`` and everything above them."""
    node = aliased(model)
    tree = (
        select(node.id.label("id"), getattr(node, parent).label("up"))
        .where(node.id.in_(base))
        .cte(recursive=True)
    )
    above = aliased(model)
    tree = tree.union(select(above.id, getattr(above, parent)).where(above.id == tree.c.up))
    return select(tree.c.id)


def _related_categories(base: Select[Any]) -> CompoundSelect[Any]:
    # Sharing a group shares its items; sharing an item shares part of its group.
    dc = m.DataCategory
    return _descendants(dc, "group_id", base).union(_ancestors(dc, "group_id", base))


def _link(relationship: Any) -> tuple[Any, Any]:
    """An arrangement's reference list: (owner column, target column) of its
    association table."""
    prop = relationship.property
    ((_, owner),) = prop.synchronize_pairs
    ((_, target),) = prop.secondary_synchronize_pairs
    return owner, target


def _links_to(relationship: Any, ids: Any) -> Any:
    """The arrangement links to one of ``ids`` (association table only)."""
    owner, target = _link(relationship)
    return exists().where(owner == m.SharingArrangement.id, target.in_(ids))


def _links_to_named(relationship: Any, slugs: Sequence[str], scope: list[Any]) -> Any:
    """The arrangement links to an entity with one of these slugs."""
    owner, target = _link(relationship)
    model = relationship.property.mapper.class_
    return exists().where(
        owner == m.SharingArrangement.id, target == model.id, model.slug.in_(slugs), *scope
    )


def _tree_hit(
    relationship: Any, parent: str, hit: Callable[[Any], list[Any]], *, down: bool
) -> Any:
    """One of the arrangement's linked entities, or one above it (and, with
    ``down``, one below it) satisfies ``hit``: the tree walked from this
    arrangement's own links (a recursive CTE per arrangement), never from
    every controller's entities."""
    owner, target = _link(relationship)
    model = relationship.property.mapper.class_
    wanted = ("id", parent, "slug", "controller_id", "special_category")
    names = [n for n in wanted if hasattr(model, n)]
    anchor = (
        select(*(getattr(model, n) for n in names))
        .join_from(model, target.table, target == model.id)
        .where(owner == m.SharingArrangement.id)
        .correlate(m.SharingArrangement)
    )
    checks = []
    for direction in ("up", "down") if down else ("up",):
        walk = anchor.cte(f"{model.__tablename__}_{direction}", recursive=True, nesting=True)
        step = aliased(model)
        linked = (
            step.id == walk.c[parent] if direction == "up" else getattr(step, parent) == walk.c.id
        )
        walk = walk.union(select(*(getattr(step, n) for n in names)).where(linked))
        checks.append(exists(select(literal(1)).select_from(walk).where(*hit(walk.c))))
    return or_(*checks)


def _slug_hit(slugs: Sequence[str], controllers: dict[int, str]) -> Callable[[Any], list[Any]]:
    def hit(columns: Any) -> list[Any]:
        scope = (
            []
            if isinstance(controllers, AllControllers)
            else [columns.controller_id.in_(controllers)]
        )
        return [columns.slug.in_(slugs), *scope]

    return hit


def sharing_conditions(
    session: Session, filters: SharingFilters, controllers: dict[int, str]
) -> list[Any]:
    """SQL conditions for the filters; several values of one filter are ORed.

    Cheap conditions come first (databases evaluate filters in order of
    cost, SQLite in order). A filter naming few entities matches their ids;
    one naming entities in most controllers is checked per arrangement
    (``_id_list_limit``), so a page across every controller stops early."""
    sa = m.SharingArrangement
    dc = m.DataCategory
    cheap: list[Any] = []
    costly: list[Any] = []
    if filters.recipient:
        ids = _named_ids(session, e.RECIPIENTS, "recipient", filters.recipient, controllers)
        if ids is not None:
            cheap.append(sa.recipient_id.in_(ids))
        else:
            scope = in_scope(m.Recipient, controllers)
            cheap.append(_recipient_value(m.Recipient.slug, scope).in_(filters.recipient))
    if filters.role:
        roles = [r.value for r in filters.role]
        cheap.append(_recipient_value(m.Recipient.role, []).in_(roles))
    if filters.data_category:
        ids = _named_ids(
            session, e.DATA_CATEGORIES, "data_category", filters.data_category, controllers
        )
        if ids is not None:
            related = _closure(session, _related_categories(select(dc.id).where(dc.id.in_(ids))))
            costly.append(_links_to(sa.data_categories, related))
        else:
            hit = _slug_hit(filters.data_category, controllers)
            costly.append(_tree_hit(sa.data_categories, "group_id", hit, down=True))
    if filters.special_category is not None:
        special = _special_ids(session, controllers)
        if special is not None:
            base = select(dc.id).where(dc.id.in_(special))
            has_special = _links_to(
                sa.data_categories, _closure(session, _related_categories(base))
            )
        else:

            def is_special(columns: Any) -> list[Any]:
                return [columns.special_category.is_(True)]

            has_special = _tree_hit(sa.data_categories, "group_id", is_special, down=True)
        costly.append(has_special if filters.special_category else ~has_special)
    for param, entity_type, relationship in (
        ("data_subject", e.DATA_SUBJECTS, sa.data_subjects),
        ("purpose", e.PURPOSES, sa.purposes),
        ("lawful_basis", e.LAWFUL_BASES, sa.lawful_bases),
        ("service", e.SERVICES, sa.services),
    ):
        slugs = getattr(filters, param)
        if slugs:
            ids = _named_ids(session, entity_type, param, slugs, controllers)
            if ids is not None:
                costly.insert(0, _links_to(relationship, ids))
            else:
                scope = in_scope(entity_type.model, controllers)
                costly.insert(0, _links_to_named(relationship, slugs, scope))
    if filters.legislation:
        ids = _named_ids(session, e.LEGISLATION, "legislation", filters.legislation, controllers)
        # An Act's arrangements include those resting on one of its sections.
        if ids is not None:
            base = select(m.Legislation.id).where(m.Legislation.id.in_(ids))
            acts = _closure(session, _descendants(m.Legislation, "part_of_id", base))
            costly.append(_links_to(sa.legislation, acts))
        else:
            hit = _slug_hit(filters.legislation, controllers)
            costly.append(_tree_hit(sa.legislation, "part_of_id", hit, down=False))
    if filters.data_categories_stated is not None:
        owner, _target = _link(sa.data_categories)
        stated = exists().where(owner == sa.id)
        cheap.append(stated if filters.data_categories_stated else ~stated)
    if filters.age is not None:
        cheap.insert(0, or_(sa.applies_from_age.is_(None), sa.applies_from_age <= filters.age))
        cheap.insert(1, or_(sa.applies_until_age.is_(None), sa.applies_until_age >= filters.age))
    return cheap + costly


def _closure(session: Session, tree: Select[Any] | CompoundSelect[Any]) -> list[int]:
    """A tree walk's ids, read first: the planner cannot size a recursive CTE
    (it guesses hundreds of rows for one) and would hash whole association
    tables to join it; a list of ids it sizes from statistics."""
    return sorted(session.scalars(tree))


def _recipient_value(column: Any, scope: list[Any]) -> Any:
    """A column of the arrangement's recipient, as a scalar subquery: a
    filter the database checks row by row (cheap, and first), where a
    semi-join would run after the costlier checks."""
    recipient = m.Recipient.id == m.SharingArrangement.recipient_id
    return select(column).where(recipient, *scope).scalar_subquery()


def _special_ids(session: Session, controllers: dict[int, str]) -> list[int] | None:
    """Special category data categories in scope, or ``None`` if too many."""
    dc = m.DataCategory
    limit = _id_list_limit(controllers)
    query = select(dc.id).where(dc.special_category.is_(True), *in_scope(dc, controllers))
    ids = list(session.scalars(query if limit is None else query.limit(limit + 1)))
    return None if limit is not None and len(ids) > limit else ids


def list_sharing(
    session: Session,
    filters: SharingFilters,
    controllers: dict[int, str],
    *,
    limit: int,
    offset: int,
) -> Page:
    return list_entities(
        session,
        e.SHARING,
        controllers=controllers,
        limit=limit,
        offset=offset,
        where=sharing_conditions(session, filters, controllers),
        capped_total=True,
    )


def sharing_detail_options() -> list[Any]:
    return load_options(e.SHARING.shape)


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
    tree, _special = _category_tree(session, {category.controller_id: ""})
    subcategory_ids = tree.children.get(category.id, [])
    related = tree.descendants([category.id]) | tree.ancestors([category.id])
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
