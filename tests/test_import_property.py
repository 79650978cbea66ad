"""Property: any register survives export -> import into a fresh database ->
export unchanged (same content, same digest), and importing it again changes nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from app.db import make_engine, make_sessionmaker, session_scope
from app.interchange.importing import import_document
from app.register.document import content_digest, document, register_content
from app.register.models import Controller
from app.trail.chain import SYSTEM
from tests.databases import DatabaseFactory
from tests.register_strategies import normalised, registers


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(generated=registers())
def test_any_register_round_trips_through_a_fresh_database(
    databases: DatabaseFactory, empty_template: str, generated: dict[str, Any]
) -> None:
    expected = normalised(generated)
    engine = make_engine(databases.create(template=empty_template), pool_size=1, max_overflow=0)
    factory = make_sessionmaker(engine)
    try:
        with session_scope(factory) as session:
            result = import_document(session, generated, actor=SYSTEM)
        assert result.digest == content_digest(expected)
        with factory() as session:
            controller = session.scalars(select(Controller)).one()
            exported = document(register_content(session, controller))
        assert {k: exported[k] for k in expected} == expected
        assert exported["digest"] == content_digest(expected)
        with session_scope(factory) as session:
            again = import_document(session, exported, actor=SYSTEM)
        assert (again.created, again.updated, again.deleted) == (0, 0, 0)
        assert again.digest == exported["digest"]
    finally:
        engine.dispose()
