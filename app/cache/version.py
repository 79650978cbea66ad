"""The register's data version as this worker knows it.

The version is ``audit_chain_head.seq``: every committed write bumps it in
its own transaction. A worker learns of a new version in two ways:

* a write committed through this process's sessions reports its sequence
  number at once (``note_write``), so a client reads its own writes;
* otherwise the worker re-reads the single chain-head row (primary-key
  lookup) when its last reading is older than ``interval`` (0.5 s), so
  writes from other workers or processes show within that interval plus one
  query. A reading older than ``max_age`` is never trusted: if the database
  is slow or down, responses come from the routed path instead of the cache.

The version only moves forward, except when a reading started after the
last reported write finds a lower number (the database was replaced).
"""

from __future__ import annotations

import logging
import math
import threading
import time

import anyio
import anyio.to_thread
from sqlalchemy import Engine, text

from app.db import make_engine

logger = logging.getLogger("app.cache")

VERSION_QUERY = text("SELECT seq FROM audit_chain_head WHERE id = 1")


class VersionWatcher:
    def __init__(self, database_url: str, *, interval: float, max_age: float) -> None:
        self.database_url = database_url
        self.interval = interval
        self.max_age = max_age
        self.version: int | None = None
        self.checked_at = -math.inf
        self.noted_at = -math.inf
        self.queries = 0
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()
        self._refreshing: anyio.Event | None = None

    def fresh(self) -> int | None:
        """The version if the last reading is recent enough to serve from; no I/O."""
        if time.monotonic() - self.checked_at < self.interval:
            return self.version
        return None

    async def current(self) -> int | None:
        """The version, re-read when stale; None when it cannot be trusted."""
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
                seq = await anyio.to_thread.run_sync(self._read)
                self._observe(seq, started)
            except Exception:  # the routed path reports database trouble itself
                logger.warning("could not read the data version", exc_info=True)
            finally:
                self._refreshing = None
                done.set()
        if time.monotonic() - self.checked_at > self.max_age:
            return None
        return self.version

    def note_write(self, seq: int | None) -> None:
        """A write committed in this process (thread-safe). Without its
        sequence number the next request re-reads the version."""
        now = time.monotonic()
        if seq is None:
            self.checked_at = -math.inf
            return
        self.noted_at = now
        if self.version is None or seq > self.version:
            self.version = seq
        self.checked_at = now

    def _observe(self, seq: int, started: float) -> None:
        if self.version is not None and seq < self.version and started < self.noted_at:
            return  # read before a write this process has already reported
        self.version = seq
        self.checked_at = started

    def _read(self) -> int:
        # A connection of its own: a saturated request pool must not delay it.
        with self._engine_lock:
            if self._engine is None:
                self._engine = make_engine(self.database_url, pool_size=1, max_overflow=0)
        self.queries += 1
        with self._engine.connect() as connection:
            return int(connection.execute(VERSION_QUERY).scalar() or 0)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
