"""Expensive reads in worker processes, so that they cannot starve cheap ones.

A verification or a replay of the trail is seconds of Python: run in a thread
of the serving process it holds the GIL in turns with every cheap read, whose
latency then grows with the number of expensive callers. Here such work runs
in a small pool of worker processes (``EXPENSIVE_PROCESSES``, started on first
use with the ``forkserver`` method, no state inherited from the server's
threads), each at a lower CPU priority (``EXPENSIVE_NICENESS``) and with its
own engine for the database: the serving process only waits, holding no GIL.
With ``EXPENSIVE_PROCESSES=0`` the same work runs in the caller's thread.

A task is a module-level function ``task(session, *args)`` whose arguments and
result are plain data (they cross the process boundary pickled). In a worker
it gets a session of the worker's own engine; in-thread, the caller's. A
``ProblemError`` it raises is raised again in the caller, as it was; any other
failure, or a worker that died, becomes a 503 problem with ``Retry-After``.
The pool is attached to a session factory (``attach``) and found from a
session (``of``), so the layers that hold the expensive work need no
reference to the application.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_engine, make_sessionmaker
from app.errors import ProblemError, Problems

logger = logging.getLogger(__name__)

INFO_KEY = "expensive_workers"
P = ParamSpec("P")
T = TypeVar("T")
Task = Callable[Concatenate[Session, P], T]


class WorkFailed(ProblemError):
    """Expensive work that failed for a reason of its own, not the request's."""

    problem = Problems.EXPENSIVE_READ_FAILED

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"Retry-After": "5"})


# --- inside a worker process ---------------------------------------------------------------

_ENGINES: dict[str, Engine] = {}


def _start_worker(niceness: int) -> None:
    if niceness:
        os.nice(niceness)


def _in_worker(
    database_url: str, task: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> T:
    engine = _ENGINES.get(database_url)
    if engine is None:
        engine = _ENGINES[database_url] = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        with make_sessionmaker(engine)() as session:
            return task(session, *args, **kwargs)
    except ProblemError:
        raise
    except OperationalError as exc:
        logger.warning("database unavailable in a worker: %s", type(exc).__name__)
        raise WorkFailed("The register's database is unavailable; try again shortly.") from None
    except Exception:
        logger.exception("expensive work failed in a worker")
        raise WorkFailed("The expensive read failed; try again shortly.") from None


# --- the pool, seen from the serving process ---------------------------------------------


class Workers:
    """A pool of ``processes`` worker processes for the database at
    ``database_url`` (``processes=0``: in-thread). Started on first use;
    after a worker died, started afresh on the next."""

    def __init__(
        self,
        database_url: str,
        *,
        processes: int,
        niceness: int = 10,
        preload: Sequence[str] = (),
    ) -> None:
        self.database_url = database_url
        self.processes = processes
        self.niceness = niceness
        self.preload = list(preload)
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False

    def run(self, session: Session, task: Task[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``task(session, *args)``, in a worker process when there is a pool."""
        if self.processes == 0:
            return task(session, *args, **kwargs)
        executor = self._pool()
        try:
            return executor.submit(_in_worker, self.database_url, task, args, kwargs).result()
        except BrokenProcessPool:
            logger.warning("a worker process died; the pool starts afresh on next use")
            with self._lock:
                if self._executor is executor:
                    self._executor = None
            executor.shutdown(wait=False, cancel_futures=True)
            raise WorkFailed("The expensive read's worker stopped; try again shortly.") from None

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._closed:
                raise WorkFailed("The service is shutting down.")
            if self._executor is None:
                context = multiprocessing.get_context("forkserver")
                if self.preload:
                    context.set_forkserver_preload(self.preload)
                self._executor = ProcessPoolExecutor(
                    max_workers=self.processes,
                    mp_context=context,
                    initializer=_start_worker,
                    initargs=(self.niceness,),
                )
            return self._executor

    def pids(self) -> list[int]:
        """The worker processes' ids (none before first use)."""
        executor = self._executor
        processes = getattr(executor, "_processes", None) or {}
        return sorted(processes)

    def close(self) -> None:
        """Stop the workers: those running a task finish it first."""
        with self._lock:
            self._closed = True
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


INLINE = Workers("", processes=0)
"""Work in the caller's thread: for sessions with no pool attached (the
command line, backups, tests of a layer alone)."""


def attach(factory: sessionmaker[Session], workers: Workers) -> None:
    """Every session of ``factory`` runs its expensive work on ``workers``."""
    info = dict(factory.kw.get("info") or {})
    info[INFO_KEY] = workers
    factory.configure(info=info)


def of(session: Session) -> Workers:
    found = session.info.get(INFO_KEY)
    return found if isinstance(found, Workers) else INLINE
