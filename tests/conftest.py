"""Fixtures: every database test runs on SQLite and, when TEST_DATABASE_URL is
set, on PostgreSQL too. A migrated and seeded *template* database is built
once per backend; read-only tests share it, tests that write get a copy."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

import app.sharing.memory as sharing_memory
from app.api.services import services_of
from app.config import PROJECT_ROOT, Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.interchange.seed import load_seed
from app.main import create_app
from app.migrate import upgrade
from app.sharing.snapshot import ControllerSharing
from tests.databases import DatabaseFactory, postgres_server_url

SEED_DIR = PROJECT_ROOT / "seed_data"
BACKENDS = ["sqlite", "postgresql"]


FUZZ_DEEP = False
"""``pytest --deep``: the contract fuzzing (tests/test_fuzz_schemathesis.py) runs
many more examples per operation. Read by that module when it is imported."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--deep", action="store_true", help="fuzz the API with many more examples per operation"
    )


def pytest_configure(config: pytest.Config) -> None:
    global FUZZ_DEEP
    FUZZ_DEEP = bool(config.getoption("--deep"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres_only`` are not run on the SQLite backend at all
    (rather than skipped there), so a skip always means something is missing."""
    keep, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec else None
        if item.get_closest_marker("postgres_only") and backend == "sqlite":
            dropped.append(item)
        else:
            keep.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    if name == "postgresql" and not postgres_server_url():
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL")
    return name


@pytest.fixture(scope="session")
def databases(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(backend, tmp_path_factory.mktemp(f"db-{backend}"))
    yield factory
    factory.drop_all()


def migrate_and_seed(url: str, seed_dir: Path | None = SEED_DIR) -> None:
    upgrade(url)
    if seed_dir is not None:
        engine = make_engine(url, pool_size=1, max_overflow=0)
        try:
            with session_scope(make_sessionmaker(engine)) as session:
                load_seed(session, seed_dir)
        finally:
            engine.dispose()


@pytest.fixture(scope="session")
def seeded_template(databases: DatabaseFactory) -> str:
    url = databases.create()
    migrate_and_seed(url)
    return url


@pytest.fixture(scope="session")
def empty_template(databases: DatabaseFactory) -> str:
    url = databases.create()
    upgrade(url)
    return url


@pytest.fixture
def seeded_db(databases: DatabaseFactory, seeded_template: str) -> str:
    """A private, writable copy of the seeded register."""
    return databases.create(template=seeded_template)


@pytest.fixture
def empty_db(databases: DatabaseFactory, empty_template: str) -> str:
    return databases.create(template=empty_template)


def make_settings(url: str, **overrides: object) -> Settings:
    return Settings(database_url=url, seed_dir=SEED_DIR, **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def shared_db(databases: DatabaseFactory, seeded_template: str) -> str:
    """One seeded copy shared by every read-only test (the template itself
    must stay unconnected so PostgreSQL can copy it)."""
    return databases.create(template=seeded_template)


@pytest.fixture(scope="session")
def shared_app(shared_db: str) -> Iterator[FastAPI]:
    """The app on the shared seeded copy: for tests that only read."""
    app = create_app(make_settings(shared_db))
    yield app
    services_of(app).engine.dispose()


@pytest.fixture(scope="session")
def client(shared_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(shared_app) as test_client:
        yield test_client


@pytest.fixture
def app(seeded_db: str) -> Iterator[FastAPI]:
    """The app on a private copy of the seeded register: for tests that write."""
    application = create_app(make_settings(seeded_db))
    yield application
    services_of(application).engine.dispose()


@pytest.fixture
def write_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def engine(app: FastAPI) -> Engine:
    engine: Engine = services_of(app).engine
    return engine


@pytest.fixture
def session(app: FastAPI) -> Iterator[Session]:
    with services_of(app).sessions() as db_session:
        yield db_session


@contextmanager
def fresh_client(database_url: str, **overrides: object) -> Iterator[TestClient]:
    """A client of a new process over the same database: it keeps nothing, so
    it answers from the tables (what kept state must match)."""
    fresh = create_app(make_settings(database_url, **overrides))
    try:
        with TestClient(fresh) as client:
            yield client
    finally:
        services_of(fresh).engine.dispose()


def make_key(app: FastAPI, *scopes: str, controller: str | None = None, name: str = "test") -> str:
    from app.auth.keys import create_key

    with session_scope(services_of(app).sessions) as db_session:
        return create_key(
            db_session, name=name, scopes=list(scopes or ("register:write",)), controller=controller
        ).secret


@pytest.fixture
def writer_key(app: FastAPI) -> str:
    return make_key(app, "register:write", name="DP team")


@pytest.fixture
def auth(writer_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {writer_key}"}


@pytest.fixture
def sharing_client(app: FastAPI) -> Iterator[TestClient]:
    """A client of a process that keeps the controller's ``/sharing`` index."""
    with TestClient(app) as client:
        assert client.get("/api/v1/sharing").status_code == 200
        yield client


@pytest.fixture
def full_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Controllers whose whole arrangement list was read from the tables for
    a ``/sharing`` index."""
    reads: list[str] = []
    original = sharing_memory.read

    def counted(session: Session, controller_id: int, slug: str, named: Any) -> ControllerSharing:
        reads.append(slug)
        return original(session, controller_id, slug, named)

    monkeypatch.setattr(sharing_memory, "read", counted)
    return reads
