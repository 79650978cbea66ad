"""Plans: the statements reading one entity type's states as plain rows,
built once per process and bound per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Integer,
    Select,
    bindparam,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy import inspect as sa_inspect

from app.register import entities as e
from app.register.document.layout import section_key
from app.register.entities import Shape

_CONTROLLER: BindParameter[int] = bindparam("controller_id", type_=Integer)
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_OWNER = "owner_id_"
CONTROLLER_ID = "controller_id_"


def _relationship(model: Any, name: str) -> Any:
    return sa_inspect(model).relationships[name]


def _table_name(prop: Any) -> str:
    return str(prop.mapper.local_table.name)


@dataclass(frozen=True)
class _Plan:
    """How to read one entity type's (or child type's) states."""

    shape: Shape
    query: Select[Any]
    refs: dict[str, str]
    """field -> target table; rows hold the target's id under the field's name"""
    lists: dict[str, tuple[int, str]]
    """field -> (its branch in the reference-list statement, target table)"""
    children: dict[str, _Plan] = field(default_factory=dict)

    @property
    def table(self) -> str:
        return str(self.shape.model.__tablename__)


@dataclass(frozen=True)
class _Plans:
    sections: tuple[tuple[str, _Plan], ...]
    lists: CompoundSelect[Any] | None
    """(branch, owner id, target id) of every reference list, in one statement"""


def _plan(
    shape: Shape, where: Any, branches: list[Select[Any]], owner: Any = None, order: Any = ()
) -> _Plan:
    model: Any = shape.model
    refs: dict[str, str] = {}
    columns = [model.id] if owner is None else [owner.label(_OWNER), model.id]
    if hasattr(model, "controller_id"):
        columns.append(model.controller_id.label(CONTROLLER_ID))
    for one in shape.refs:
        prop = _relationship(model, one.relationship)
        (fk,) = prop.local_columns
        columns.append(fk.label(one.field))
        refs[one.field] = _table_name(prop)
    columns += [getattr(model, name) for name in shape.column_fields()]
    query = select(*columns).where(where)
    if owner is not None:
        query = query.order_by(owner, *order, model.id)
    # The owners' ids once per statement. MATERIALIZED also keeps PostgreSQL
    # from starting parallel workers for a few hundred index probes.
    owners = (
        select(model.id)
        .where(where)
        .cte(f"{model.__tablename__}_ids")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )
    lists: dict[str, tuple[int, str]] = {}
    for ref in shape.ref_lists:
        prop = _relationship(model, ref.relationship)
        ((_, left),) = prop.synchronize_pairs
        ((_, right),) = prop.secondary_synchronize_pairs
        lists[ref.field] = (len(branches), _table_name(prop))
        branch = literal(len(branches), Integer).label("branch")
        branches.append(select(branch, left, right).where(left.in_(select(owners.c.id))))
    plan = _Plan(shape, query, refs, lists)
    for child in shape.children:
        prop = _relationship(model, child.field)
        ((_, parent_fk),) = prop.synchronize_pairs
        within = parent_fk.in_(select(owners.c.id))
        plan.children[child.field] = _plan(
            child.shape, within, branches, parent_fk, prop.order_by or ()
        )
    return plan


@cache
def _plans() -> _Plans:
    """Statements built once; each request only binds the controller's id."""
    branches: list[Select[Any]] = []
    sections = [("lawful_bases", _plan(e.LAWFUL_BASES.shape, true(), branches))]
    for entity_type in e.SCOPED_TYPES:
        model: Any = entity_type.model
        where = model.controller_id == _CONTROLLER
        sections.append((section_key(entity_type), _plan(entity_type.shape, where, branches)))
    return _Plans(tuple(sections), union_all(*branches) if branches else None)


@cache
def _list_plans(name: str) -> _Plans:
    """Statements reading the entities of one list page, by id."""
    entity_type = e.BY_NAME[name]
    branches: list[Select[Any]] = []
    plan = _plan(entity_type.shape, entity_type.model.id.in_(_IDS), branches)
    return _Plans(((name, plan),), union_all(*branches) if branches else None)


def _target_tables(plans: _Plans) -> list[str]:
    tables: dict[str, None] = {}

    def collect(plan: _Plan) -> None:
        tables.update(dict.fromkeys(plan.refs.values()))
        tables.update(dict.fromkeys(table for _b, table in plan.lists.values()))
        for child in plan.children.values():
            collect(child)

    for _key, plan in plans.sections:
        collect(plan)
    return list(tables)
