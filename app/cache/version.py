"""The register's data versions as this worker knows them: the global one
and one per controller (``app.register.data_versions``).

The global version is ``audit_chain_head.seq``: every committed write bumps
it in its own transaction. A controller's version moves only with events
naming it, or naming no controller (reference data). The worker keeps a map
controller -> version, learnt incrementally:

* a write committed through this process's sessions reports its events at
  once (``note_write``), so a client reads its own writes;
* otherwise the worker re-reads the chain-head row (primary-key lookup) when
  its last reading is older than ``interval`` (0.5 s), in the background while
  the reading is within ``max_age``, and, only when the head
  moved, the controllers named by the events since the last reading (one
  grouped range scan). Writes from other workers or processes show within
  that interval plus two queries, never later than ``max_age``. A reading
  older than ``max_age`` is never trusted: if the database is slow or down,
  responses come from the routed path instead of the cache.

The map is seeded empty at the first reading: ``floor`` (that reading's head,
raised by every change to reference data) stands for every controller not
written since, so the versions are this process's tokens, equal exactly while
a controller's data is unchanged. Versions only move forward, except when a
reading started after the last reported write finds a lower head (the
database was replaced): then everything starts again and ``generation`` moves.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import anyio
import anyio.to_thread
from sqlalchemy import Engine

from app.db import make_engine
from app.register.data_versions import Changes, changes_since, head

logger = logging.getLogger("app.cache")


@dataclass(frozen=True)
class Reading:
    head: int
    changes: Changes | None
    """The events after the previous reading; None at the first reading or
    when the head went back."""


class VersionWatcher:
    def __init__(self, database_url: str, *, interval: float, max_age: float) -> None:
        self.database_url = database_url
        self.interval = interval
        self.max_age = max_age
        self.version: int | None = None
        """The global version: the last sequence number known."""
        self.floor = 0
        self.registry = 0
        """The version of the set of controllers (their own entries)."""
        self.controllers: dict[str, int] = {}
        self.generation = 0
        self.read_upto: int | None = None
        """The events up to this sequence number are in the map."""
        self.checked_at = -math.inf
        self.noted_at = -math.inf
        self.invalidated_at = -math.inf
        self.queries = 0
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()
        self._lock = threading.Lock()
        self._refreshing: anyio.Event | None = None
        self._background: ThreadPoolExecutor | None = None
        self._background_pending = False
        self._closed = False

    def fresh(self) -> int | None:
        """The global version if the last reading may be served from; never waits.

        A reading older than ``interval`` but within ``max_age`` is still
        served while a re-reading runs in the background: requests never queue
        behind the version query, which on a busy worker waits for a thread,
        the GIL and the database behind the routed requests (at 20,000
        controllers with a write a second, that wait was the p99 of hits)."""
        age = time.monotonic() - self.checked_at
        if age < self.interval:
            return self.version
        if age < self.max_age and self.version is not None:
            self._read_in_background()
            return self.version
        return None

    def _read_in_background(self) -> None:
        with self._lock:
            if self._closed:
                return
            if self._background is None:
                self._background = ThreadPoolExecutor(1, thread_name_prefix="version-watcher")
            elif self._background_pending:
                return
            self._background_pending = True
            self._background.submit(self._background_read)

    def _background_read(self) -> None:
        try:
            started = time.monotonic()
            self._observe(self._read(self.read_upto), started)
        except Exception:  # requests re-read it themselves once the reading is too old
            logger.warning("could not read the data version", exc_info=True)
        finally:
            self._background_pending = False

    def version_of(self, controller: str | None) -> int:
        """The version an answer about ``controller`` depends on (None: the
        whole register); no I/O. Call after ``fresh`` or ``current``."""
        if controller is None:
            return self.version or 0
        return max(self.controllers.get(controller, 0), self.floor)

    async def current(self) -> int | None:
        """The global version, re-read when stale; None when it cannot be trusted."""
        version = self.fresh()
        if version is not None:
            return version
        pending = self._refreshing
        if pending is not None:
            await pending.wait()
        else:
            done = self._refreshing = anyio.Event()
            try:
                started = time.monotonic()
                reading = await anyio.to_thread.run_sync(self._read, self.read_upto)
                self._observe(reading, started)
            except Exception:  # the routed path reports database trouble itself
                logger.warning("could not read the data version", exc_info=True)
            finally:
                self._refreshing = None
                done.set()
        if time.monotonic() - self.checked_at > self.max_age:
            return None
        return self.version

    def note_write(self, seq: int | None, changes: Changes | None = None) -> None:
        """A write committed in this process (thread-safe), with the events
        it wrote. Without them the next request re-reads the versions."""
        with self._lock:
            now = time.monotonic()
            self.noted_at = now
            if seq is None or changes is None or self.version is None:
                # Unknown events (or nothing read yet to add them to): no
                # reading that started before now may be trusted.
                self.invalidated_at = now
                self.checked_at = -math.inf
                return
            self._merge(changes, seq)

    def _merge(self, changes: Changes, seq: int) -> None:
        for controller, version in changes.controllers.items():
            if version > self.controllers.get(controller, 0):
                self.controllers[controller] = version
        self.floor = max(self.floor, changes.reference)
        self.registry = max(self.registry, changes.registry)
        # Last: a reader that sees the new global version sees the map with it.
        self.version = max(self.version or 0, seq, changes.last)

    def _observe(self, reading: Reading, started: float) -> None:
        with self._lock:
            known = self.version
            if known is not None and reading.head < known and started < self.noted_at:
                return  # read before a write this process has already reported
            if reading.changes is None or (known is not None and reading.head < known):
                # The first reading, or another database.
                self.version = self.floor = self.registry = reading.head
                self.controllers = {}
                self.generation += 1
                self.read_upto = reading.head
            else:
                self._merge(reading.changes, reading.head)
                self.read_upto = max(reading.head, reading.changes.last)
            if started >= self.invalidated_at:
                self.checked_at = started

    def _read(self, upto: int | None) -> Reading:
        # A connection of its own: a saturated request pool must not delay it.
        with self._engine_lock:
            if self._engine is None:
                self._engine = make_engine(self.database_url, pool_size=1, max_overflow=0)
        self.queries += 1
        with self._engine.connect() as connection:
            seq = head(connection).seq
            if upto is None or seq < upto:
                return Reading(seq, None)
            if seq == upto:
                return Reading(seq, Changes())
            self.queries += 1
            return Reading(seq, changes_since(connection, upto))

    def close(self) -> None:
        with self._lock:
            self._closed = True
        if self._background is not None:
            self._background.shutdown(wait=True)
            self._background = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
