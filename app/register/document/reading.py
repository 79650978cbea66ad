"""Reading states: a whole register, or the entities of one list page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from app.register import entities as e
from app.register import models as m
from app.register.document.layout import sort_states
from app.register.document.plans import _list_plans, _plans
from app.register.document.reader import _Reader
from app.register.entities import EntityType, to_state


def register_content(session: Session, controller: m.Controller) -> dict[str, Any]:
    """Every entity of the controller, as states, in document order.

    The same states as ``to_state`` over ORM objects (a test compares both),
    read as plain rows: one query per entity type and one per reference list,
    each an index scan on ``controller_id`` (or on the association table's key
    from the owners found that way), so the cost follows the size of this
    register, never the number of controllers; slugs are resolved in memory.
    Building ~1,500 ORM objects through ~25 eager loads cost several times
    more than the whole answer.
    """
    # One reading of the cache: threads racing its first fill may each build
    # their own plans, and the reader keys rows by the plans' identity.
    plans = _plans()
    reader = _Reader(session, plans, {"controller_id": controller.id})
    content: dict[str, Any] = {"controller": to_state(e.CONTROLLERS.shape, controller)}
    for key, plan in plans.sections:
        content[key] = sort_states(reader.states(plan))
    return content


@dataclass(frozen=True)
class Listed:
    """The entities of a list page, read as rows (see ``read_listed``)."""

    rows: list[Row[Any]]
    """In the order of the ids asked for; ``CONTROLLER_ID`` and each single
    reference's target id (under the field's name) included."""
    states: list[dict[str, Any]]
    lists: dict[str, dict[int, list[int]]]
    """field -> owner id -> target ids"""
    targets: dict[str, dict[int, Row[Any]]]
    """table -> id -> (id, slug, name, extra columns), in slug order"""


def read_listed(
    session: Session,
    entity_type: EntityType,
    ids: Sequence[int],
    extra: Mapping[str, Sequence[str]] | None = None,
) -> Listed:
    """States of these entities (the same as ``to_state``) and what they
    reference, without ORM objects: a fixed number of statements (rows,
    child rows, every reference list at once, then each referenced table's
    rows by id, with the ``extra`` columns asked for per table)."""
    plans = _list_plans(entity_type.name)
    ((_key, plan),) = plans.sections
    reader = _Reader(session, plans, {"ids": list(ids)}, targets=extra or {})
    by_id = {row.id: index for index, row in enumerate(reader.rows[id(plan)])}
    order = [by_id[i] for i in ids if i in by_id]
    rows = reader.rows[id(plan)]
    states = reader.states(plan)
    return Listed(
        rows=[rows[i] for i in order],
        states=[states[i] for i in order],
        lists={name: reader.lists[branch] for name, (branch, _t) in plan.lists.items()},
        targets=reader.targets,
    )
