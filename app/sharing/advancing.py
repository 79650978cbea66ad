"""A controller's next ``/sharing`` index from its previous one and the
events between them.

After a write to a controller its index is stale, but most of it is not
changed: a new service, a renamed purpose or an edited right leaves every
arrangement that does not name it as it was. So instead of reading the
whole list again (every arrangement with its links and expanded views: the
largest share of a worker's time after writes to controllers that are read),
only the arrangements an event names, or that reference an entity an event
names, are read again, with the list order when arrangements themselves
changed; the facts the filters read (known slugs, category groups, special
categories, parts of Acts) are read again only for the entity types the
events touched. The events come from the audit trail exactly as for the
register snapshot (``app.snapshots.advancing``): along the same history,
at most ``MAX_EVENTS`` of them, else the index is built again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.register import entities as e
from app.register.data_versions import head
from app.register.entities import EntityType, Shape
from app.register.items import listed_items, ordered
from app.register.scope import ControllerScope
from app.sharing.snapshot import (
    ControllerSharing,
    assembled,
    category_facts,
    known_slugs,
    law_tree,
)
from app.snapshots.advancing import events_between


def advanced(
    session: Session,
    index: ControllerSharing,
    controller_slug: str,
    named: Mapping[str, EntityType],
) -> ControllerSharing | None:
    """``index`` brought to the data version ``session`` sees, or ``None``
    when it must be built again (another history, too many events, the
    controller's own entry changed). An index later than what the session
    sees is of another history too: its event is not there to be found."""
    now = head(session)
    events = events_between(session, controller_slug, (index.version, index.hash), now.seq)
    if events is None:
        return None
    touched: defaultdict[str, set[str]] = defaultdict(set)
    for entity_type, slug, _after in events:
        if entity_type == e.CONTROLLERS.name:
            return None
        touched[entity_type].add(slug)
    controller_id = index.controller_id
    items = _items(session, index, ControllerScope.of({controller_id: controller_slug}), touched)
    if items is None:
        return None
    categories, special = index.categories, index.special
    if e.DATA_CATEGORIES.name in touched:
        categories, special = category_facts(session, controller_id)
    laws = law_tree(session, controller_id) if e.LEGISLATION.name in touched else index.laws
    known = {
        param: known_slugs(session, et, controller_id) if et.name in touched else index.known[param]
        for param, et in named.items()
    }
    return assembled(
        controller_id,
        now,
        items,
        known=known,
        categories=categories,
        special=special,
        laws=laws,
    )


def _items(
    session: Session,
    index: ControllerSharing,
    scope: ControllerScope,
    touched: Mapping[str, Set[str]],
) -> tuple[dict[str, Any], ...] | None:
    """The arrangements with those the events name, or that reference what
    they name, read again; in list order."""
    shape = e.SHARING.shape
    changed = set(touched.get(e.SHARING.name, ()))
    changed.update(item["slug"] for item in index.items if references(shape, item, touched))
    if not changed:
        return index.items
    if e.SHARING.name not in touched:  # the same arrangements in the same order
        ids = _ids(session, index.controller_id, changed)
        fresh = _by_slug(listed_items(session, e.SHARING, ids, scope))
        if fresh.keys() != changed:
            return None
        return tuple(fresh.get(item["slug"], item) for item in index.items)
    model = e.SHARING.model
    order = session.execute(
        ordered(
            e.SHARING,
            select(model.id, model.slug).where(*e.SHARING.of_controller(index.controller_id)),
        )
    ).all()
    ids = [row.id for row in order if row.slug in changed]
    fresh = _by_slug(listed_items(session, e.SHARING, ids, scope))
    kept = _by_slug(index.items)
    items = []
    for row in order:
        item = fresh.get(row.slug) if row.slug in changed else kept.get(row.slug)
        if item is None:
            return None
        items.append(item)
    return tuple(items)


def _ids(session: Session, controller_id: int, slugs: Set[str]) -> list[int]:
    model = e.SHARING.model
    query = select(model.id).where(
        *e.SHARING.of_controller(controller_id), model.slug.in_(sorted(slugs))
    )
    return list(session.scalars(query))


def _by_slug(items: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["slug"]: item for item in items}


def references(shape: Shape, state: Mapping[str, Any], touched: Mapping[str, Set[str]]) -> bool:
    """Whether ``state`` (or one of its children) names an entity in
    ``touched`` (entity type name -> slugs) through one of its references."""
    for ref in shape.refs:
        if state.get(ref.field) in touched.get(ref.target, ()):
            return True
    for ref_list in shape.ref_lists:
        slugs = touched.get(ref_list.target)
        if slugs and not slugs.isdisjoint(state.get(ref_list.field) or ()):
            return True
    return any(
        references(child.shape, child_state, touched)
        for child in shape.children
        for child_state in state.get(child.field) or ()
    )
