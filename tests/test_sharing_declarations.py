"""Every declared /sharing filter gives the same answer on every path.

For each declaration (``app.sharing.declarations``) and each of its example
values below, with and without ``basis=stated``: the memory path (per
controller), the SQL path scoped to each controller, the SQL path across
every controller by lists of ids, and the same with every named entity
checked row by row (the walk of ``sharing_category_reach`` where the
declaration says it serves) give the same arrangements, refuse the same
unknown slugs, and count the same unstated facts. The register holds the
seed controller and a synthetic second one: the same notice, perturbed
(other links, ages, roles, a special category of its own) so that the two
answer differently.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.db import make_engine, make_sessionmaker, session_scope
from app.errors import InvalidInput
from app.interchange.loading import sync_register
from app.interchange.seed import read_seed_dir
from app.register.schemas import RecipientRole
from app.register.scope import ControllerScope, controller_slugs, resolve_controllers
from app.register.silence import Fact
from app.sharing import sql as sharing_sql
from app.sharing import sqlparts
from app.sharing.declarations import (
    DECLARATIONS,
    SharingFilter,
    SharingFilters,
    active_silences,
    silence_filters,
)
from app.sharing.memory import build, matches, memory_silences
from app.trail.chain import SYSTEM
from tests.conftest import SEED_DIR
from tests.databases import DatabaseFactory

COUNCIL = "cambridgeshire-county-council"
OTHER = "other-county-council"
PII = "personal-identifying-information"
ONLY_OTHER = "biometric-data"
"""A special data category only the synthetic controller has."""

EXAMPLES: dict[str, list[Any]] = {
    "recipient": [["department-for-education"], ["police", "nspcc"], ["no-such-recipient"]],
    "data_category": [
        ["name"],
        [PII],
        ["personal-characteristics"],
        ["contact-details", "ethnicity"],
        [ONLY_OTHER],
    ],
    "data_subject": [["children-and-young-people"], ["no-such-subject"]],
    "purpose": [["provide-youth-support-service-and-careers-advice"]],
    "legislation": [["education-act-1996"], ["education-act-1996-section-507b"]],
    "lawful_basis": [["article-6-1-c"], ["article-6-1-e", "article-9-2-g"]],
    "service": [["youth-support-service"]],
    "role": [[RecipientRole.PROCESSOR], [RecipientRole.NOT_STATED, RecipientRole.INTERNAL]],
    "special_category": [True, False],
    "data_categories_stated": [True, False],
    "age": [0, 13, 16, 40],
    "unstated": [*([fact] for fact in Fact), [Fact.DATA_CATEGORIES, Fact.AGE]],
}
"""Values of each filter; a declaration without examples fails the suite."""
CASES = [
    pytest.param(name, value, stated_only, id=f"{name}={value}{'-stated' if stated_only else ''}")
    for name, values in EXAMPLES.items()
    for value in values
    for stated_only in (False, True)
]


def perturbed(content: Any) -> Any:
    """The seed register as a second controller's, every few arrangements
    changed, so that the controllers' answers differ."""
    content.controller.entries = [
        {**content.controller.entries[0], "slug": OTHER, "name": "Other County Council"}
    ]
    categories = content.sections["data-categories"].entries
    categories.append(
        {**categories[-1], "slug": ONLY_OTHER, "name": "Biometric data", "special_category": True}
    )
    for n, recipient in enumerate(content.sections["recipients"].entries):
        if n % 3 == 0:
            recipient["role"] = RecipientRole.PROCESSOR.value
    sharing = content.sections["sharing"].entries
    for n, arrangement in enumerate(sharing):
        # No categories; a special item; a group (its items match); a group
        # with special items (special through them); the seed's own.
        changed = ([], [ONLY_OTHER, "ethnicity"], [PII], ["personal-characteristics"])
        if n % 8 < len(changed):
            restate(arrangement, "data_categories", changed[n % 8])
        if n % 5 == 0:
            restate(arrangement, "applies_from_age", 11)
            restate(arrangement, "applies_until_age", 16)
        if n % 6 == 0:
            restate(arrangement, "lawful_bases", [])
    sharing.reverse()
    return content


def restate(entry: dict[str, Any], field: str, value: Any) -> None:
    """A new value for ``field``, with no basis (the notice is silent on it)."""
    entry[field] = value
    basis = entry.get("basis") or {}
    entry["basis"] = {
        key: fact for key, fact in basis.items() if key != field and not key.startswith(f"{field}/")
    }


@dataclass
class Register:
    session: Session
    controllers: dict[int, str]


@pytest.fixture(scope="module")
def register(databases: DatabaseFactory, seeded_template: str) -> Iterator[Register]:
    engine = make_engine(databases.create(template=seeded_template))
    sessions = make_sessionmaker(engine)
    (content,) = read_seed_dir(SEED_DIR)
    with session_scope(sessions) as session:
        sync_register(session, perturbed(content), actor=SYSTEM, number_entries=True)
    try:
        with sessions() as session:
            yield Register(session, controller_slugs(session))
    finally:
        engine.dispose()


def test_every_declaration_has_examples() -> None:
    assert set(EXAMPLES) == {declaration.name for declaration in DECLARATIONS}


def answer(run: Any) -> bytes:
    """A path's items, or the 422 it refuses the query with."""
    try:
        return orjson.dumps(run())
    except InvalidInput as refused:
        return orjson.dumps({"refused": refused.detail, **refused.extensions})


def sql_items(session: Session, filters: SharingFilters, scope: ControllerScope) -> Any:
    page = sharing_sql.list_sharing(session, filters, scope, limit=10_000, offset=0)
    session.rollback()  # ends a PostgreSQL ``SET LOCAL``
    return page.items


@pytest.mark.parametrize(("name", "value", "stated_only"), CASES)
def test_every_path_gives_the_same_answer(
    register: Register,
    name: str,
    value: Any,
    stated_only: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = register.session
    filters = SharingFilters(stated_only=stated_only, **{name: value})
    per_controller = []
    for cid, slug in sorted(register.controllers.items()):
        index = build(session, cid, slug)
        scope = ControllerScope.of({cid: slug})
        from_memory = answer(partial(matches, index, filters))
        from_sql = answer(partial(sql_items, session, filters, scope))
        assert from_sql == from_memory, slug
        per_controller.append(orjson.loads(from_memory))
        if b"refused" not in from_memory:
            counted = [
                len(sql_items(session, silence_filters(filters, silence), scope))
                for silence in active_silences(filters)
            ]
            assert counted == [entry["count"] for entry in memory_silences(index, filters)]
    kept = [items for items in per_controller if isinstance(items, list)]
    expected = orjson.dumps([i for items in kept for i in items]) if kept else None
    everywhere = resolve_controllers(session, [])
    by_ids = answer(partial(sql_items, session, filters, everywhere))
    monkeypatch.setattr(sqlparts, "id_list_limit", lambda _session, _scope: 0)
    everywhere = resolve_controllers(session, [])
    row_by_row = answer(partial(sql_items, session, filters, everywhere))
    assert row_by_row == by_ids
    if expected is not None:
        assert by_ids == expected
    else:
        assert b"refused" in by_ids
    declaration = next(d for d in DECLARATIONS if d.name == name)
    assert_walk_as_declared(session, declaration, filters, by_ids)


def assert_walk_as_declared(
    session: Session, declaration: SharingFilter, filters: SharingFilters, found: bytes
) -> None:
    """Past the id-list limit, a declaration the walk serves is walked (and
    the answers above were the walk's); no other is."""
    if b"refused" in found:
        return
    everywhere = resolve_controllers(session, [])
    matching = sharing_sql.sharing_matching(session, filters, everywhere)
    session.rollback()
    walked = declaration.walked and declaration.entity is not None and not filters.stated_only
    assert (matching.walk is not None) is walked


@pytest.mark.parametrize("declaration", DECLARATIONS, ids=lambda d: d.name)
def test_each_filter_keeps_some_arrangements_and_drops_others(
    register: Register, declaration: SharingFilter
) -> None:
    """The examples exercise each filter: one of them keeps a proper,
    non-empty part of a controller's arrangements."""
    proper = []
    for cid, slug in register.controllers.items():
        index = build(register.session, cid, slug)
        for value in EXAMPLES[declaration.name]:
            try:
                found = matches(index, SharingFilters(**{declaration.name: value}))
            except InvalidInput:
                continue
            proper.append(0 < len(found) < len(index.items))
    assert any(proper)


def test_an_arrangement_alone_is_served_as_listed(client: TestClient) -> None:
    """One serialiser: ``/sharing/<slug>`` gives the very item the list gives."""
    listed = client.get("/api/v1/sharing", params={"limit": 100}).json()["items"]
    assert len(listed) > 30
    for item in listed:
        alone = client.get(f"/api/v1/sharing/{item['slug']}")
        assert alone.status_code == 200
        assert alone.json() == item
