"""Which path answers a ``/sharing`` query: memory or SQL.

A query about exactly one controller, at a data version this process
trusts, is answered from that controller's arrangements in memory
(``app.sharing.memory``), built once per controller and data version and
kept in a byte-bounded LRU; every other query from SQL (``app.sharing.sql``).
Both derive from the filters' declarations and give the same answers.

Each way of matching is kept for a measured gain (``docs/performance.md``):
memory, because loading 50 arrangements with their links costs ~12 ms a
request, a controller's whole list a few hundred small dicts; id lists, for
filters naming few entities; a check per arrangement along the list order
past ``sqlparts.id_list_limit``, so a page of 50 across 1,000 controllers
costs 28.9 ms CPU (p50) against 20.5 across one (``bench/scale.py``); the walk of
``sharing_category_reach`` for a data category, 535 index entries against
~4,100 along the list order (``app.register.walks``).

Freshness follows the response cache's data version of the controller
(``app.cache``): a write in this process is seen by the next request, others
within a second, and a write to one controller leaves the others' indexes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.cache.lru import ByteLRU
from app.cache.version import VersionWatcher
from app.register.cursors import Cursor
from app.register.scope import controller_slugs, resolve_controllers
from app.register.service import Page
from app.sharing.declarations import (
    SharingFilters,
    active_silences,
    silence_entry,
    silence_filters,
)
from app.sharing.memory import build, memory_silences, page_of
from app.sharing.snapshot import ControllerSharing
from app.sharing.sql import list_sharing


class SharingIndexes:
    """The per-controller indexes of one process, bounded by bytes."""

    def __init__(self, factory: sessionmaker[Session], max_bytes: int) -> None:
        self.factory = factory
        self.lru = ByteLRU(max_bytes)
        self.controllers: _Controllers | None = None
        """Every controller's id and slug, as of a data version: which
        queries are about exactly one controller."""

    def get(self, controller_id: int, version: int) -> ControllerSharing | None:
        index: ControllerSharing | None = self.lru.get(controller_id)
        if index is not None and index.version >= version:
            return index
        return None

    def load(self, controller_id: int, controller_slug: str) -> ControllerSharing:
        """Build in a read-only snapshot (runs in a worker thread), from the
        kept index of the controller when there is one."""
        kept: ControllerSharing | None = self.lru.get(controller_id)
        with self.factory() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            index = build(session, controller_id, controller_slug, kept)
        self.lru.put(controller_id, index, index.size)
        return index


@dataclass(frozen=True)
class _Controllers:
    version: int
    by_id: dict[int, str]


@dataclass(frozen=True)
class SharingAnswer:
    """A page of arrangements, and what the notice leaves unstated about the
    facts its filters read (``app.register.silence``)."""

    page: Page
    unstated: list[dict[str, Any]]


async def sharing_page(
    indexes: SharingIndexes,
    watcher: VersionWatcher,
    named: Sequence[str],
    filters: SharingFilters,
    *,
    limit: int,
    offset: int,
    cursor: Cursor | None = None,
) -> SharingAnswer:
    """One page of arrangements: from memory when the query is about one
    controller and the data version is trusted, else from SQL."""
    index = await current_index(indexes, watcher, named)
    if index is not None:
        page = page_of(index, filters, limit=limit, offset=offset, cursor=cursor)
        if page is not None:
            return SharingAnswer(page, memory_silences(index, filters))
    return await run_in_threadpool(
        _sql_page, indexes.factory, named, filters, limit, offset, cursor
    )


async def current_index(
    indexes: SharingIndexes,
    watcher: VersionWatcher,
    named: Sequence[str],
    *,
    kept_only: bool = False,
) -> ControllerSharing | None:
    """The index of the one controller ``named`` designates (a named one, or
    the register's only one), at the data version this process trusts for
    it, built or brought up to date in a worker thread when behind; ``None``
    when the query is not about exactly one controller or no version is
    trusted (the database unreachable), or, ``kept_only``, when this process
    keeps no index of the controller to bring up to date."""
    version = watcher.fresh()
    if version is None:
        version = await watcher.current()
    if version is None:
        return None
    controllers = indexes.controllers
    registry = watcher.registry  # the set of controllers moves only with their own entries
    if controllers is None or controllers.version < registry:
        by_id = await run_in_threadpool(_controller_map, indexes.factory)
        controllers = indexes.controllers = _Controllers(registry, by_id)
    target = _single_target(controllers.by_id, named)
    if target is None:
        return None
    index = indexes.get(target[0], watcher.version_of(target[1]))
    if index is None:
        if kept_only and indexes.lru.get(target[0]) is None:
            return None
        index = await run_in_threadpool(indexes.load, *target)
    return index


def _controller_map(factory: sessionmaker[Session]) -> dict[int, str]:
    with factory() as session:
        return controller_slugs(session)


def _single_target(by_id: dict[int, str], named: Sequence[str]) -> tuple[int, str] | None:
    """The one controller a query is about, if it is about exactly one."""
    if len(named) == 1:
        for cid, slug in by_id.items():
            if slug == named[0]:
                return cid, slug
        return None  # unknown: the SQL path reports it
    if not named and len(by_id) == 1:
        return next(iter(by_id.items()))
    return None


def _sql_page(
    factory: sessionmaker[Session],
    named: Sequence[str],
    filters: SharingFilters,
    limit: int,
    offset: int,
    cursor: Cursor | None,
) -> SharingAnswer:
    with factory() as session:
        scope = resolve_controllers(session, named)
        page = list_sharing(session, filters, scope, limit=limit, offset=offset, cursor=cursor)
        # Across several controllers a count is a lower bound (``list_entities``).
        exact = not (scope.is_every and scope.several(session))
        unstated = [
            silence_entry(
                silence,
                list_sharing(
                    session, silence_filters(filters, silence), scope, limit=1, offset=0
                ).total,
                exact,
            )
            for silence in active_silences(filters)
        ]
        return SharingAnswer(page, unstated)
