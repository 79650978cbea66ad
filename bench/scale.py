"""Scale benchmark: N synthetic controllers on PostgreSQL, build and query times.

Each synthetic controller is a copy of the seed register (services, data
categories with groups, Acts and sections, recipients, retention rules, ...)
under a realistic name, with about 200 sharing arrangements: the seed's
arrangements plus variants with other recipients, data categories and ages.
Recipient slugs are shared across controllers, as in real notices
(``department-for-education`` everywhere). Rows go in with COPY (psycopg 3),
into a database the script creates and migrates (and drops unless --keep).

    .venv/bin/python bench/scale.py --controllers 1 1000 [--runs 200] [--postgres URL] [--keep]
    .venv/bin/python bench/scale.py --existing DB_N1 DB_N20000   # re-measure kept ones

Prints load time and, per query, p50/p99 over repeated runs through the
product's own service functions (what the routed path runs): wall time, and
CPU time of this process plus its PostgreSQL backend, which a neighbour's
load on a shared machine does not inflate. The databases are measured
round-robin, so both N see the same machine.
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's ``http``: keep this
# folder off the import path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import gc
import os
import random
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg
from sqlalchemy import JSON, Table, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.db import Base, make_engine, make_sessionmaker, session_scope
from app.history.past import load_snapshot
from app.interchange.seed import load_seed
from app.migrate import upgrade
from app.models import load_all_models
from app.register import models as m
from app.register import reach
from app.register.cursors import Cursor
from app.register.scope import resolve_controllers
from app.sharing import sql as sharing_sql
from app.sharing.declarations import SharingFilters
from bench.common import DEFAULT_PG, create_pg_database, drop_pg_database

PLACES = [
    "Ashford",
    "Barnet",
    "Bedford",
    "Blackburn",
    "Bolton",
    "Bradford",
    "Brent",
    "Bristol",
    "Bury",
    "Calderdale",
    "Camden",
    "Cheshire",
    "Cornwall",
    "Coventry",
    "Croydon",
    "Cumbria",
    "Derby",
    "Devon",
    "Doncaster",
    "Dorset",
    "Dudley",
    "Durham",
    "Ealing",
    "Enfield",
    "Essex",
    "Gateshead",
    "Gloucester",
    "Hackney",
    "Halton",
    "Harrow",
    "Hertford",
    "Hull",
    "Kent",
    "Kirklees",
    "Knowsley",
    "Lambeth",
    "Leeds",
    "Leicester",
    "Lewisham",
    "Lincoln",
    "Luton",
    "Medway",
    "Merton",
    "Norfolk",
    "Oldham",
    "Oxford",
    "Peterborough",
    "Plymouth",
    "Poole",
    "Reading",
    "Rochdale",
    "Rotherham",
    "Salford",
    "Sandwell",
    "Sefton",
    "Sheffield",
    "Slough",
    "Solihull",
    "Somerset",
    "Stockport",
    "Suffolk",
    "Sunderland",
    "Surrey",
    "Swindon",
    "Tameside",
    "Telford",
    "Thurrock",
    "Torbay",
    "Trafford",
    "Wakefield",
    "Walsall",
    "Warrington",
    "Wigan",
    "Wiltshire",
    "Wirral",
    "Wokingham",
    "Worcester",
    "York",
]
SAINTS = ("St Mary's", "St John's", "Holy Trinity", "All Saints", "St Peter's", "Christ Church")
KINDS = (
    "County Council",
    "Borough Council",
    "City Council",
    "Primary School",
    "Academy",
    "Church of England Primary School",
    "Catholic High School",
    "Community College",
    "Learning Trust",
)
COUNCIL_KINDS = {"County Council", "Borough Council", "City Council"}
ARRANGEMENTS_PER_CONTROLLER = 200


def controller_name(rng: random.Random) -> str:
    place, kind = rng.choice(PLACES), rng.choice(KINDS)
    if kind in COUNCIL_KINDS or kind.endswith(("Trust", "College")):
        return f"{place} {kind}"
    return f"{rng.choice(SAINTS)} {kind}, {place}"


def slugify(text_: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text_.replace("'", ""))
    return "-".join(part for part in out.split("-") if part)


class Template:
    """The seed controller's rows, to be copied under new ids."""

    def __init__(self, connection: Any, controller_id: int) -> None:
        load_all_models()
        self.tables: dict[str, Table] = {}
        self.rows: dict[str, list[dict[str, Any]]] = {}
        self.links: dict[str, list[dict[str, Any]]] = {}
        scoped = [t for t in Base.metadata.sorted_tables if "controller_id" in t.c]
        for table in scoped:
            if table.name in ("api_keys", "published_versions", "idempotency_keys", DERIVED):
                continue
            if "slug" not in table.c:
                continue
            self.tables[table.name] = table
            rows = connection.execute(
                select(table).where(table.c.controller_id == controller_id).order_by(table.c.id)
            ).mappings()
            self.rows[table.name] = [dict(r) for r in rows]
        controller = Base.metadata.tables["controllers"]
        self.controller = dict(
            connection.execute(select(controller).where(controller.c.id == controller_id))
            .mappings()
            .one()
        )
        self.conditions = [
            dict(r)
            for r in connection.execute(
                select(m.SharingCondition.__table__).order_by(m.SharingCondition.id)
            ).mappings()
        ]
        for table in Base.metadata.sorted_tables:
            columns = [c.name for c in table.c]
            if len(columns) == 2 and all(c.endswith("_id") for c in columns):
                self.links[table.name] = [
                    dict(r) for r in connection.execute(select(table)).mappings()
                ]


def _fk_targets(table: Table) -> dict[str, str]:
    return {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}


def _depth_sorted(rows: list[dict[str, Any]], self_fk: str | None) -> list[dict[str, Any]]:
    """Parents before children, so self-references resolve within one COPY."""
    if self_fk is None:
        return rows
    by_id = {r["id"]: r for r in rows}

    def depth(row: dict[str, Any]) -> int:
        d, node = 0, row
        while node.get(self_fk) is not None and d < 10:
            node, d = by_id[node[self_fk]], d + 1
        return d

    return sorted(rows, key=depth)


class Generator:
    def __init__(self, template: Template, start_ids: dict[str, int], seed: int = 7) -> None:
        self.t = template
        self.next_id = dict(start_ids)
        self.rng = random.Random(seed)
        self.conditions_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for condition in template.conditions:
            self.conditions_of[condition["sharing_id"]].append(condition)

    def _id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]

    def controller(self, index: int) -> dict[str, list[dict[str, Any]]]:
        """Rows of one synthetic controller, per table, as COPY tuples (dicts)."""
        rng = self.rng
        out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        name = controller_name(rng)
        slug = f"{slugify(name)}-{index}"
        cid = self._id("controllers")
        out["controllers"].append({**self.t.controller, "id": cid, "slug": slug, "name": name})
        id_map: dict[str, dict[int, int]] = defaultdict(dict)
        for table_name, rows in self.t.rows.items():
            for row in rows:
                id_map[table_name][row["id"]] = self._id(table_name)
        for table_name, rows in self.t.rows.items():
            if table_name == "sharing_arrangements":
                continue
            targets = _fk_targets(self.t.tables[table_name])
            self_fk = next((c for c, t in targets.items() if t == table_name), None)
            for row in _depth_sorted(rows, self_fk):
                out[table_name].append(self._remap(row, table_name, id_map, cid))
        self._arrangements(out, id_map, cid)
        for link, rows in self.t.links.items():
            if link.startswith(("sharing_", "condition_")):
                continue
            for row in rows:
                mapped = self._remap(row, link, id_map, cid)
                if all(v is not None for v in mapped.values()):
                    out[link].append(mapped)
        return out

    def _remap(
        self,
        row: dict[str, Any],
        table_name: str,
        id_map: dict[str, dict[int, int]],
        cid: int,
    ) -> dict[str, Any]:
        new = dict(row)
        for column, target in _fk_targets(Base.metadata.tables[table_name]).items():
            if column == "controller_id":
                new[column] = cid
            elif target in id_map and row.get(column) is not None:
                new[column] = id_map[target].get(row[column])
        if "id" in row and table_name in id_map:
            new["id"] = id_map[table_name][row["id"]]
        return new

    def _arrangements(
        self, out: dict[str, list[dict[str, Any]]], id_map: dict[str, dict[int, int]], cid: int
    ) -> None:
        rng = self.rng
        base = self.t.rows["sharing_arrangements"]
        recipients = list(id_map["recipients"].values())
        dfe = [
            id_map["recipients"][r["id"]]
            for r in self.t.rows["recipients"]
            if r["slug"] == "department-for-education"
        ]
        categories = list(id_map["data_categories"].values())
        copies = max(1, round(ARRANGEMENTS_PER_CONTROLLER / len(base)))
        links = self.t.links
        by_sharing: dict[str, dict[int, list[int]]] = {}
        for link in links:
            if link.startswith("sharing_") and link != "sharing_data_categories":
                other = next(c.name for c in Base.metadata.tables[link].c if c.name != "sharing_id")
                grouped: dict[int, list[int]] = defaultdict(list)
                for row in links[link]:
                    grouped[row["sharing_id"]].append(row[other])
                by_sharing[link] = grouped
        for copy in range(copies):
            for row in base:
                if len(out["sharing_arrangements"]) >= ARRANGEMENTS_PER_CONTROLLER:
                    return
                new_id = self._id("sharing_arrangements")
                recipient = id_map["recipients"][row["recipient_id"]]
                if copy:
                    recipient = rng.choice(dfe * 3 + recipients)
                new = {
                    **row,
                    "id": new_id,
                    "controller_id": cid,
                    "recipient_id": recipient,
                    "slug": row["slug"] if copy == 0 else f"{row['slug']}-{copy}",
                    "position": copy * 1000 + row["position"],
                }
                if copy:
                    new["applies_from_age"] = rng.choice([None, None, 4, 11, 13, 16])
                else:
                    for condition in self.conditions_of.get(row["id"], []):
                        out["sharing_conditions"].append(
                            {
                                **condition,
                                "id": self._id("sharing_conditions"),
                                "sharing_id": new_id,
                            }
                        )
                out["sharing_arrangements"].append(new)
                chosen = rng.sample(categories, rng.randint(0, 4))
                for dc in chosen:
                    out["sharing_data_categories"].append(
                        {"sharing_id": new_id, "data_category_id": dc}
                    )
                for link, grouped in by_sharing.items():
                    other = next(
                        c.name for c in Base.metadata.tables[link].c if c.name != "sharing_id"
                    )
                    target = _fk_targets(Base.metadata.tables[link])[other]
                    for old in grouped.get(row["id"], []):
                        value = id_map[target].get(old, old)  # lawful bases are global
                        out[link].append({"sharing_id": new_id, other: value})


def copy_rows(cursor: Any, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    columns = [c for c in table.c if c.name not in ("created_at", "updated_at")]
    names = ", ".join(f'"{c.name}"' for c in columns)
    json_columns = {c.name for c in columns if isinstance(c.type, JSON)}
    count = 0
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [
                    orjson.dumps(row.get(c.name)).decode()
                    if c.name in json_columns
                    else row.get(c.name)
                    for c in columns
                ]
            )
            count += 1
    return count


LOAD_ORDER_FIRST = ("controllers",)
DERIVED = m.SharingCategoryReach.__tablename__


def derived_reach(batch: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """``sharing_category_reach`` of a batch, by the app's own function (what
    its write path would store)."""
    arrangements = batch["sharing_arrangements"]
    rows = reach.reach_rows(
        ((r["id"], r["controller_id"], r["position"], r["slug"]) for r in arrangements),
        ((r["id"], r["group_id"], r["slug"]) for r in batch["data_categories"]),
        ((r["sharing_id"], r["data_category_id"]) for r in batch["sharing_data_categories"]),
    )
    return [dict(zip(reach.COLUMNS, row, strict=True)) for row in rows]


def load(url: str, controllers: int, *, chunk: int = 250, quiet: bool = False) -> tuple[float, int]:
    """Create the synthetic controllers; returns (seconds, arrangements)."""
    engine = make_engine(url, pool_size=1, max_overflow=0)
    with session_scope(make_sessionmaker(engine)) as session:
        load_seed(session, ROOT / "seed_data")
    with engine.connect() as connection:
        template_id = connection.execute(select(m.Controller.id)).scalar_one()
        template = Template(connection, template_id)
        start_ids = {
            name: connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {name}")).scalar_one()
            for name in [*template.tables, "controllers", "sharing_conditions"]
        }
    engine.dispose()
    generator = Generator(template, start_ids)
    order = list(Base.metadata.sorted_tables)
    started = time.monotonic()
    arrangements = 0
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        for first in range(0, controllers, chunk):
            batch: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for index in range(first, min(first + chunk, controllers)):
                for table_name, rows in generator.controller(index + 1).items():
                    batch[table_name].extend(rows)
            batch[DERIVED] = derived_reach(batch)
            with conn.cursor() as cursor:
                for table in order:
                    if batch.get(table.name):
                        copy_rows(cursor, table, batch[table.name])
            conn.commit()
            arrangements += len(batch["sharing_arrangements"])
            done = min(first + chunk, controllers)
            elapsed = time.monotonic() - started
            if quiet:
                continue
            print(
                f"  loaded {done:>6}/{controllers} controllers, {arrangements:>9,} arrangements,"
                f" {elapsed:6.1f} s",
                file=sys.stderr,
                flush=True,
            )
        with conn.cursor() as cursor:
            for name in [*template.tables, "controllers", "sharing_conditions"]:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
        conn.commit()
        conn.autocommit = True
        # What autovacuum does after a bulk load: statistics for the planner,
        # and the visibility map, without which index-only scans (the
        # reference lists, the list walk) read every heap page anyway.
        conn.execute("VACUUM (ANALYZE)")
    return time.monotonic() - started, arrangements


@dataclass
class Samples:
    """Per-query samples: wall time and CPU time (this process + its backend)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @staticmethod
    def _p50_p99(values: list[float]) -> tuple[float, float]:
        ordered = sorted(values)
        return statistics.median(ordered), ordered[round(0.99 * (len(ordered) - 1))]

    def wall_p50_p99(self) -> tuple[float, float]:
        return self._p50_p99(self.wall)

    def cpu_p50_p99(self) -> tuple[float, float]:
        return self._p50_p99(self.cpu)


def _on_cpu_ns(pid: int | str) -> int:
    """Nanoseconds a process has run on a CPU (Linux schedstat, ns resolution).

    Unlike wall time this leaves out time spent waiting for a core, so a
    neighbour's load or the hypervisor taking the CPU away does not show.
    """
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


Query = Callable[[Session, str, int], object]


def queries() -> dict[str, Query]:
    """The measured reads, each through the product's own service functions."""

    def register(session: Session, controller: str, _run: int) -> object:
        return orjson.dumps(load_snapshot(session, controller).document())

    def one_controller(session: Session, controller: str, _run: int) -> object:
        scope = resolve_controllers(session, [controller])
        filters = SharingFilters(data_category=["ethnicity"], age=14)
        return orjson.dumps(
            sharing_sql.list_sharing(session, filters, scope, limit=50, offset=0).as_dict()
        )

    def dfe_ethnicity() -> SharingFilters:
        return SharingFilters(recipient=["department-for-education"], data_category=["ethnicity"])

    def across(offset: int, limit: int = 50) -> Query:
        def run_query(session: Session, _controller: str, _run: int) -> object:
            scope = resolve_controllers(session, [])
            page = sharing_sql.list_sharing(
                session, dfe_ethnicity(), scope, limit=limit, offset=offset
            )
            return orjson.dumps(page.as_dict())

        return run_query

    cursors: dict[str, Cursor] = {}

    def after_500th(session: Session, _controller: str, _run: int) -> object:
        key = str(session.get_bind().url)
        if key not in cursors:  # found once per database, before the timed runs
            cursors[key] = _cursor_after(session, dfe_ethnicity(), 500)
        scope = resolve_controllers(session, [])
        page = sharing_sql.list_sharing(
            session, dfe_ethnicity(), scope, limit=50, offset=0, cursor=cursors[key]
        )
        return orjson.dumps(page.as_dict())

    return {
        "register document, one controller (cold build)": register,
        "/sharing?data_category=ethnicity&age=14, one controller": one_controller,
        "/sharing?recipient=dfe&data_category=ethnicity, all, page 1": across(0),
        # N=1 has 4 matches: the same page size isolates what scale costs
        # from what 12x more items on the page cost.
        "... the same, page of 4 (all N=1 has)": across(0, limit=4),
        "... the same, offset 500": across(500),
        "... the same, cursor after the 500th": after_500th,
    }


def _cursor_after(session: Session, filters: SharingFilters, n: int) -> Cursor:
    """The cursor after the n-th match (or after the last, if fewer)."""
    scope = resolve_controllers(session, [])
    page = sharing_sql.list_sharing(session, filters, scope, limit=n, offset=0)
    if page.next_cursor is not None:
        return page.next_cursor
    last = page.items[-1]
    owner = session.scalar(select(m.Controller.id).where(m.Controller.slug == last["controller"]))
    return Cursor(owner, last["position"], last["slug"])


class Database:
    """A loaded benchmark database: its session factory and controller slugs."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url, pool_size=1, max_overflow=0)
        self.factory = make_sessionmaker(self.engine)
        with self.factory() as session:
            self.slugs = list(session.scalars(select(m.Controller.slug).order_by(m.Controller.id)))
            self.backend_pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()

    def run(self, query: Query, controller: str, run: int, samples: Samples) -> None:
        with self.factory() as session:
            backend = self.backend_pid  # pool of one: always the same backend
            wall, cpu, cpu_backend = time.perf_counter(), time.process_time(), _on_cpu_ns(backend)
            query(session, controller, run)
            samples.cpu.append(
                (time.process_time() - cpu) * 1000 + (_on_cpu_ns(backend) - cpu_backend) / 1e6
            )
            samples.wall.append((time.perf_counter() - wall) * 1000)


def measure(
    databases: dict[int, Database], runs: int, freeze_gc: bool = True
) -> dict[int, dict[str, Samples]]:
    """Run every query ``runs`` times against every database, interleaved.

    Round-robin over the databases and queries, so that whatever else the
    machine does in the meantime falls on every N alike and the p99 ratios
    compare the register, not the moment.
    """
    measured = queries()
    rng = random.Random(11)
    picks = {n: [rng.choice(db.slugs) for _ in range(runs)] for n, db in databases.items()}
    for n, db in databases.items():  # warm the process (imports, statement caches)
        for query in measured.values():
            db.run(query, picks[n][0], 0, Samples())
    if freeze_gc:
        # What the server does once started (app.main): the objects alive by
        # then are never garbage, and full collections walking them would
        # pause a request now and then.
        gc.collect()
        gc.freeze()
    results = {n: {label: Samples() for label in measured} for n in databases}
    for run in range(runs):
        for n, db in databases.items():
            for label, query in measured.items():
                db.run(query, picks[n][run], run, results[n][label])
    return results


def report(results: dict[int, dict[str, Samples]]) -> None:
    print("\nquery times in ms: wall p50 / p99, CPU (this process + PostgreSQL backend) p50 / p99")
    for n, by_label in results.items():
        print(f"N={n:,}")
        for label, samples in by_label.items():
            (w50, w99), (c50, c99) = samples.wall_p50_p99(), samples.cpu_p50_p99()
            print(f"  {label:<62} wall {w50:6.1f} / {w99:6.1f}   CPU {c50:6.1f} / {c99:6.1f}")
    sizes = list(results)
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        print(f"\nat N={last:,} relative to N={first:,} (p50 | p99; wall, then CPU):")
        for label in results[first]:
            a, b = results[first][label], results[last][label]
            wall = [y / x for x, y in zip(a.wall_p50_p99(), b.wall_p50_p99(), strict=True)]
            cpu = [y / x for x, y in zip(a.cpu_p50_p99(), b.cpu_p50_p99(), strict=True)]
            print(
                f"  {label:<62} wall {wall[0]:5.2f}x | {wall[1]:5.2f}x   "
                f"CPU {cpu[0]:5.2f}x | {cpu[1]:5.2f}x"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--controllers", type=int, nargs="+", default=[1, 1000])
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument(
        "--existing",
        nargs="+",
        default=[],
        metavar="DATABASE",
        help="measure databases kept by an earlier --keep run instead of loading",
    )
    parser.add_argument(
        "--no-freeze-gc", action="store_true", help="leave the collector as Python starts it"
    )
    args = parser.parse_args()
    created: list[str] = []
    databases: dict[int, Database] = {}
    try:
        for name in args.existing:
            url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
            database = Database(url)
            databases[len(database.slugs) - 1] = database  # minus the seed's controller
        for n in args.controllers if not args.existing else []:
            name, url = create_pg_database(args.postgres, f"bench_scale_{n}")
            created.append(name)
            print(f"N={n}: database {name}", file=sys.stderr)
            upgrade(url)
            seconds, arrangements = load(url, n)
            print(f"\nN={n:,} controllers (+ the seed), {arrangements:,} synthetic arrangements")
            rate = arrangements / max(seconds, 1e-9)
            print(f"  build: {seconds:.1f} s ({rate:,.0f} arrangements/s)", flush=True)
            databases[n] = Database(url)
        results = measure(dict(sorted(databases.items())), args.runs, not args.no_freeze_gc)
        report(results)
    finally:
        for database in databases.values():
            database.engine.dispose()
        for name in created if not args.keep else []:
            drop_pg_database(args.postgres, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
