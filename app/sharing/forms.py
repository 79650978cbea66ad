"""Each ``/sharing`` filter's two forms, side by side: SQL conditions on
``SharingArrangement`` and a predicate on a served item.

A form pair is named in one declaration (``app.sharing.declarations``);
``tests/test_sharing_declarations.py`` proves the two forms agree. A SQL
form gets the filter's value and, for a filter naming entities, their ids
(``None``: too many to list, see ``sqlparts.id_list_limit``; unknown slugs
were refused before). It answers conditions, or a ``Walk`` of a narrower
index than the list order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from sqlalchemy import exists, or_, select

from app.register import models as m
from app.register.basis import BasisKind
from app.register.schemas import RecipientRole
from app.register.silence import Fact, leaves_unstated, stated, stated_sql, unstated_condition
from app.register.walks import Walk
from app.sharing import sqlparts as q
from app.sharing.snapshot import ControllerSharing

Item = dict[str, Any]
Predicate = Callable[[Item], bool]
Conditions = list[Any] | Walk
STATED = BasisKind.STATED.value
sa = m.SharingArrangement


def links(field_name: str, wanted: frozenset[str] | set[str], stated_only: bool) -> Predicate:
    """The item links to one of ``wanted`` (with ``stated_only``, by a link
    the notice states)."""
    if not stated_only:
        return lambda i: not wanted.isdisjoint(i[field_name])

    def test(item: Item) -> bool:
        basis = item["basis"]
        return any(
            slug in wanted and stated(basis, f"{field_name}/{slug}") for slug in item[field_name]
        )

    return test


# --- recipient and role: columns of the arrangement's recipient ---------------


def recipient_sql(ctx: q.SqlContext, slugs: Sequence[str], ids: list[int] | None) -> Conditions:
    if ids is not None:
        return [sa.recipient_id.in_(ids)]
    scope = ctx.scope.where(m.Recipient.controller_id)
    return [q.recipient_value(m.Recipient.slug, scope).in_(slugs)]


def recipient_memory(_: ControllerSharing, slugs: Sequence[str], __: bool) -> Predicate:
    recipients = set(slugs)
    return lambda i: i["recipient"] in recipients


def role_sql(ctx: q.SqlContext, roles: Sequence[RecipientRole], _: None) -> Conditions:
    found = [q.recipient_value(m.Recipient.role, []).in_([r.value for r in roles])]
    if ctx.stated_only:
        found.append(q.recipient_value(stated_sql(m.Recipient, "role"), []))
    return found


def role_memory(
    _: ControllerSharing, roles: Sequence[RecipientRole], stated_only: bool
) -> Predicate:
    values = {r.value for r in roles}
    if not stated_only:
        return lambda i: i["expanded"]["recipient"]["role"] in values
    return lambda i: (
        i["expanded"]["recipient"]["role"] in values
        and i["expanded"]["recipient"]["role_basis"] == STATED
    )


# --- lists of entities --------------------------------------------------------


def linked_sql(field_name: str) -> Callable[..., Conditions]:
    """An arrangement listing one of the named entities (data subjects,
    purposes, lawful bases, services: lists without a tree)."""
    relationship = getattr(sa, field_name)

    def form(ctx: q.SqlContext, slugs: Sequence[str], ids: list[int] | None) -> Conditions:
        if ids is not None:
            return [q.linked(ctx, relationship, ids)]
        model = relationship.property.mapper.class_
        return [q.links_to_named(relationship, slugs, ctx.scope.where(model.controller_id))]

    return form


def linked_memory(field_name: str) -> Callable[..., Predicate]:
    def form(_: ControllerSharing, slugs: Sequence[str], stated_only: bool) -> Predicate:
        return links(field_name, frozenset(slugs), stated_only)

    return form


def data_category_sql(ctx: q.SqlContext, slugs: Sequence[str], ids: list[int] | None) -> Conditions:
    """A category named in few controllers: its related categories' ids. One
    named in most: a walk of ``sharing_category_reach``, whose index holds
    only the arrangements sharing it (across 20,000 controllers, 535 index
    entries for a page of ``recipient=department-for-education&
    data_category=ethnicity`` against ~4,100 along the list order:
    ``app.register.walks``)."""
    if ids is None:
        reach = m.SharingCategoryReach
        return Walk(reach, reach.sharing_id, [reach.category_slug == s for s in sorted(set(slugs))])
    dc = m.DataCategory
    related = q.closure(ctx.session, q.related_categories(select(dc.id).where(dc.id.in_(ids))))
    return [q.linked(ctx, sa.data_categories, related)]


def data_category_memory(
    index: ControllerSharing, slugs: Sequence[str], stated_only: bool
) -> Predicate:
    return links("data_categories", index.categories.related(slugs), stated_only)


def special_category_sql(ctx: q.SqlContext, flag: bool, _: None) -> Conditions:
    special = q.special_ids(ctx)
    if special is not None:
        base = select(m.DataCategory.id).where(m.DataCategory.id.in_(special))
        related = q.closure(ctx.session, q.related_categories(base))
        has_special = q.linked(ctx, sa.data_categories, related)
    else:

        def is_special(columns: Any) -> list[Any]:
            return [columns.special_category.is_(True)]

        has_special = q.tree_hit(sa.data_categories, "group_id", is_special, down=True)
    return [has_special if flag else ~has_special]


def special_category_memory(index: ControllerSharing, flag: bool, stated_only: bool) -> Predicate:
    special = links("data_categories", index.categories.related(index.special), stated_only)
    return lambda i: special(i) is flag


def legislation_sql(ctx: q.SqlContext, slugs: Sequence[str], ids: list[int] | None) -> Conditions:
    """An Act's arrangements include those resting on one of its sections."""
    if ids is None:
        hit = q.slug_hit(slugs, ctx.scope)
        return [q.tree_hit(sa.legislation, "part_of_id", hit, down=False)]
    base = select(m.Legislation.id).where(m.Legislation.id.in_(ids))
    acts = q.closure(ctx.session, q.descendants(m.Legislation, "part_of_id", base))
    return [q.linked(ctx, sa.legislation, acts)]


def legislation_memory(
    index: ControllerSharing, slugs: Sequence[str], stated_only: bool
) -> Predicate:
    return links("legislation", index.laws.below(slugs), stated_only)


def data_categories_stated_sql(_: q.SqlContext, flag: bool, __: None) -> Conditions:
    owner, _target = q.link(sa.data_categories)
    listed = exists().where(owner == sa.id)
    return [listed if flag else ~listed]


def data_categories_stated_memory(_: ControllerSharing, flag: bool, __: bool) -> Predicate:
    return lambda i: bool(i["data_categories"]) is flag


# --- values of the arrangement ------------------------------------------------


def age_sql(ctx: q.SqlContext, age: int, _: None) -> Conditions:
    """With ``stated_only``: the arrangement states an age bound, and each
    bound it gives is stated (not read into it)."""
    found = [
        or_(sa.applies_from_age.is_(None), sa.applies_from_age <= age),
        or_(sa.applies_until_age.is_(None), sa.applies_until_age >= age),
    ]
    if ctx.stated_only:
        found += [
            or_(sa.applies_from_age.is_not(None), sa.applies_until_age.is_not(None)),
            or_(sa.applies_from_age.is_(None), stated_sql(sa, "applies_from_age")),
            or_(sa.applies_until_age.is_(None), stated_sql(sa, "applies_until_age")),
        ]
    return found


def age_memory(_: ControllerSharing, age: int, stated_only: bool) -> Predicate:
    def test(item: Item) -> bool:
        low, high = item["applies_from_age"], item["applies_until_age"]
        if (low is not None and low > age) or (high is not None and high < age):
            return False
        if not stated_only:
            return True
        bounds = [key for key in ("applies_from_age", "applies_until_age") if item[key] is not None]
        return bool(bounds) and all(stated(item["basis"], key) for key in bounds)

    return test


def unstated_sql(_: q.SqlContext, facts: Sequence[Fact], __: None) -> Conditions:
    return [unstated_condition(fact) for fact in facts]


def unstated_memory(_: ControllerSharing, facts: Sequence[Fact], __: bool) -> Predicate:
    if len(facts) == 1:
        return partial(leaves_unstated, fact=facts[0])
    return lambda i: all(leaves_unstated(i, fact) for fact in facts)
