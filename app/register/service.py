"""Read queries of the register: lists, details, the sharing filters.

Every function issues a constant number of SQL statements whatever the
number of rows (eager loads from the entity declarations), and returns plain
JSON-ready dicts built from the entities' canonical states.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import CompoundSelect, Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import Conflict, InvalidInput, NotFound
from app.register import entities as e
from app.register import models as m
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
    """Every controller: queries need no ``controller_id IN (...)`` list,
    which with thousands of controllers would cost more than the query."""


def in_scope(model: Any, controllers: dict[int, str]) -> list[Any]:
    """The condition restricting ``model`` to the controllers (none for all)."""
    if isinstance(controllers, AllControllers):
        return []
    return [model.controller_id.in_(controllers)]


def resolve_controllers(session: Session, slugs: Sequence[str]) -> dict[int, str]:
    """The controllers a request is about: the named ones, or all of them."""
    known = controller_slugs(session)
    if not slugs:
        return AllControllers(known)
    by_slug = {slug: cid for cid, slug in known.items()}
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
) -> Page:
    model = entity_type.model
    conditions = list(where)
    if entity_type.scoped:
        conditions += in_scope(model, controllers)
    elif entity_type is e.CONTROLLERS:
        conditions.append(model.id.in_(controllers))
    total = session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0
    query = _ordered(entity_type, select(model).where(*conditions))
    rows = session.scalars(
        query.options(*detail_options(entity_type)).limit(limit).offset(offset)
    ).all()
    return Page([item(entity_type, obj, controllers) for obj in rows], total, limit, offset)


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
    rows = session.scalars(query.limit(len(controllers) + 1)).all()
    if not rows:
        raise NotFound(f"No {entity_type.label} {slug!r}.")
    if len(rows) > 1:
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


def _refs_view(objs: Iterable[Any], *extra: str) -> list[dict[str, Any]]:
    return [{"slug": o.slug, "name": o.name, **{k: getattr(o, k) for k in extra}} for o in objs]


def sharing_extras(obj: m.SharingArrangement) -> dict[str, Any]:
    """Names of what an arrangement links to, and what it leaves unstated."""
    not_stated = [
        name
        for name in ("data_categories", "data_subjects", "purposes", "legislation", "lawful_bases")
        if not getattr(obj, name)
    ]
    not_stated += [name for name in ("frequency", "consent") if getattr(obj, name) == "not_stated"]
    if obj.recipient.role == RecipientRole.NOT_STATED:
        not_stated.append("recipient_role")
    return {
        "expanded": {
            "recipient": {
                "slug": obj.recipient.slug,
                "name": obj.recipient.name,
                "role": obj.recipient.role,
                "kind": obj.recipient.kind,
            },
            "data_categories": _refs_view(obj.data_categories, "special_category"),
            "data_subjects": _refs_view(obj.data_subjects),
            "purposes": _refs_view(obj.purposes),
            "legislation": _refs_view(obj.legislation, "cited_as", "legislation_gov_uk_id"),
            "lawful_bases": _refs_view(obj.lawful_bases, "reference"),
            "services": _refs_view(obj.services),
        },
        "not_stated": not_stated,
    }


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


def _known(
    session: Session,
    entity_type: EntityType,
    param: str,
    slugs: Sequence[str],
    controllers: dict[int, str],
) -> Select[Any]:
    """The named entities' ids, as a subquery; unknown slugs are a 422 naming
    the filter. One query whatever the number of controllers in scope."""
    model = entity_type.model
    scope = in_scope(model, controllers) if entity_type.scoped else []
    found = set(
        session.scalars(select(model.slug).where(model.slug.in_(slugs), *scope).distinct()).all()
    )
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
    return select(model.id).where(model.slug.in_(slugs), *scope)


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


def sharing_conditions(
    session: Session, filters: SharingFilters, controllers: dict[int, str]
) -> list[Any]:
    """SQL conditions for the filters; several values of one filter are ORed."""
    sa = m.SharingArrangement
    where: list[Any] = []
    if filters.recipient:
        ids = _known(session, e.RECIPIENTS, "recipient", filters.recipient, controllers)
        where.append(sa.recipient_id.in_(ids))
    if filters.role:
        where.append(sa.recipient.has(m.Recipient.role.in_([r.value for r in filters.role])))
    if filters.data_category:
        ids = _known(
            session, e.DATA_CATEGORIES, "data_category", filters.data_category, controllers
        )
        where.append(sa.data_categories.any(m.DataCategory.id.in_(_related_categories(ids))))
    if filters.special_category is not None:
        special = select(m.DataCategory.id).where(
            m.DataCategory.special_category.is_(True), *in_scope(m.DataCategory, controllers)
        )
        related = _related_categories(special)
        has_special = sa.data_categories.any(m.DataCategory.id.in_(related))
        where.append(has_special if filters.special_category else ~has_special)
    for param, entity_type, relationship in (
        ("data_subject", e.DATA_SUBJECTS, sa.data_subjects),
        ("purpose", e.PURPOSES, sa.purposes),
        ("lawful_basis", e.LAWFUL_BASES, sa.lawful_bases),
        ("service", e.SERVICES, sa.services),
    ):
        slugs = getattr(filters, param)
        if slugs:
            ids = _known(session, entity_type, param, slugs, controllers)
            where.append(relationship.any(entity_type.model.id.in_(ids)))
    if filters.legislation:
        ids = _known(session, e.LEGISLATION, "legislation", filters.legislation, controllers)
        # An Act's arrangements include those resting on one of its sections.
        acts = _descendants(m.Legislation, "part_of_id", ids)
        where.append(sa.legislation.any(m.Legislation.id.in_(acts)))
    if filters.data_categories_stated is not None:
        stated = sa.data_categories.any()
        where.append(stated if filters.data_categories_stated else ~stated)
    if filters.age is not None:
        where.append(or_(sa.applies_from_age.is_(None), sa.applies_from_age <= filters.age))
        where.append(or_(sa.applies_until_age.is_(None), sa.applies_until_age >= filters.age))
    return where


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
    )


def sharing_detail_options() -> list[Any]:
    return load_options(e.SHARING.shape)


def arrangements_for_recipient(
    session: Session, recipient: m.Recipient, controllers: dict[int, str]
) -> list[dict[str, Any]]:
    query = _ordered(
        e.SHARING,
        select(m.SharingArrangement)
        .where(m.SharingArrangement.recipient_id == recipient.id)
        .options(*load_options(e.SHARING.shape)),
    )
    return [item(e.SHARING, obj, controllers) for obj in session.scalars(query)]


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
