"""The ``/sharing`` filters answered by the database.

Each set filter's SQL form (``app.sharing.declarations``) gives its
conditions, cheapest first. A filter naming entities is matched by their
ids while they are few; past ``sqlparts.id_list_limit`` (an entity most
controllers have, across every controller) its form checks each
arrangement as the list order is walked, so a page stops early whatever the
number of controllers, and a data category so named walks the arrangements
that share it (``sharing_category_reach``). With ``basis=stated`` the named
entities are always listed: a link counts only if the arrangement's basis
says the notice states it, checked per slug. Warm single-controller queries
are answered from memory instead (``app.sharing.memory``), with the same
results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.register import entities as e
from app.register.cursors import Cursor
from app.register.scope import ControllerScope
from app.register.service import Page, list_entities
from app.register.walks import Walk
from app.sharing import sqlparts
from app.sharing.declarations import SharingFilters
from app.sharing.sqlparts import SqlContext, named_ids


@dataclass
class Matching:
    """How the database finds the arrangements the filters keep."""

    conditions: list[Any]
    walk: Walk | None = None


def sharing_matching(session: Session, filters: SharingFilters, scope: ControllerScope) -> Matching:
    """SQL conditions for the filters, cheapest first, and the walk if one
    serves them. Unknown slugs are refused in declaration order."""
    ctx = SqlContext(session, scope, filters.stated_only)
    limit = None if filters.stated_only else sqlparts.id_list_limit(session, scope)
    parts: list[tuple[int, list[Any]]] = []
    walk: Walk | None = None
    for declaration, value in filters.set():
        ids = None
        if declaration.entity is not None:
            ids = named_ids(ctx, declaration.entity, declaration.name, value, limit)
        part = declaration.sql(ctx, value, ids)
        if isinstance(part, Walk):
            walk = part
        else:
            parts.append((declaration.cost, part))
    parts.sort(key=lambda part: part[0])
    return Matching([condition for _, part in parts for condition in part], walk)


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
