"""Reads that stay cheap as the register grows, and under many clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select, text
from sqlalchemy.orm import Session

from app.api.services import services_of
from app.db import make_engine, make_sessionmaker, session_scope
from app.history.past import load_snapshot
from app.interchange.loading import sync_register
from app.interchange.seed import read_seed_dir
from app.main import create_app
from app.migrate import upgrade
from app.register import document, items, reach, service, writes
from app.register import entities as e
from app.register import models as m
from app.register.document import register_content, section_key, sort_states
from app.register.entities import load_options, to_state
from app.register.schemas import RecipientRole
from app.register.scope import ControllerScope, resolve_controllers
from app.sharing import sql as sharing_sql
from app.sharing import sqlparts
from app.sharing.declarations import SharingFilters
from app.trail.chain import SYSTEM
from tests.conftest import SEED_DIR, make_settings
from tests.databases import DatabaseFactory
from tests.helpers import count_statements
from tests.test_sharing_index import COMBINED, SINGLE_FILTERS

API = "/api/v1"
FILTERED = f"{API}/sharing?data_category=name&age=14"
COUNCIL = "cambridgeshire-county-council"
OTHER = "other-county-council"
CANDIDATES = (
    "sharing_arrangements",
    "sharing_data_categories",
    "sharing_data_subjects",
    "sharing_purposes",
    "sharing_legislation",
    "sharing_lawful_bases",
    "sharing_services",
    "sharing_conditions",
    "sharing_category_reach",
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
        # The controllers are read once for the process (again only when a
        # controller's own entry changes): an unknown one has them read.
        assert client.get(FILTERED, params={"controller": "unknown"}).status_code == 422
        for extra in (0, 40):
            if extra:
                with services_of(app).sessions() as session:
                    add_arrangements(session, extra)
                # Built whole again, not brought forward from the kept index
                # (tests/test_sharing_advancing.py): the build is what is counted.
                services_of(app).sharing.lru.clear()
            with count_statements(services_of(app).engine) as statements:
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


# --- rows instead of ORM objects: the same answers ----------------------------


def orm_register_content(session: Session, controller: m.Controller) -> dict[str, Any]:
    """The register content as it was built before: ORM objects, eager loads."""
    content: dict[str, Any] = {"controller": to_state(e.CONTROLLERS.shape, controller)}
    lawful = session.scalars(select(m.LawfulBasis)).all()
    content["lawful_bases"] = sort_states([to_state(e.LAWFUL_BASES.shape, o) for o in lawful])
    for entity_type in e.SCOPED_TYPES:
        model = entity_type.model
        rows = session.scalars(
            select(model)
            .where(model.controller_id == controller.id)
            .options(*load_options(entity_type.shape))
        ).all()
        content[section_key(entity_type)] = sort_states(
            [to_state(entity_type.shape, o) for o in rows]
        )
    return content


def orm_items(
    session: Session, entity_type: e.EntityType, scope: ControllerScope
) -> list[dict[str, Any]]:
    """Every item of a list as ``items.item`` builds it from ORM objects."""
    model = entity_type.model
    query = select(model).options(*e.load_options(entity_type.shape))
    if entity_type.scoped:
        query = query.where(*scope.where(model.controller_id))
    objs = session.scalars(items.ordered(entity_type, query)).all()
    return [items.item(session, entity_type, obj, scope) for obj in objs]


SERVED_ONLY = ("expanded", "not_stated")


def assert_same_register_and_lists(session: Session, slugs: list[str]) -> None:
    for slug in slugs:
        controller = session.scalars(select(m.Controller).where(m.Controller.slug == slug)).one()
        expected = orm_register_content(session, controller)
        assert orjson.dumps(register_content(session, controller)) == orjson.dumps(expected)
        scope = resolve_controllers(session, [slug])
        for entity_type in e.ALL_TYPES:
            if entity_type is e.CONTROLLERS:
                continue
            page = service.list_entities(session, entity_type, scope=scope, limit=100_000, offset=0)
            reference = orm_items(session, entity_type, scope)
            items = page.items
            if entity_type is e.SHARING:  # what it lists and leaves unstated: rows only
                items = [{k: v for k, v in i.items() if k not in SERVED_ONLY} for i in items]
            assert orjson.dumps(items) == orjson.dumps(reference), entity_type.name
            assert page.total == len(reference)


@pytest.fixture
def two_controllers(app: FastAPI) -> Iterator[Session]:
    """The seed register, and a second controller loaded from the same files."""
    (content,) = read_seed_dir(SEED_DIR)
    content.controller.entries = [
        {**content.controller.entries[0], "slug": OTHER, "name": "Other County Council"}
    ]
    with session_scope(services_of(app).sessions) as session:
        sync_register(session, content, actor=SYSTEM, number_entries=True)
    with services_of(app).sessions() as session:
        yield session


def test_register_and_lists_read_as_rows_equal_the_orm_states(two_controllers: Session) -> None:
    assert_same_register_and_lists(two_controllers, [COUNCIL, OTHER])


def test_the_register_builds_when_its_plans_are_built_twice_at_once(
    two_controllers: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads racing the first fill of the plan cache each build their own
    plans (``functools.cache`` computes outside its lock); a register build
    must not mix two sets (it did: a KeyError, a 500 under load)."""
    controller = two_controllers.scalars(select(m.Controller).limit(1)).one()
    expected = register_content(two_controllers, controller)
    reading = document.reading  # the module whose ``_plans`` builds the register
    monkeypatch.setattr(reading, "_plans", reading._plans.__wrapped__)  # a new set per call
    assert register_content(two_controllers, controller) == expected


def test_filters_checked_row_by_row_match_the_id_lists(
    two_controllers: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Across every controller, a filter naming entities present in most of
    # them is checked arrangement by arrangement (recursive walks for groups
    # and Acts); force that path and compare with the id lists.
    session = two_controllers
    for named in ([], [OTHER]):
        for filters in [*SINGLE_FILTERS, *COMBINED]:
            answers = []
            for limit in (None, 0):
                with monkeypatch.context() as patch:
                    if limit is not None:
                        patch.setattr(sqlparts, "id_list_limit", lambda _s, _c, n=limit: n)
                    scope = resolve_controllers(session, named)
                    wanted = SharingFilters(**filters)
                    page = sharing_sql.list_sharing(session, wanted, scope, limit=500, offset=0)
                answers.append(orjson.dumps(page.as_dict()))
            assert answers[0] == answers[1], (named, filters)


def test_totals_across_every_controller_stop_one_past_the_page(
    app: FastAPI, two_controllers: Session
) -> None:
    session = two_controllers

    def page(named: list[str], limit: int, offset: int) -> service.Page:
        scope = resolve_controllers(session, named)
        return sharing_sql.list_sharing(
            session, SharingFilters(), scope, limit=limit, offset=offset
        )

    ours = page([COUNCIL], 500, 0).total
    everything = page([], 500, 0)
    assert everything.total == 2 * ours == len(everything.items)
    first = page([], 10, 0)
    assert (len(first.items), first.total) == (10, 11)  # at least one more
    assert first.items == everything.items[:10]
    last = page([], 10, 2 * ours - 4)
    assert (last.items, last.total) == (everything.items[-4:], 2 * ours)  # exact at the end
    beyond = page([], 10, 2 * ours + 30)
    assert (beyond.items, beyond.total) == ([], 2 * ours)  # exact past the end
    assert page([COUNCIL], 10, 0).total == ours  # one controller: always exact
    with TestClient(app) as client:
        across = client.get(f"{API}/sharing", params={"limit": 10}).json()
        named = client.get(f"{API}/sharing", params={"limit": 10, "controller": OTHER}).json()
    assert (len(across["items"]), across["total"]) == (10, 11)
    assert (len(named["items"]), named["total"]) == (10, ours)


@pytest.mark.parametrize("filters", [{}, {"recipient": ["nexus"]}, {"age": 14}])
def test_cursor_pages_across_controllers_equal_the_whole_list(
    two_controllers: Session, filters: dict[str, Any]
) -> None:
    session = two_controllers
    wanted = SharingFilters(**filters)
    scope = resolve_controllers(session, [])
    everything = sharing_sql.list_sharing(session, wanted, scope, limit=500, offset=0)
    assert everything.next_cursor is None
    assert {item["controller"] for item in everything.items} == {COUNCIL, OTHER}
    walked: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = sharing_sql.list_sharing(session, wanted, scope, limit=7, offset=0, cursor=cursor)
        walked += page.items
        assert page.total >= len(page.items)  # from the cursor: a lower bound
        cursor = page.next_cursor
        if cursor is None:
            break
    assert walked == everything.items


def test_cross_controller_pages_read_only_the_controllers_they_show(
    app: FastAPI, two_controllers: Session
) -> None:
    # Reading every controller's slug costs ~30 ms at 20,000 controllers.
    with count_statements(services_of(app).engine) as statements:
        scope = resolve_controllers(two_controllers, [])
        filters = SharingFilters(recipient=["nexus"])
        page = sharing_sql.list_sharing(two_controllers, filters, scope, limit=50, offset=0)
    assert {item["controller"] for item in page.items} == {COUNCIL, OTHER}
    reads = [s for s in statements if "controllers.slug" in s and "FROM controllers" in s]
    assert reads
    assert all("WHERE" in s for s in reads), reads


# --- PostgreSQL plans on a synthetic national register -------------------------


@pytest.fixture(scope="module")
def national(backend: str, databases: DatabaseFactory) -> str:
    assert backend == "postgresql", "tests using it are marked postgres_only"
    from bench.scale import load

    url = databases.create()
    upgrade(url)
    load(url, 150, quiet=True)  # 30,000 arrangements
    return url


def plans(engine: Engine, action: Callable[[Session], Any]) -> list[tuple[str, str]]:
    """Run ``action``; EXPLAIN every statement it ran, with its parameters."""
    captured: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", before)
    try:
        with make_sessionmaker(engine)() as session:
            action(session)
    finally:
        event.remove(engine, "before_cursor_execute", before)
    result = []
    with engine.connect() as connection:
        # PostgreSQL's default costs (random_page_cost = 4): the plans must
        # not depend on tuning the server.
        for statement, parameters in captured:
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
            result.append((statement, "\n".join(r[0] for r in rows)))
    return result


def one_controller(session: Session) -> None:
    slug = session.scalars(select(m.Controller.slug).order_by(m.Controller.id.desc())).first()
    scope = resolve_controllers(session, [slug or ""])
    filters = SharingFilters(data_category=["ethnicity"], age=14)
    sharing_sql.list_sharing(session, filters, scope, limit=50, offset=0)


def across_controllers(session: Session) -> None:
    scope = resolve_controllers(session, [])
    filters = SharingFilters(recipient=["department-for-education"], data_category=["ethnicity"])
    sharing_sql.list_sharing(session, filters, scope, limit=50, offset=100)


def across_controllers_by_cursor(session: Session) -> None:
    scope = resolve_controllers(session, [])
    filters = SharingFilters(recipient=["department-for-education"], data_category=["ethnicity"])
    first = sharing_sql.list_sharing(session, filters, scope, limit=100, offset=0)
    assert first.next_cursor is not None
    sharing_sql.list_sharing(session, filters, scope, limit=50, offset=0, cursor=first.next_cursor)


def refresh_reach_of_one_controller(session: Session) -> None:
    """What every write to arrangements or data categories adds before it commits."""
    last = session.scalars(select(m.Controller.id).order_by(m.Controller.id.desc())).first()
    reach.refresh(session, [last or 0])


def register_document(session: Session) -> None:
    slug = session.scalars(select(m.Controller.slug).order_by(m.Controller.id.desc())).first()
    orjson.dumps(load_snapshot(session, slug).document())


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "action",
    [
        one_controller,
        across_controllers,
        across_controllers_by_cursor,
        refresh_reach_of_one_controller,
        register_document,
    ],
    ids=lambda f: f.__name__,
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
    assert {"sharing_arrangements", "sharing_data_categories", "sharing_category_reach"} <= big, (
        sizes
    )
    assert len(explained) >= 3
    for statement, plan in explained:
        for table in big:
            assert f"Seq Scan on {table}" not in plan, f"{statement}\n{plan}"


ACROSS_FILTERS: list[dict[str, Any]] = [
    {"recipient": ["department-for-education"], "data_category": ["ethnicity"]},
    {"recipient": ["department-for-education", "nexus"], "age": 14},
    {"data_category": ["personal-characteristics"], "special_category": True},
    {"special_category": False, "role": [RecipientRole.PROCESSOR]},
    {"legislation": ["education-act-1996"], "data_subject": ["children-and-young-people"]},
    {"purpose": ["provide-youth-support-service-and-careers-advice"]},
    {"service": ["youth-support-service"], "age": 16},
    {"lawful_basis": ["article-6-1-c"], "data_categories_stated": True},
]


@pytest.mark.postgres_only
def test_national_register_and_pages_are_unchanged(
    national: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(national, pool_size=1, max_overflow=0)
    try:
        with make_sessionmaker(engine)() as session:
            slugs = list(session.scalars(select(m.Controller.slug).order_by(m.Controller.id)))
            assert_same_register_and_lists(session, [slugs[0], slugs[1], slugs[-1]])
            for filters in ACROSS_FILTERS:
                for offset in (0, 120):
                    answers = []
                    # Row by row (what this size chooses), then as id lists.
                    for limit in (None, 10**9):
                        with monkeypatch.context() as patch:
                            if limit is not None:
                                patch.setattr(sqlparts, "id_list_limit", lambda _s, _c, n=limit: n)
                            scope = resolve_controllers(session, [])
                            wanted = SharingFilters(**filters)
                            page = sharing_sql.list_sharing(
                                session, wanted, scope, limit=50, offset=offset
                            )
                        answers.append(page.as_dict())
                        session.rollback()
                    assert answers[0] == answers[1], filters
                    assert answers[0]["items"] or offset, filters
    finally:
        engine.dispose()


@pytest.mark.postgres_only
def test_scale_bench_measures_every_query_on_every_size(
    national: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """bench/scale.py's measurement, on the national register: every query
    runs, is timed (wall and CPU, the backend's included) and reported."""
    from bench.scale import Database, measure, queries, report

    database = Database(national)
    try:
        results = measure({150: database}, runs=3, freeze_gc=False)
    finally:
        database.engine.dispose()
    assert list(results[150]) == list(queries())
    for samples in results[150].values():
        assert len(samples.wall) == len(samples.cpu) == 3
        assert all(value > 0 for value in samples.wall + samples.cpu)
    report(results)
    printed = capsys.readouterr().out
    assert all(label in printed for label in queries())
