"""The SQL pieces the ``/sharing`` filters are made of (``app.sharing.forms``).

The conditions are shaped for a register of many controllers: a filter
naming few entities is matched as a list of ids; one naming an entity that
most controllers have (the Department for Education) is checked per
arrangement as the list order is walked, so a page stops early whatever the
number of controllers (``id_list_limit``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Select, and_, exists, literal, or_, select
from sqlalchemy.orm import Session, aliased

from app.errors import unknown_references
from app.register import models as m
from app.register.entities import EntityType
from app.register.scope import ControllerScope
from app.register.silence import stated_sql


@dataclass(frozen=True)
class SqlContext:
    """What a filter's SQL form may read: the session, the scope, and
    whether filters match stated facts only (``basis=stated``)."""

    session: Session
    scope: ControllerScope
    stated_only: bool


def id_list_limit(session: Session, scope: ControllerScope) -> int | None:
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


def named_ids(
    ctx: SqlContext,
    entity_type: EntityType,
    param: str,
    slugs: Sequence[str],
    limit: int | None,
) -> list[int] | None:
    """The ids of the entities a filter names, or ``None`` when there are
    more than ``limit`` (``None``: always list them); unknown slugs are a 422
    naming the filter. Reads at most the limit, whatever the number of
    controllers."""
    model = entity_type.model
    in_scope = ctx.scope.where(model.controller_id) if entity_type.scoped else []
    limit = limit if entity_type.scoped else None
    query = select(model.id, model.slug).where(model.slug.in_(slugs), *in_scope)
    rows = ctx.session.execute(query if limit is None else query.limit(limit + 1)).all()
    found = {row.slug for row in rows}
    many = limit is not None and len(rows) > limit
    unseen = [slug for slug in dict.fromkeys(slugs) if slug not in found]
    if many and unseen:
        checks = [exists().where(model.slug == slug, *in_scope) for slug in unseen]
        flags = ctx.session.execute(select(*checks)).one()
        found.update(slug for slug, flag in zip(unseen, flags, strict=True) if flag)
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        raise unknown_references(param, entity_type.label, unknown)
    return None if many else [row.id for row in rows]


def descendants(model: Any, parent: str, base: Select[Any]) -> Select[Any]:
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


def related_categories(base: Select[Any]) -> CompoundSelect[Any]:
    # Sharing a group shares its items; sharing an item shares part of its group.
    dc = m.DataCategory
    return descendants(dc, "group_id", base).union(_ancestors(dc, "group_id", base))


def link(relationship: Any) -> tuple[Any, Any]:
    """An arrangement's reference list: (owner column, target column) of its
    association table."""
    prop = relationship.property
    ((_, owner),) = prop.synchronize_pairs
    ((_, target),) = prop.secondary_synchronize_pairs
    return owner, target


def links_to_named(relationship: Any, slugs: Sequence[str], scope: list[Any]) -> Any:
    """The arrangement links to an entity with one of these slugs."""
    owner, target = link(relationship)
    model = relationship.property.mapper.class_
    return exists().where(
        owner == m.SharingArrangement.id, target == model.id, model.slug.in_(slugs), *scope
    )


def tree_hit(relationship: Any, parent: str, hit: Callable[[Any], list[Any]], *, down: bool) -> Any:
    """One of the arrangement's linked entities, or one above it (and, with
    ``down``, one below it) satisfies ``hit``: the tree walked from this
    arrangement's own links (a recursive CTE per arrangement), never from
    every controller's entities."""
    owner, target = link(relationship)
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


def slug_hit(slugs: Sequence[str], scope: ControllerScope) -> Callable[[Any], list[Any]]:
    def hit(columns: Any) -> list[Any]:
        return [columns.slug.in_(slugs), *scope.where(columns.controller_id)]

    return hit


def linked(ctx: SqlContext, relationship: Any, ids: list[int]) -> Any:
    """The arrangement links to one of ``ids``; with ``stated_only``, by a
    link its basis says the notice states (one check per linked slug)."""
    owner, target = link(relationship)
    condition = exists().where(owner == m.SharingArrangement.id, target.in_(ids))
    if not ctx.stated_only:
        return condition
    model = relationship.property.mapper.class_
    field = relationship.property.key
    slugs = sorted(set(ctx.session.scalars(select(model.slug).where(model.id.in_(ids)))))
    if not slugs:
        return condition
    stated = [stated_sql(m.SharingArrangement, f"{field}/{slug}") for slug in slugs]
    return and_(condition, or_(*stated))


def closure(session: Session, tree: Select[Any] | CompoundSelect[Any]) -> list[int]:
    """A tree walk's ids, read first: the planner cannot size a recursive CTE
    (it guesses hundreds of rows for one) and would hash whole association
    tables to join it; a list of ids it sizes from statistics."""
    return sorted(session.scalars(tree))


def recipient_value(column: Any, scope: list[Any]) -> Any:
    """A column of the arrangement's recipient, as a scalar subquery: a
    filter the database checks row by row (cheap, and first), where a
    semi-join would run after the costlier checks."""
    recipient = m.Recipient.id == m.SharingArrangement.recipient_id
    return select(column).where(recipient, *scope).scalar_subquery()


def special_ids(ctx: SqlContext) -> list[int] | None:
    """Special category data categories in scope, or ``None`` if too many
    (with ``stated_only``: always list them)."""
    dc = m.DataCategory
    limit = None if ctx.stated_only else id_list_limit(ctx.session, ctx.scope)
    query = select(dc.id).where(dc.special_category.is_(True), *ctx.scope.where(dc.controller_id))
    ids = list(ctx.session.scalars(query if limit is None else query.limit(limit + 1)))
    return None if limit is not None and len(ids) > limit else ids
