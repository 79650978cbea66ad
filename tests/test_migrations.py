"""Alembic owns the schema: head equals the models, and downgrade works."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from app.db import Base, make_engine
from app.migrate import downgrade, upgrade
from app.models import load_all_models
from tests.databases import DatabaseFactory


def test_upgrade_head_gives_exactly_the_models_schema(databases: DatabaseFactory) -> None:
    url = databases.create()
    upgrade(url)
    load_all_models()
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_downgrade_base_removes_everything_and_upgrade_again_works(
    databases: DatabaseFactory,
) -> None:
    url = databases.create()
    upgrade(url)
    downgrade(url, "base")
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
    finally:
        engine.dispose()
    upgrade(url)


def test_migrating_twice_is_harmless(databases: DatabaseFactory) -> None:
    url = databases.create()
    upgrade(url)
    upgrade(url)
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        assert "controllers" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
