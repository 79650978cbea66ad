"""Reads that stay cheap as the register grows, and under many clients."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

from app.audit.chain import SYSTEM
from app.db import make_engine, make_sessionmaker
from app.main import create_app
from app.migrate import upgrade
from app.register import entities as e
from app.register import models as m
from app.register import service, writes
from app.register.snapshots import load_snapshot
from tests.conftest import make_settings
from tests.databases import DatabaseFactory
from tests.helpers import count_statements

API = "/api/v1"
FILTERED = f"{API}/sharing?data_category=name&age=14"
CANDIDATES = (
    "sharing_arrangements",
    "sharing_data_categories",
    "sharing_data_subjects",
    "sharing_purposes",
    "sharing_legislation",
    "sharing_lawful_bases",
    "sharing_services",
    "sharing_conditions",
    "data_categories",
    "recipients",
    "legislation",
)
"""Tables that grow with the register; those past 10,000 rows must not be scanned."""


def add_arrangements(session: Session, count: int) -> None:
    controller = session.scalars(select(m.Controller)).one()
    for index in range(count):
        writes.create(
            session,
            e.SHARING,
            controller,
            {
                "slug": f"extra-{index}",
                "name": f"Extra arrangement {index}",
                "recipient": "nexus",
                "data_categories": ["name", "address"],
                "applies_from_age": 11,
                "sources": [{"kind": "notice", "quote": "x"}],
            },
            actor=SYSTEM,
        )
    session.commit()


def test_filtered_sharing_runs_the_same_statements_at_any_size(seeded_db: str) -> None:
    app = create_app(make_settings(seeded_db, response_cache_enabled=False))
    counts = []
    with TestClient(app) as client:
        for extra in (0, 40):
            if extra:
                with app.state.sessionmaker() as session:
                    add_arrangements(session, extra)
            with count_statements(app.state.engine) as statements:
                response = client.get(FILTERED, params={"limit": 500})
            assert response.status_code == 200
            counts.append((len(statements), response.json()["total"]))
    (small, small_total), (large, large_total) = counts
    assert large_total == small_total + 40
    assert small == large, counts


def test_many_clients_never_stall_the_routed_path(seeded_db: str) -> None:
    # Few connections and threads, many more clients than either, nothing
    # cached: without the admission gate, threads wait for connections held
    # by requests waiting for threads until the pool times out (503).
    settings = make_settings(
        seeded_db,
        response_cache_enabled=False,
        db_pool_size=2,
        db_max_overflow=0,
        db_pool_timeout=2.0,
        thread_pool_size=2,
    )
    app = create_app(settings)
    with TestClient(app) as client:

        def get(index: int) -> int:
            path = f"{API}/sharing" if index % 2 else f"{API}/recipients"
            return client.get(path, params={"limit": 1 + index % 50}).status_code

        with ThreadPoolExecutor(max_workers=96) as pool:
            statuses = list(pool.map(get, range(192)))
    assert statuses == [200] * len(statuses)


# --- PostgreSQL plans on a synthetic national register -------------------------


@pytest.fixture(scope="module")
def national(backend: str, databases: DatabaseFactory) -> str:
    if backend != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL")
    from bench.scale import load

    url = databases.create()
    upgrade(url)
    load(url, 150, quiet=True)  # 30,000 arrangements
    return url


def plans(engine: Engine, action: Callable[[Session], Any]) -> list[tuple[str, str]]:
    """Run ``action``; EXPLAIN every statement it ran, with its parameters."""
    captured: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        with make_sessionmaker(engine)() as session:
            action(session)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    result = []
    with engine.connect() as connection:
        # Costs for SSD storage, as a deployment configures them (the default
        # 4.0 models spinning disks and prefers scans of mid-sized tables).
        connection.exec_driver_sql("SET random_page_cost = 1.1")
        for statement, parameters in captured:
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
            result.append((statement, "\n".join(r[0] for r in rows)))
    return result


def one_controller(session: Session) -> None:
    slug = session.scalars(select(m.Controller.slug).order_by(m.Controller.id.desc())).first()
    scope = service.resolve_controllers(session, [slug or ""])
    filters = service.SharingFilters(data_category=["ethnicity"], age=14)
    service.list_sharing(session, filters, scope, limit=50, offset=0)


def across_controllers(session: Session) -> None:
    scope = service.resolve_controllers(session, [])
    filters = service.SharingFilters(
        recipient=["department-for-education"], data_category=["ethnicity"]
    )
    service.list_sharing(session, filters, scope, limit=50, offset=100)


def register_document(session: Session) -> None:
    slug = session.scalars(select(m.Controller.slug).order_by(m.Controller.id.desc())).first()
    orjson.dumps(load_snapshot(session, slug).document())


@pytest.mark.parametrize(
    "action", [one_controller, across_controllers, register_document], ids=lambda f: f.__name__
)
def test_main_queries_use_indexes_on_the_big_tables(
    national: str, action: Callable[[Session], Any]
) -> None:
    engine = make_engine(national, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as connection:
            sizes = dict(
                connection.execute(
                    text("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(:names)"),
                    {"names": list(CANDIDATES)},
                ).all()
            )
        explained = plans(engine, action)
    finally:
        engine.dispose()
    big = {table for table, rows in sizes.items() if rows >= 10_000}
    assert {"sharing_arrangements", "sharing_data_categories"} <= big, sizes
    assert len(explained) >= 3
    for statement, plan in explained:
        for table in big:
            assert f"Seq Scan on {table}" not in plan, f"{statement}\n{plan}"
