"""List pages walked along a narrower index than the entity table's list order.

Across 20,000 controllers, a page of 50 of
``/sharing?recipient=department-for-education&data_category=ethnicity``
walked every arrangement in list order and checked each (1 in 8 shares
ethnicity, 1 in 10 of those goes to the Department): ~4,100 index entries.
A table of (value, list-order key) rows holds the candidates only (535
entries for that page): one walk per value, each in list order and stopping
after the page, merged when there are several (an entity reached by two
values is shown once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, join, select, union

from app.register.cursors import Cursor


@dataclass(frozen=True)
class Walk:
    """``table`` is a mapped class with the entity's list-order key
    (``controller_id``, ``position``, ``slug``) and its id in ``owner``;
    each of ``values`` is the condition of one walk."""

    table: Any
    owner: Any
    values: Sequence[Any]

    def matches(
        self,
        model: Any,
        keys: Sequence[Any],
        conditions: Sequence[Any],
        cursor: Cursor | None,
        *,
        limit: int | None,
        offset: int = 0,
    ) -> Select[Any]:
        """``keys`` of the entities matching every condition and one value,
        in list order, from ``offset`` (or after ``cursor``)."""
        t = self.table
        # Joined on the whole key, so that the database may take the walk's
        # order for the entity's (and read the entity's list-order index only).
        joined = join(
            t,
            model,
            and_(
                model.id == self.owner,
                model.controller_id == t.controller_id,
                model.position == t.position,
                model.slug == t.slug,
            ),
        )
        after = [cursor.follows(t, scoped=True)] if cursor else []
        order = [t.controller_id, t.position, t.slug]
        walks = [
            select(*keys).select_from(joined).where(value, *conditions, *after).order_by(*order)
            for value in self.values
        ]
        if len(walks) == 1:
            return walks[0].limit(limit).offset(offset)
        first = None if limit is None else offset + limit
        merged = union(*(select(w.limit(first).subquery()) for w in walks)).subquery()
        return (
            select(merged)
            .order_by(merged.c.controller_id, merged.c.position, merged.c.slug)
            .limit(limit)
            .offset(offset)
        )
