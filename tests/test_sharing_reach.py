"""``sharing_category_reach`` stays equal to what the register says, after any write.

The table is derived (app.register.reach): a stale row would make a
cross-controller ``data_category`` page miss or invent arrangements. Each
test compares it with an independent computation (category lineages,
computed the plain way in this file) after real writes over HTTP.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from app.api.services import services_of
from app.db import make_engine, make_sessionmaker, session_scope
from app.interchange.seed import load_seed
from app.migrate import downgrade, upgrade
from app.register import models as m
from app.register import reach
from app.register.reach import COLUMNS
from app.register.scope import resolve_controllers
from app.sharing import sql as sharing_sql
from app.sharing import sqlparts
from app.sharing.declarations import SharingFilters
from tests.conftest import SEED_DIR
from tests.databases import DatabaseFactory
from tests.helpers import assert_problem, etag

API = "/api/v1"
SOURCE = [{"kind": "notice", "quote": "We share information about children"}]
Row = tuple[int, str, int, int, str]
GROUP = "personal-identifying-information"


def expected(session: Session) -> set[Row]:
    """Every (arrangement, category slug it reaches, its list-order key),
    computed here the plain way: a category reaches itself, its ancestors
    and every category with it among their ancestors."""
    dc = m.DataCategory
    categories = session.execute(select(dc.id, dc.group_id, dc.slug)).all()
    parent = {row.id: row.group_id for row in categories}
    slug_of = {row.id: row.slug for row in categories}

    def lineage(category: int | None) -> set[int]:
        found: set[int] = set()
        while category is not None and category not in found:
            found.add(category)
            category = parent[category]
        return found

    lineages = {category: lineage(category) for category in parent}
    linked: dict[int, list[int]] = defaultdict(list)
    link = m.sharing_data_categories
    for sharing_id, category_id in session.execute(
        select(link.c.sharing_id, link.c.data_category_id)
    ):
        linked[sharing_id].append(category_id)
    sa = m.SharingArrangement
    keys = {
        row.id: (row.controller_id, row.position, row.slug)
        for row in session.execute(select(sa.id, sa.controller_id, sa.position, sa.slug))
    }
    rows = set()
    for sharing_id, ids in linked.items():
        for category in ids:
            below = {other for other, above in lineages.items() if category in above}
            for reached in lineages[category] | below:
                rows.add((sharing_id, slug_of[reached], *keys[sharing_id]))
    return rows


def stored(session: Session) -> set[Row]:
    r = m.SharingCategoryReach
    columns = (r.sharing_id, r.category_slug, r.controller_id, r.position, r.slug)
    rows = session.execute(select(*columns))
    return {tuple(row) for row in rows}  # type: ignore[misc]


def assert_in_step(app: FastAPI) -> set[Row]:
    with services_of(app).sessions() as session:
        want = expected(session)
        assert stored(session) == want
    return want


def patch(client: TestClient, auth: dict[str, str], path: str, body: dict[str, Any]) -> Any:
    headers = {
        **auth,
        "If-Match": etag(client, path),
        "Content-Type": "application/merge-patch+json",
    }
    return client.patch(path, json=body, headers=headers)


def test_the_seed_register_reaches_groups_through_their_items(app: FastAPI) -> None:
    rows = assert_in_step(app)
    reached = {(row[4], row[1]) for row in rows}
    # The notice states one category shared ("such as their contact details");
    # from 13 "we pass their details" states none.
    assert ("youth-support-services-neet-16-plus", "contact-details") in reached
    assert not {row for row in reached if row[0] == "youth-support-services-from-13"}


def test_every_kind_of_write_keeps_the_table_in_step(
    app: FastAPI, write_client: TestClient, auth: dict[str, str]
) -> None:
    client = write_client
    before = assert_in_step(app)
    created = client.post(
        f"{API}/sharing",
        json={
            "slug": "reach-test",
            "name": "Reach test",
            "recipient": "nexus",
            "data_categories": ["personal-characteristics"],
            "sources": SOURCE,
        },
        headers=auth,
    )
    assert created.status_code == 201, created.text
    after_create = assert_in_step(app)
    added = {(row[4], row[1]) for row in after_create - before}
    assert ("reach-test", "personal-characteristics") in added
    assert ("reach-test", "ethnicity") in added  # sharing a group shares its items

    changes: list[tuple[str, str, dict[str, Any] | None]] = [
        ("patch", f"{API}/sharing/reach-test", {"data_categories": ["name"]}),
        ("patch", f"{API}/sharing/reach-test", {"position": 0}),
        ("put", f"{API}/sharing/reach-test/data-categories/ethnicity", None),
        ("patch", f"{API}/data-categories/ethnicity", {"group": GROUP}),
        ("delete", f"{API}/sharing/reach-test/data-categories/name", None),
        ("patch", f"{API}/data-categories/ethnicity", {"group": None}),
        ("delete", f"{API}/sharing/reach-test", None),
    ]
    for method, path, body in changes:
        if method == "patch":
            assert body is not None
            response = patch(client, auth, path, body)
        else:
            target = path.rsplit("/data-categories/", 1)[0]  # a link's arrangement
            headers = {**auth, "If-Match": etag(client, target)}
            response = client.request(method.upper(), path, headers=headers)
        assert response.status_code in (200, 204), (path, response.text)
        rows = assert_in_step(app)
        mine = {row[1:] for row in rows if row[4] == "reach-test"}
        if body == {"group": GROUP}:  # moved under a group
            assert (GROUP, 1, 0, "reach-test") in mine
        if body == {"group": None}:  # name unlinked, ethnicity a root again
            assert mine == {("ethnicity", 1, 0, "reach-test")}
    assert not any(row[4] == "reach-test" for row in rows)
    assert rows


def test_a_refused_write_leaves_the_table_as_it_was(
    app: FastAPI, write_client: TestClient, auth: dict[str, str]
) -> None:
    before = assert_in_step(app)
    # A loop in the groups is refused after the change was applied in the session.
    response = patch(
        write_client,
        auth,
        f"{API}/data-categories/personal-identifying-information",
        {"group": "name"},
    )
    assert_problem(response, 422)
    assert assert_in_step(app) == before


def test_the_migration_fills_the_table_for_data_already_there(databases: DatabaseFactory) -> None:
    url = databases.create()
    upgrade(url)
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        factory = make_sessionmaker(engine)
        with session_scope(factory) as session:
            load_seed(session, SEED_DIR)
        with factory() as session:
            want = expected(session)
            assert want
            assert stored(session) == want
        engine.dispose()
        downgrade(url, "9c4e2b7d1a30")  # drops the table
        upgrade(url)  # creates and fills it
        with factory() as session:
            assert stored(session) == want
    finally:
        engine.dispose()


def test_walks_across_controllers_skip_nothing_and_show_each_arrangement_once(
    app: FastAPI, write_client: TestClient, auth: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several category slugs, each its own walk, merged: an arrangement
    reaching two of them is listed once, in list order, on every page."""
    for slug, categories in (("both", ["name", "ethnicity"]), ("one", ["ethnicity"])):
        response = write_client.post(
            f"{API}/sharing",
            json={
                "slug": slug,
                "name": slug,
                "recipient": "nexus",
                "data_categories": categories,
                "sources": SOURCE,
                "position": 1,
            },
            headers=auth,
        )
        assert response.status_code == 201, response.text
    filters = SharingFilters(data_category=["name", "ethnicity", "address"])
    with services_of(app).sessions() as session:
        # A second controller holding none of them: the walks cross it.
        other = m.Controller(slug="other", name="Other", sources=[])
        session.add(other)
        session.commit()
        by_ids = sharing_sql.list_sharing(
            session, filters, resolve_controllers(session, []), limit=500, offset=0
        )
        monkeypatch.setattr(sqlparts, "id_list_limit", lambda _session, _scope: 0)
        scope = resolve_controllers(session, [])
        matching = sharing_sql.sharing_matching(session, filters, scope)
        assert matching.walk is not None
        assert len(matching.walk.values) == 3
        walked = sharing_sql.list_sharing(session, filters, scope, limit=500, offset=0)
        assert walked.items == by_ids.items
        slugs = [item["slug"] for item in walked.items]
        assert len(slugs) == len(set(slugs))
        assert {"both", "one"} <= set(slugs)
        paged: list[dict[str, Any]] = []
        cursor = None
        for _ in range(len(slugs)):
            page = sharing_sql.list_sharing(
                session, filters, scope, limit=2, offset=0, cursor=cursor
            )
            paged += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
        assert paged == walked.items
        by_offset = sharing_sql.list_sharing(session, filters, scope, limit=2, offset=2)
        assert by_offset.items == walked.items[2:4]
        beyond = sharing_sql.list_sharing(session, filters, scope, limit=2, offset=50)
        assert (beyond.items, beyond.total) == ([], len(slugs))


def test_refreshing_every_controller_repairs_missing_and_wrong_rows(
    app: FastAPI, write_client: TestClient, auth: dict[str, str]
) -> None:
    shared = {"data_categories": ["personal-identifying-information"]}
    assert patch(write_client, auth, f"{API}/sharing/police", shared).status_code == 200
    want = assert_in_step(app)
    r = m.SharingCategoryReach
    with session_scope(services_of(app).sessions) as session:
        first, second = sorted(want)[:2]
        session.execute(delete(r).where(r.sharing_id == first[0], r.category_slug == first[1]))
        session.execute(
            update(r)
            .where(r.sharing_id == second[0], r.category_slug == second[1])
            .values(position=second[3] + 1000)
        )
        session.execute(
            insert(r).values(dict(zip(COLUMNS, (second[0], "invented", *second[2:]), strict=True)))
        )
    with services_of(app).sessions() as session:
        assert stored(session) != want
    with session_scope(services_of(app).sessions) as session:
        reach.refresh(session, None)
    assert assert_in_step(app) == want
