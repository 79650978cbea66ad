"""Response cache for hot public reads, invalidated by the data version.

Wiring: the ASGI layer goes innermost in ``app.middleware`` (``install``);
``watch_commits`` makes the app's sessionmaker report every commit that
advanced the audit chain, so a write committed through the app's sessions is
visible to the next read of this process, for the controllers its events
name. Code that commits writes some other way calls
``CacheState.watcher.note_write(None)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from app.cache.admission import Gate
from app.cache.layer import ResponseCache
from app.cache.lookup import CacheLookup
from app.cache.lru import ByteLRU
from app.cache.version import VersionWatcher
from app.config import Settings
from app.register.data_versions import Changes
from app.trail.models import AuditEvent, ChainHead

__all__ = ["CacheState", "ResponseCache", "install", "routed_concurrency", "watch_commits"]

_PENDING_SEQ = "cache.pending_seq"
_PENDING_CHANGES = "cache.pending_changes"


@dataclass
class CacheState:
    lookup: CacheLookup
    gate: Gate
    enabled: bool

    @property
    def lru(self) -> ByteLRU:
        return self.lookup.lru

    @property
    def watcher(self) -> VersionWatcher:
        return self.lookup.watcher

    @classmethod
    def build(cls, settings: Settings) -> CacheState:
        watcher = VersionWatcher(
            settings.database_url,
            interval=settings.cache_version_interval,
            max_age=settings.cache_version_max_age,
        )
        return cls(
            lookup=CacheLookup(ByteLRU(settings.response_cache_max_bytes), watcher),
            gate=Gate(routed_concurrency(settings)),
            enabled=settings.response_cache_enabled,
        )

    def close(self) -> None:
        self.watcher.close()


def routed_concurrency(settings: Settings) -> int:
    """Requests the routed path serves at once: one per pooled connection."""
    return settings.db_pool_size + settings.db_max_overflow


def install(app: FastAPI, state: CacheState, settings: Settings) -> None:
    """Add the cache layer (call it first: innermost)."""
    if state.enabled:
        app.add_middleware(
            ResponseCache,
            lookup=state.lookup,
            gate=state.gate,
            max_entry_bytes=settings.response_cache_max_bytes // 8,
            min_compress_bytes=settings.compress_min_bytes,
        )
    else:
        app.add_middleware(_GateOnly, gate=state.gate)


def watch_commits(factory: sessionmaker[Session], watcher: VersionWatcher) -> None:
    """Report the chain head's new sequence number and the controllers the
    events name after each commit that moved it."""

    @event.listens_for(factory, "after_flush")
    def _after_flush(session: Session, _context: Any) -> None:
        events: list[AuditEvent] = []
        for obj in (*session.new, *session.dirty):
            if isinstance(obj, ChainHead):
                session.info[_PENDING_SEQ] = obj.seq
            elif isinstance(obj, AuditEvent):
                events.append(obj)
        if events:
            changes: Changes = session.info.setdefault(_PENDING_CHANGES, Changes())
            for audit_event in events:
                changes.add(audit_event.controller, audit_event.seq, audit_event.entity_type)

    @event.listens_for(factory, "after_commit")
    def _after_commit(session: Session) -> None:
        seq = session.info.pop(_PENDING_SEQ, None)
        changes = session.info.pop(_PENDING_CHANGES, None)
        if seq is not None:
            watcher.note_write(int(seq), changes)

    @event.listens_for(factory, "after_soft_rollback")
    def _after_rollback(session: Session, _previous: Any) -> None:
        session.info.pop(_PENDING_SEQ, None)
        session.info.pop(_PENDING_CHANGES, None)


class _GateOnly:
    """The admission gate without the cache (``RESPONSE_CACHE_ENABLED=false``)."""

    def __init__(self, app: Any, *, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.gate.run(self.app, scope, receive, send)
