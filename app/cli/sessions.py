"""Database sessions for a command: one connection, the Merkle log attached."""

from __future__ import annotations

from app.config import Settings
from app.db import make_engine, make_sessionmaker


def session_factory(settings: Settings):  # type: ignore[no-untyped-def]
    from app.trail import log

    factory = make_sessionmaker(make_engine(settings.database_url, pool_size=1, max_overflow=0))
    log.attach(factory, log.LogKeys.from_settings(settings))
    return factory
