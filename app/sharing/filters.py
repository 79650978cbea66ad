"""The ``/sharing`` filters as SQL: what schools' systems and auditors ask.

Several values of one filter are ORed, filters are ANDed. A data category
matches its groups and its subcategories (sharing a group shares its items;
sharing an item shares part of its group), an Act matches its sections.

The conditions are shaped for a register of many controllers: a filter
naming few entities is matched as a list of ids; one naming an entity that
most controllers have (the Department for Education) is checked per
arrangement as the list order is walked, so a page stops early whatever the
number of controllers (``_id_list_limit``); a data category so named walks
the arrangements that share it (``sharing_category_reach``). Warm
single-controller queries are answered from memory instead
(``app.sharing.index``), with the same results.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import CompoundSelect, Select, and_, exists, literal, or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import InvalidInput
from app.register import entities as e
from app.register import models as m
from app.register.cursors import Cursor
from app.register.entities import EntityType
from app.register.schemas import RecipientRole
from app.register.scope import ControllerScope
from app.register.service import Page, list_entities
from app.register.silence import Fact, stated_sql, unstated_condition
from app.register.walks import Walk


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
    unstated: list[Fact] = field(default_factory=list)
    """Only arrangements that leave each of these facts unstated."""
    stated_only: bool = False
    """Filters match facts the notice states, never a reading or a reference."""

    def without(self, param: str) -> SharingFilters:
        """The same filters less one (``special_category`` and ``age`` unset,
        the others emptied)."""
        empty: Any = None if param in ("special_category", "age") else []
        return replace(self, **{param: empty})

    def with_unstated(self, fact: Fact) -> SharingFilters:
        return replace(self, unstated=sorted({*self.unstated, fact}))


def _id_list_limit(session: Session, scope: ControllerScope) -> int | None:
    """How many entities a filter may name across every controller and still
    be matched as a list of ids (``None``: no limit, the scope is bounded).

    A list of ids lets the database start from the few arrangements that use
    them; past this many (say the Department for Education, in every
    controller) each arrangement is checked as the list is walked in order,
    which stops after the page. Walking costs ~controllers / named, the list
    ~named, so the two meet near the square root."""
    if not scope.is_every:
        return None
    return max(64, math.isqrt(32 * scope.size_bound(session)))


def _named_ids(
    session: Session,
    entity_type: EntityType,
    param: str,
    slugs: Sequence[str],
    scope: ControllerScope,
    *,
    listed: bool = False,
) -> list[int] | None:
    """The ids of the entities a filter names, or ``None`` when there are
    too many to list (see ``_id_list_limit``; ``listed``: always list them);
    unknown slugs are a 422 naming the filter. Reads at most the limit,
    whatever the number of controllers."""
    model = entity_type.model
    in_scope = scope.where(model.controller_id) if entity_type.scoped else []
    limit = _id_list_limit(session, scope) if entity_type.scoped and not listed else None
    query = select(model.id, model.slug).where(model.slug.in_(slugs), *in_scope)
    rows = session.execute(query if limit is None else query.limit(limit + 1)).all()
    found = {row.slug for row in rows}
    many = limit is not None and len(rows) > limit
    unseen = [slug for slug in dict.fromkeys(slugs) if slug not in found]
    if many and unseen:
        checks = [exists().where(model.slug == slug, *in_scope) for slug in unseen]
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


def _slug_hit(slugs: Sequence[str], scope: ControllerScope) -> Callable[[Any], list[Any]]:
    def hit(columns: Any) -> list[Any]:
        return [columns.slug.in_(slugs), *scope.where(columns.controller_id)]

    return hit


@dataclass
class Matching:
    """How the database finds the arrangements the filters keep."""

    conditions: list[Any]
    walk: Walk | None = None


def sharing_matching(session: Session, filters: SharingFilters, scope: ControllerScope) -> Matching:
    """SQL conditions for the filters; several values of one filter are ORed.

    Cheap conditions come first (databases evaluate filters in order of
    cost, SQLite in order). A filter naming few entities matches their ids;
    one naming entities in most controllers is checked per arrangement
    (``_id_list_limit``), so a page across every controller stops early; a
    data category so named is walked in ``sharing_category_reach``, whose
    index holds only the arrangements sharing it. With ``stated_only`` the
    named entities are always listed: a link counts only if the
    arrangement's basis says the notice states it, checked per slug."""
    sa = m.SharingArrangement
    dc = m.DataCategory
    cheap: list[Any] = []
    costly: list[Any] = []
    walk: Walk | None = None
    listed = filters.stated_only
    if filters.recipient:
        ids = _named_ids(session, e.RECIPIENTS, "recipient", filters.recipient, scope)
        if ids is not None:
            cheap.append(sa.recipient_id.in_(ids))
        else:
            in_scope = scope.where(m.Recipient.controller_id)
            cheap.append(_recipient_value(m.Recipient.slug, in_scope).in_(filters.recipient))
    if filters.role:
        roles = [r.value for r in filters.role]
        cheap.append(_recipient_value(m.Recipient.role, []).in_(roles))
        if listed:
            cheap.append(_recipient_value(stated_sql(m.Recipient, "role"), []))
    if filters.data_category:
        ids = _named_ids(
            session,
            e.DATA_CATEGORIES,
            "data_category",
            filters.data_category,
            scope,
            listed=listed,
        )
        if ids is not None:
            related = _closure(session, _related_categories(select(dc.id).where(dc.id.in_(ids))))
            costly.append(_linked(session, sa.data_categories, related, listed))
        else:
            reach = m.SharingCategoryReach
            slugs = sorted(set(filters.data_category))
            values = [reach.category_slug == slug for slug in slugs]
            walk = Walk(reach, reach.sharing_id, values)
    if filters.special_category is not None:
        special = _special_ids(session, scope, listed=listed)
        if special is not None:
            base = select(dc.id).where(dc.id.in_(special))
            related = _closure(session, _related_categories(base))
            has_special = _linked(session, sa.data_categories, related, listed)
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
            ids = _named_ids(session, entity_type, param, slugs, scope, listed=listed)
            if ids is not None:
                costly.insert(0, _linked(session, relationship, ids, listed))
            else:
                in_scope = scope.where(entity_type.model.controller_id)
                costly.insert(0, _links_to_named(relationship, slugs, in_scope))
    if filters.legislation:
        ids = _named_ids(
            session, e.LEGISLATION, "legislation", filters.legislation, scope, listed=listed
        )
        # An Act's arrangements include those resting on one of its sections.
        if ids is not None:
            base = select(m.Legislation.id).where(m.Legislation.id.in_(ids))
            acts = _closure(session, _descendants(m.Legislation, "part_of_id", base))
            costly.append(_linked(session, sa.legislation, acts, listed))
        else:
            hit = _slug_hit(filters.legislation, scope)
            costly.append(_tree_hit(sa.legislation, "part_of_id", hit, down=False))
    if filters.data_categories_stated is not None:
        owner, _target = _link(sa.data_categories)
        stated = exists().where(owner == sa.id)
        cheap.append(stated if filters.data_categories_stated else ~stated)
    if filters.age is not None:
        cheap.insert(0, or_(sa.applies_from_age.is_(None), sa.applies_from_age <= filters.age))
        cheap.insert(1, or_(sa.applies_until_age.is_(None), sa.applies_until_age >= filters.age))
        if listed:
            cheap += _stated_ages()
    cheap += [unstated_condition(fact) for fact in filters.unstated]
    return Matching(cheap + costly, walk)


def _stated_ages() -> list[Any]:
    """An age filter on stated facts: the arrangement states an age bound,
    and each bound it gives is stated (not read into it)."""
    sa = m.SharingArrangement
    return [
        or_(sa.applies_from_age.is_not(None), sa.applies_until_age.is_not(None)),
        or_(sa.applies_from_age.is_(None), stated_sql(sa, "applies_from_age")),
        or_(sa.applies_until_age.is_(None), stated_sql(sa, "applies_until_age")),
    ]


def _linked(session: Session, relationship: Any, ids: list[int], stated_only: bool) -> Any:
    """The arrangement links to one of ``ids``; with ``stated_only``, by a
    link its basis says the notice states (one check per linked slug)."""
    condition = _links_to(relationship, ids)
    if not stated_only:
        return condition
    model = relationship.property.mapper.class_
    field = relationship.property.key
    slugs = sorted(set(session.scalars(select(model.slug).where(model.id.in_(ids)))))
    if not slugs:
        return condition
    stated = [stated_sql(m.SharingArrangement, f"{field}/{slug}") for slug in slugs]
    return and_(condition, or_(*stated))


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


def _special_ids(
    session: Session, scope: ControllerScope, *, listed: bool = False
) -> list[int] | None:
    """Special category data categories in scope, or ``None`` if too many
    (``listed``: always list them)."""
    dc = m.DataCategory
    limit = None if listed else _id_list_limit(session, scope)
    query = select(dc.id).where(dc.special_category.is_(True), *scope.where(dc.controller_id))
    ids = list(session.scalars(query if limit is None else query.limit(limit + 1)))
    return None if limit is not None and len(ids) > limit else ids


def list_sharing(
    session: Session,
    filters: SharingFilters,
    scope: ControllerScope,
    *,
    limit: int,
    offset: int,
    cursor: Cursor | None = None,
) -> Page:
    matching = sharing_matching(session, filters, scope)
    return list_entities(
        session,
        e.SHARING,
        scope=scope,
        limit=limit,
        offset=offset,
        cursor=cursor,
        where=matching.conditions,
        walk=matching.walk,
        capped_total=True,
    )
