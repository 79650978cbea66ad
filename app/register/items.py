"""One entity as lists and details show it: its canonical state, its
controller's slug and, for a sharing arrangement, the names of what it links
to and the facts it leaves unstated.

Lists build items from rows (``listed_items``, a fixed number of statements),
details from ORM objects (``item``); tests compare both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.register import entities as e
from app.register import models as m
from app.register.basis import BasisKind
from app.register.document import CONTROLLER_ID, read_listed
from app.register.entities import EntityType, to_state
from app.register.scope import ControllerScope
from app.register.silence import not_stated_facts

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


def ordered(entity_type: EntityType, query: Select[Any]) -> Select[Any]:
    """``query`` in notice order (controller, position, slug)."""
    model = entity_type.model
    order = [model.position, model.slug, model.id]
    if entity_type.scoped:
        order.insert(0, model.controller_id)
    return query.order_by(*order)


def item(
    session: Session, entity_type: EntityType, obj: Any, scope: ControllerScope
) -> dict[str, Any]:
    """The item of one ORM object (its relationships loaded)."""
    state = to_state(entity_type.shape, obj)
    if entity_type.scoped:
        state["controller"] = scope.slug(session, obj.controller_id)
    return state


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


def listed_items(
    session: Session, entity_type: EntityType, ids: Sequence[int], scope: ControllerScope
) -> list[dict[str, Any]]:
    """``item`` for each of these entities, in this order, from rows rather
    than ORM objects (a fixed number of statements). The only serialiser of a
    sharing arrangement as served, listed or alone."""
    if not ids:
        return []
    sharing = entity_type is e.SHARING
    extra = {_table_of(name): columns for name, columns in EXPANDED.items()}
    extra[_table_of("recipient")] = RECIPIENT_VIEW
    listed = read_listed(session, entity_type, ids, extra if sharing else None)
    slugs: Mapping[int, str] = {}
    if entity_type.scoped:
        slugs = scope.slugs(session, (getattr(row, CONTROLLER_ID) for row in listed.rows))
    rank = {table: {i: n for n, i in enumerate(rows)} for table, rows in listed.targets.items()}
    items = []
    for row, state in zip(listed.rows, listed.states, strict=True):
        if entity_type.scoped:
            state["controller"] = slugs.get(getattr(row, CONTROLLER_ID))
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
    session: Session, recipient: m.Recipient, scope: ControllerScope
) -> list[dict[str, Any]]:
    sa = m.SharingArrangement
    query = ordered(e.SHARING, select(sa.id).where(sa.recipient_id == recipient.id))
    return listed_items(session, e.SHARING, list(session.scalars(query)), scope)
