"""Filtered ``/sharing`` queries answered from memory.

Schools' systems ask the same controller's arrangements again and again with
different filters. Loading 50 arrangements with their links through the ORM
costs ~12 ms per request; a controller's whole list is a few hundred small
dicts. So, per controller and per data version, the arrangements are built
once (by the same code as the SQL path, in the same order) together with
what the filters need (category groups, parts of Acts, special categories,
known slugs), and each request filters them in memory: no SQL, no thread
hop. Results are identical to the SQL path (a test compares them filter by
filter); the SQL path still serves queries spanning several controllers.

Freshness follows the response cache's data version (``app.cache``): a
write in this process is seen by the next request, others within a second.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.cache.lru import ByteLRU
from app.cache.version import VersionWatcher
from app.errors import InvalidInput
from app.register import entities as e
from app.register import models as m
from app.register.basis import BasisKind
from app.register.cursors import Cursor
from app.register.scope import ControllerScope, controller_slugs, resolve_controllers
from app.register.service import Page, list_entities
from app.register.silence import (
    active_silences,
    leaves_unstated,
    silence_entry,
    silence_filters,
    stated,
)
from app.register.trees import Tree
from app.sharing.filters import SharingFilters, list_sharing
from app.trail.models import ChainHead

UNLIMITED = 1_000_000_000


@dataclass(frozen=True)
class ControllerSharing:
    """One controller's arrangements, as served, at one data version."""

    controller_id: int
    version: int
    items: tuple[dict[str, Any], ...]
    known: dict[str, frozenset[str]]
    categories: Tree[str]
    special: frozenset[str]
    laws: Tree[str]
    size: int = field(default=0, compare=False)

    def check_known(self, param: str, label: str, slugs: Sequence[str]) -> None:
        unknown = [slug for slug in slugs if slug not in self.known[param]]
        if unknown:
            raise InvalidInput(
                f"Unknown {label} in filter {param!r}: {', '.join(unknown)}.",
                errors=[
                    {"field": param, "msg": f"unknown {label} {s!r}", "type": "unknown_reference"}
                    for s in unknown
                ],
            )

    def matches(self, filters: SharingFilters) -> list[dict[str, Any]]:
        tests: list[Callable[[dict[str, Any]], bool]] = []
        stated_only = filters.stated_only
        if filters.recipient:
            self.check_known("recipient", "recipient", filters.recipient)
            recipients = set(filters.recipient)
            tests.append(lambda i: i["recipient"] in recipients)
        if filters.role:
            roles = {r.value for r in filters.role}
            tests.append(lambda i: i["expanded"]["recipient"]["role"] in roles)
            if stated_only:
                tests.append(lambda i: i["expanded"]["recipient"]["role_basis"] == STATED)
        if filters.data_category:
            self.check_known("data_category", "data category", filters.data_category)
            wanted = self.categories.related(filters.data_category)
            tests.append(_links("data_categories", wanted, stated_only))
        if filters.special_category is not None:
            special = _links("data_categories", self.categories.related(self.special), stated_only)
            flag = filters.special_category
            tests.append(lambda i: special(i) is flag)
        for param, field_name, label in (
            ("data_subject", "data_subjects", "data subject"),
            ("purpose", "purposes", "purpose"),
            ("lawful_basis", "lawful_bases", "lawful basis"),
            ("service", "services", "service"),
        ):
            slugs = getattr(filters, param)
            if slugs:
                self.check_known(param, label, slugs)
                tests.append(_links(field_name, frozenset(slugs), stated_only))
        if filters.legislation:
            self.check_known("legislation", "legislation", filters.legislation)
            laws = self.laws.below(filters.legislation)
            tests.append(_links("legislation", laws, stated_only))
        if filters.data_categories_stated is not None:
            stated = filters.data_categories_stated
            tests.append(lambda i: bool(i["data_categories"]) is stated)
        if filters.age is not None:
            tests.append(_applies_at(filters.age, stated_only))
        for fact in filters.unstated:
            tests.append(partial(leaves_unstated, fact=fact))
        return [item for item in self.items if all(test(item) for test in tests)]


STATED = BasisKind.STATED.value


def _links(
    field_name: str, wanted: frozenset[str] | set[str], stated_only: bool
) -> Callable[[dict[str, Any]], bool]:
    """The item links to one of ``wanted`` (with ``stated_only``, by a link
    the notice states)."""
    if not stated_only:
        return lambda i: not wanted.isdisjoint(i[field_name])

    def test(item: dict[str, Any]) -> bool:
        basis = item["basis"]
        return any(
            slug in wanted and stated(basis, f"{field_name}/{slug}") for slug in item[field_name]
        )

    return test


def _applies_at(age: int, stated_only: bool) -> Callable[[dict[str, Any]], bool]:
    def test(item: dict[str, Any]) -> bool:
        low, high = item["applies_from_age"], item["applies_until_age"]
        if (low is not None and low > age) or (high is not None and high < age):
            return False
        if not stated_only:
            return True
        bounds = [key for key in ("applies_from_age", "applies_until_age") if item[key] is not None]
        return bool(bounds) and all(stated(item["basis"], key) for key in bounds)

    return test


def _slugs(session: Session, model: Any, controller_id: int | None) -> frozenset[str]:
    query = select(model.slug)
    if controller_id is not None:
        query = query.where(model.controller_id == controller_id)
    return frozenset(session.scalars(query))


def build(session: Session, controller_id: int, controller_slug: str) -> ControllerSharing:
    """Everything a controller's ``/sharing`` queries need, read in one snapshot."""
    version = session.scalar(select(ChainHead.seq)) or 0
    page = list_entities(
        session,
        e.SHARING,
        scope=ControllerScope.of({controller_id: controller_slug}),
        limit=UNLIMITED,
        offset=0,
    )
    categories = session.execute(
        select(
            m.DataCategory.slug,
            m.DataCategory.group_id,
            m.DataCategory.special_category,
            m.DataCategory.id,
        ).where(m.DataCategory.controller_id == controller_id)
    ).all()
    category_slug = {row.id: row.slug for row in categories}
    laws = session.execute(
        select(m.Legislation.id, m.Legislation.slug, m.Legislation.part_of_id).where(
            m.Legislation.controller_id == controller_id
        )
    ).all()
    law_slug = {row.id: row.slug for row in laws}
    known = {
        "recipient": _slugs(session, m.Recipient, controller_id),
        "data_category": frozenset(category_slug.values()),
        "data_subject": _slugs(session, m.DataSubject, controller_id),
        "purpose": _slugs(session, m.Purpose, controller_id),
        "lawful_basis": _slugs(session, m.LawfulBasis, None),
        "service": _slugs(session, m.Service, controller_id),
        "legislation": frozenset(law_slug.values()),
    }
    items = tuple(page.items)
    return ControllerSharing(
        controller_id=controller_id,
        version=version,
        items=items,
        known=known,
        categories=Tree.of((r.slug, category_slug.get(r.group_id)) for r in categories),
        special=frozenset(r.slug for r in categories if r.special_category),
        laws=Tree.of((r.slug, law_slug.get(r.part_of_id)) for r in laws),
        size=len(orjson.dumps(items)) * 2 + 10_000,
    )


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
        """Build in a read-only snapshot (runs in a worker thread)."""
        with self.factory() as session:
            if session.get_bind().dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            index = build(session, controller_id, controller_slug)
        self.lru.put(controller_id, index, index.size)
        return index


def page_of(
    index: ControllerSharing,
    filters: SharingFilters,
    *,
    limit: int,
    offset: int,
    cursor: Cursor | None = None,
) -> Page | None:
    """The page, or ``None`` when the cursor's item is not among the matches
    (deleted since, or given with other filters): where to resume is then a
    question of the database's collation, which the SQL path answers."""
    found = index.matches(filters)
    start = offset
    if cursor is not None:
        if cursor.controller_id != index.controller_id:
            start = 0 if (cursor.controller_id or 0) < index.controller_id else len(found)
        else:
            key = (cursor.position, cursor.slug)
            after = next(
                (n + 1 for n, i in enumerate(found) if (i["position"], i["slug"]) == key), None
            )
            if after is None:
                return None
            start = after
    end = start + limit
    window = found[start:end]
    next_cursor = None
    if end < len(found):  # so the window is full
        next_cursor = Cursor(index.controller_id, window[-1]["position"], window[-1]["slug"])
    return Page(window, len(found), limit, offset, next_cursor)


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


def _memory_silences(index: ControllerSharing, filters: SharingFilters) -> list[dict[str, Any]]:
    return [
        silence_entry(silence, len(index.matches(silence_filters(filters, silence))), True)
        for silence in active_silences(filters)
    ]


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
    version = watcher.fresh()
    if version is None:
        version = await watcher.current()
    if version is not None:
        controllers = indexes.controllers
        if controllers is None or controllers.version < version:
            by_id = await run_in_threadpool(_controller_map, indexes.factory)
            controllers = indexes.controllers = _Controllers(version, by_id)
        target = _single_target(controllers.by_id, named)
        if target is not None:
            index = indexes.get(target[0], version)
            if index is None:
                index = await run_in_threadpool(indexes.load, *target)
            page = page_of(index, filters, limit=limit, offset=offset, cursor=cursor)
            if page is not None:
                return SharingAnswer(page, _memory_silences(index, filters))
    return await run_in_threadpool(
        _sql_page, indexes.factory, named, filters, limit, offset, cursor
    )


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
