"""The register of one controller as one JSON document.

The document's *content* is the controller's state, the lawful bases and
every entity's state, in a fixed order; its digest is the SHA-256 of that
content in canonical JSON. Generation time and version stamps sit outside
the content, so the same register always has the same digest.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

import orjson
from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Integer,
    Row,
    Select,
    bindparam,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from app.db import Base
from app.register import entities as e
from app.register import models as m
from app.register.entities import EntityType, Shape, to_state

SCHEMA_VERSION = "1.0"
CONTENT_KEYS: tuple[str, ...] = (
    "controller",
    "lawful_bases",
    *(t.name.replace("-", "_") for t in e.SCOPED_TYPES),
)


def section_key(entity_type: EntityType) -> str:
    return entity_type.name.replace("-", "_")


def sort_states(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(states, key=lambda s: (s["position"], s["slug"]))


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


class _Reader:
    """Rows and slugs of one controller's register, or of a list page."""

    def __init__(
        self,
        session: Session,
        plans: _Plans,
        params: dict[str, Any],
        targets: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.session = session
        self.params = params
        self.slugs: dict[str, dict[int, str]] = defaultdict(dict)
        self.rows: dict[int, list[Row[Any]]] = {}
        self.targets: dict[str, dict[int, Row[Any]]] = {}
        for _key, plan in plans.sections:
            self._read(plan)
        self.lists: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        if plans.lists is not None:
            for branch, owner_id, target_id in session.execute(plans.lists, self.params):
                self.lists[branch][owner_id].append(target_id)
        if targets is None:
            self._resolve_missing(plans)
        else:
            self._read_targets(plans, targets)

    def _read(self, plan: _Plan) -> None:
        rows = list(self.session.execute(plan.query, self.params).all())
        self.rows[id(plan)] = rows
        if "slug" in plan.shape.schema.model_fields:
            self.slugs[plan.table].update((r.id, r.slug) for r in rows)
        for child in plan.children.values():
            self._read(child)

    def _referenced(self, plans: _Plans) -> dict[str, set[int]]:
        """Ids each table is referenced by, from the rows read."""
        referenced: dict[str, set[int]] = defaultdict(set)

        def collect(plan: _Plan) -> None:
            rows = self.rows[id(plan)]
            for name, table in plan.refs.items():
                referenced[table].update(i for r in rows if (i := getattr(r, name)) is not None)
            for branch, table in plan.lists.values():
                for ids in self.lists[branch].values():
                    referenced[table].update(ids)
            for child in plan.children.values():
                collect(child)

        for _key, plan in plans.sections:
            collect(plan)
        return referenced

    def _resolve_missing(self, plans: _Plans) -> None:
        """Slugs of referenced rows outside this register: writes keep
        references within a controller, but read them rather than assume."""
        for table_name, ids in self._referenced(plans).items():
            missing = ids.difference(self.slugs[table_name])
            if missing:
                table = Base.metadata.tables[table_name]
                query = select(table.c.id, table.c.slug).where(table.c.id.in_(sorted(missing)))
                self.slugs[table_name].update(self.session.execute(query).all())

    def _read_targets(self, plans: _Plans, extra: Mapping[str, Sequence[str]]) -> None:
        """Every referenced table's rows, one statement per table the type
        can reference (even when this page references none: a constant
        number of statements), in slug order."""
        referenced = self._referenced(plans)
        for table_name in _target_tables(plans):
            table = Base.metadata.tables[table_name]
            columns = [table.c.id, table.c.slug, table.c.name]
            columns += [table.c[name] for name in extra.get(table_name, ())]
            query = select(*columns).where(table.c.id.in_(sorted(referenced[table_name])))
            rows = self.session.execute(query.order_by(table.c.slug, table.c.id)).all()
            self.targets[table_name] = {row.id: row for row in rows}
            self.slugs[table_name].update((row.id, row.slug) for row in rows)

    def states(self, plan: _Plan) -> list[dict[str, Any]]:
        rows = self.rows[id(plan)]
        children: dict[str, dict[int, list[dict[str, Any]]]] = {}
        for name, child in plan.children.items():
            grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for row, child_state in zip(self.rows[id(child)], self.states(child), strict=True):
                grouped[getattr(row, _OWNER)].append(child_state)
            children[name] = grouped
        fields = plan.shape.fields
        refs = {name: self.slugs[table] for name, table in plan.refs.items()}
        lists = {
            name: (self.lists[branch], self.slugs[table])
            for name, (branch, table) in plan.lists.items()
        }
        states = []
        for row in rows:
            state: dict[str, Any] = {}
            for name in fields:
                if name in refs:
                    target = getattr(row, name)
                    state[name] = None if target is None else refs[name][target]
                elif name in lists:
                    ids, slugs = lists[name]
                    state[name] = sorted(slugs[i] for i in ids.get(row.id, ()))
                elif name in children:
                    state[name] = children[name].get(row.id, [])
                else:
                    state[name] = getattr(row, name)
            states.append(state)
        return states


def content_digest(content: dict[str, Any]) -> str:
    canonical = orjson.dumps(
        {"schema_version": SCHEMA_VERSION, **{k: content[k] for k in CONTENT_KEYS}},
        option=orjson.OPT_SORT_KEYS,
    )
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


def document(
    content: dict[str, Any], *, digest: str | None = None, **stamps: Any
) -> dict[str, Any]:
    """Wrap content with its digest (computed unless given), schema version,
    generation time and stamps."""
    head: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).isoformat(),
        "digest": digest or content_digest(content),
    }
    head.update(stamps)
    return {**head, **content}
