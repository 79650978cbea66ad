"""What the benchmark scripts share: measured endpoints, seeded databases."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.db import make_engine, make_sessionmaker, session_scope
from app.interchange.seed import load_seed
from app.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
API = "/api/v1"
ENDPOINTS = {
    "register": f"{API}/register",
    "recipients": f"{API}/recipients",
    "recipient": f"{API}/recipients/department-for-education",
    "sharing": f"{API}/sharing",
}
FILTERED = f"{API}/sharing?data_category=name&age=14"
BASELINE_HEADERS = ("content-type", "etag", "cache-control", "vary")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def prepare(url: str) -> None:
    """Migrate the database at ``url`` and load the seed register."""
    upgrade(url)
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            load_seed(session, ROOT / "seed_data")
    finally:
        engine.dispose()


def _admin(server_url: str, statement: str) -> None:
    """Run one statement on the server's ``postgres`` database, outside a transaction."""
    admin = create_engine(
        make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(statement))
    admin.dispose()


def create_pg_database(server_url: str, prefix: str) -> tuple[str, str]:
    """A new, empty PostgreSQL database: its name and URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    _admin(server_url, f'CREATE DATABASE "{name}"')
    return name, make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(server_url: str, name: str) -> None:
    _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
