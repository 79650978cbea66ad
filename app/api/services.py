"""The service's long-lived objects: built once per app by ``Services.build``
and handed to routes and dependencies by type (``ServicesDep``).

Everything a request may need beyond its own session lives here, typed:
settings, the engine and its sessions, the response cache's state, the
recent snapshots, the verification cache, the ``/sharing`` indexes, the
metrics, the failed-authentication limiter and the expensive-work pool. ``app.state.services`` is
the only attribute the app keeps, read in one place (``services_of``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.audit.incremental import VerificationCache
from app.auth.limiter import FailureLimiter
from app.cache import CacheState, watch_commits
from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.observability.metrics import Metrics
from app.sharing.index import SharingIndexes
from app.snapshots.current import RecentSnapshots
from app.trail import log
from app.workers import Workers, attach

WORKER_PRELOAD = ("app.audit.incremental", "app.history.replay")
"""Imported once by the worker processes' forkserver, so a new worker starts
with them loaded."""


@dataclass(frozen=True, eq=False)
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    cache: CacheState
    snapshots: RecentSnapshots
    verification: VerificationCache
    sharing: SharingIndexes
    metrics: Metrics
    auth_limiter: FailureLimiter
    workers: Workers

    @classmethod
    def build(cls, settings: Settings) -> Services:
        engine = make_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout,
        )
        sessions = make_sessionmaker(engine)
        log.attach(sessions, log.LogKeys.from_settings(settings))
        pool = Workers(
            settings.database_url,
            processes=settings.expensive_processes,
            niceness=settings.expensive_niceness,
            preload=WORKER_PRELOAD,
        )
        attach(sessions, pool)
        cache = CacheState.build(settings)
        # A write committed through these sessions is visible to the next read
        # of this process.
        watch_commits(sessions, cache.watcher)
        return cls(
            settings=settings,
            engine=engine,
            sessions=sessions,
            cache=cache,
            snapshots=RecentSnapshots(settings.recent_snapshots_max_bytes),
            verification=VerificationCache(
                settings.verify_cache_seconds,
                sweep_events=settings.verify_sweep_events,
                full_seconds=settings.verify_full_seconds,
            ),
            sharing=SharingIndexes(sessions, settings.sharing_index_max_bytes),
            metrics=Metrics(),
            auth_limiter=FailureLimiter(settings.auth_failure_limit, settings.auth_failure_window),
            workers=pool,
        )

    def close(self) -> None:
        self.workers.close()
        self.cache.close()
        self.engine.dispose()


def services_of(app: FastAPI) -> Services:
    found = app.state.services
    if not isinstance(found, Services):  # pragma: no cover - a wiring error
        raise TypeError("the app was not built by app.main.create_app")
    return found


def services(request: Request) -> Services:
    return services_of(request.app)


ServicesDep = Annotated[Services, Depends(services)]
