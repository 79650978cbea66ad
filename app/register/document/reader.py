"""The reader executing plans: rows, reference lists and the slugs they
resolve to, assembled into states."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from app.db import Base
from app.register.document.plans import _OWNER, _Plan, _Plans, _target_tables

_COLUMN, _REF, _LIST, _CHILDREN = 0, 1, 2, 3
"""How a state's field is read from its row: the column itself, the slug of
the row it references, the slugs of a reference list, the child states."""


class _Reader:
    """Rows and slugs of one controller's register, or of a list page."""

    def __init__(
        self,
        session: Session,
        plans: _Plans,
        params: dict[str, Any],
        targets: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        # Statements go to the session's connection as Core: the ORM's
        # execution layer (entities, identity map) serves nothing here and
        # cost ~8% of a cold register build. Pending ORM changes are flushed
        # first, as the session's own execute would (autoflush).
        if session.autoflush:
            session.flush()
        self.connection = session.connection()
        self.params = params
        self.slugs: dict[str, dict[int, str]] = defaultdict(dict)
        self.rows: dict[int, list[Row[Any]]] = {}
        self.targets: dict[str, dict[int, Row[Any]]] = {}
        for _key, plan in plans.sections:
            self._read(plan)
        self.lists: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
        if plans.lists is not None:
            for branch, owner_id, target_id in self.connection.execute(plans.lists, self.params):
                self.lists[branch][owner_id].append(target_id)
        if targets is None:
            self._resolve_missing(plans)
        else:
            self._read_targets(plans, targets)

    def _read(self, plan: _Plan) -> None:
        rows = list(self.connection.execute(plan.query, self.params).all())
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
                self.slugs[table_name].update(self.connection.execute(query).all())

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
            rows = self.connection.execute(query.order_by(table.c.slug, table.c.id)).all()
            self.targets[table_name] = {row.id: row for row in rows}
            self.slugs[table_name].update((row.id, row.slug) for row in rows)

    def states(self, plan: _Plan) -> list[dict[str, Any]]:
        rows = self.rows[id(plan)]
        if not rows:
            return []
        children: dict[str, dict[int, list[dict[str, Any]]]] = {}
        for name, child in plan.children.items():
            grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for row, child_state in zip(self.rows[id(child)], self.states(child), strict=True):
                grouped[getattr(row, _OWNER)].append(child_state)
            children[name] = grouped
        # Each field's reading, decided once for all rows; columns by position
        # (a row's attribute lookup by name costs several times more).
        position = {name: index for index, name in enumerate(rows[0]._fields)}
        id_at = position["id"]
        readings: list[tuple[str, int, int, Any]] = []
        for name in plan.shape.fields:
            if name in plan.refs:
                readings.append((name, _REF, position[name], self.slugs[plan.refs[name]]))
            elif name in plan.lists:
                branch, table = plan.lists[name]
                readings.append((name, _LIST, id_at, (self.lists[branch], self.slugs[table])))
            elif name in children:
                readings.append((name, _CHILDREN, id_at, children[name]))
            else:
                readings.append((name, _COLUMN, position[name], None))
        states = []
        for row in rows:
            state: dict[str, Any] = {}
            for name, reading, index, source in readings:
                value = row[index]
                if reading == _COLUMN:
                    state[name] = value
                elif reading == _REF:
                    state[name] = None if value is None else source[value]
                elif reading == _LIST:
                    ids, slugs = source
                    state[name] = sorted(slugs[i] for i in ids.get(value, ()))
                else:
                    state[name] = source.get(value, [])
            states.append(state)
        return states
