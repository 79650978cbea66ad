"""Cache validity per controller: a write to one controller changes that
controller's answers and ETags at once, and leaves every other controller's
cached answers served from the cache, byte for byte, with the same ETag."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.services import services_of
from app.db import session_scope
from app.interchange.loading import sync_register
from app.interchange.seed import read_seed_dir
from app.main import create_app
from app.register.data_versions import controller_version_query
from app.trail.chain import SYSTEM
from tests.conftest import SEED_DIR, make_key, make_settings
from tests.helpers import count_statements

API = "/api/v1"
A = "cambridgeshire-county-council"
B = "other-county-council"
IDENTITY = {"Accept-Encoding": "identity"}
RENAMED = "Nexus, renamed"

RESOURCES = {
    "register": ("/register", {}),
    "register as JSON-LD": ("/register.jsonld", {}),
    "ICO CSV export": ("/register.csv", {}),
    "TILT export": ("/register.tilt.json", {}),
    "recipients list": ("/recipients", {"limit": "500"}),
    "recipient detail": ("/recipients/nexus", {}),
    "sharing": ("/sharing", {"recipient": "nexus"}),
    "completeness audit": ("/register/audit", {}),
}


def add_other_controller(app: FastAPI) -> None:
    """The seed register again, under a second controller's slug."""
    (content,) = read_seed_dir(SEED_DIR)
    content.controller.entries = [
        {**content.controller.entries[0], "slug": B, "name": "Other County Council"}
    ]
    with session_scope(services_of(app).sessions) as session:
        sync_register(session, content, actor=SYSTEM, number_entries=True)


@pytest.fixture
def two(seeded_db: str) -> Iterator[TestClient]:
    """Two controllers, cached. The version reading stays trusted for a
    minute, so whether a request is a hit depends on the writes alone (this
    process notes its own writes at once) and not on the machine's pauses."""
    app = create_app(
        make_settings(seeded_db, cache_version_interval=60.0, cache_version_max_age=60.0)
    )
    add_other_controller(app)
    with TestClient(app) as client:
        yield client
    services_of(app).engine.dispose()


def layer(client: TestClient) -> Any:
    app: Any = client.app
    app.middleware_stack = app.middleware_stack or app.build_middleware_stack()
    found: Any = app.middleware_stack
    while type(found).__name__ != "ResponseCache":
        found = found.app
    return found


def get(client: TestClient, resource: str, controller: str | None) -> Any:
    path, params = RESOURCES[resource]
    if controller is not None:
        params = {**params, "controller": controller}
    response = client.get(API + path, params=params, headers=IDENTITY)
    assert response.status_code == 200, response.text
    return response


def rename_nexus(client: TestClient, controller: str = A, name: str = RENAMED) -> None:
    """A write to one controller over HTTP: its recipient ``nexus`` renamed."""
    app: Any = client.app
    auth = {"Authorization": f"Bearer {make_key(app, 'register:write')}"}
    path = f"{API}/recipients/nexus?controller={controller}"
    etag = client.get(path).headers["etag"]
    response = client.patch(path, json={"name": name}, headers={**auth, "If-Match": etag})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_write_to_one_controller_leaves_the_others_cached(two: TestClient, resource: str) -> None:
    before_a = get(two, resource, A)
    before_b = get(two, resource, B)
    assert get(two, resource, B).content == before_b.content  # now cached
    cache = layer(two)

    rename_nexus(two)

    hits = cache.hits
    after_a = get(two, resource, A)  # read-your-writes, at once
    assert cache.hits == hits, "A's entry must not survive a write to A"
    assert after_a.content != before_a.content
    assert after_a.headers["etag"] != before_a.headers["etag"]
    if resource != "register as JSON-LD":  # RDF prose need not name the recipient
        assert RENAMED in after_a.text

    after_b = get(two, resource, B)
    assert cache.hits == hits + 1, "B's entry must be served from the cache"
    assert after_b.content == before_b.content
    assert after_b.headers["etag"] == before_b.headers["etag"]
    assert RENAMED not in after_b.text
    revalidated = two.get(
        after_b.url, headers={**IDENTITY, "If-None-Match": before_b.headers["etag"]}
    )
    assert revalidated.status_code == 304
    assert cache.hits == hits + 2


@pytest.mark.parametrize("resource", ["recipients list", "sharing"])
def test_answers_spanning_controllers_change_with_any_write(two: TestClient, resource: str) -> None:
    before = get(two, resource, None)
    assert get(two, resource, None).content == before.content
    cache = layer(two)
    rename_nexus(two)
    hits = cache.hits
    after = get(two, resource, None)
    assert cache.hits == hits
    assert after.headers["etag"] != before.headers["etag"]
    assert RENAMED in after.text


def test_reference_data_changes_every_controller(two: TestClient) -> None:
    """Lawful bases name no controller; every register may cite them."""
    before = {c: get(two, "register", c) for c in (A, B)}
    app: Any = two.app
    auth = {"Authorization": f"Bearer {make_key(app, 'register:write')}"}
    path = f"{API}/lawful-bases/" + two.get(f"{API}/lawful-bases").json()["items"][0]["slug"]
    etag = two.get(path).headers["etag"]
    patched = two.patch(path, json={"name": "A basis renamed"}, headers={**auth, "If-Match": etag})
    assert patched.status_code == 200, patched.text
    cache = layer(two)
    hits = cache.hits
    for controller in (A, B):
        after = get(two, "register", controller)
        assert after.json()["data_version"] > before[controller].json()["data_version"]
    assert cache.hits == hits


def test_a_controller_keeps_its_data_version_and_etag_through_others_writes(
    seeded_db: str,
) -> None:
    """The routed path itself (no response cache): B's register keeps its
    stamps, ETag and kept snapshot; its /sharing index is not rebuilt."""
    app = create_app(make_settings(seeded_db, response_cache_enabled=False))
    add_other_controller(app)
    services = services_of(app)
    with TestClient(app) as client:
        before = get(client, "register", B)
        get(client, "sharing", B)
        index = services.sharing.lru.get(controller_id(client, B))
        assert index is not None
        rename_nexus(client)
        with count_statements(services.engine) as statements:
            after = get(client, "register", B)
        assert len(statements) == 2, statements  # the controller, its version: no rebuild
        assert after.json()["data_version"] == before.json()["data_version"]
        assert after.headers["etag"] == before.headers["etag"]
        assert after.json()["digest"] == before.json()["digest"]
        get(client, "sharing", B)
        assert services.sharing.lru.get(controller_id(client, B)) is index
        renamed = get(client, "register", A)
        assert renamed.json()["data_version"] > before.json()["data_version"]


def controller_id(client: TestClient, slug: str) -> int:
    app: Any = client.app
    known = services_of(app).sharing.controllers
    assert known is not None
    (found,) = (cid for cid, name in known.by_id.items() if name == slug)
    return found


def test_another_worker_sees_a_write_within_a_second_and_keeps_the_rest(
    seeded_db: str,
) -> None:
    writer_app = create_app(make_settings(seeded_db))
    add_other_controller(writer_app)
    reader_app = create_app(make_settings(seeded_db))
    with TestClient(writer_app) as writer, TestClient(reader_app) as reader:
        old_b = get(reader, "recipient detail", B)
        old_a = get(reader, "recipient detail", A)
        rename_nexus(writer)
        committed = time.monotonic()
        while RENAMED not in get(reader, "recipient detail", A).text:
            assert time.monotonic() - committed < 1.0, "stale after a second"
            time.sleep(0.01)
        cache = layer(reader)
        hits = cache.hits
        again = get(reader, "recipient detail", B)
        assert cache.hits == hits + 1
        assert again.headers["etag"] == old_b.headers["etag"]
        assert old_a.headers["etag"] != get(reader, "recipient detail", A).headers["etag"]
    for app in (writer_app, reader_app):
        services_of(app).engine.dispose()


@pytest.mark.postgres_only
def test_the_last_reference_event_is_read_along_the_controller_index(
    two: TestClient, backend: str
) -> None:
    """Reference data is loaded first, so its last event is far back: the
    lookup must walk ``ix_audit_events_controller_seq``, not the primary key
    backwards through every later event (which PostgreSQL chose for max(seq))."""
    app: Any = two.app
    engine = services_of(app).engine
    statement = controller_version_query(A).compile(
        dialect=engine.dialect, compile_kwargs={"literal_binds": True}
    )
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE audit_events")
        plan = "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {statement}"))
    lookup = plan.index("Index Cond: (controller IS NULL)")
    assert "ix_audit_events_controller_seq" in plan[plan.rindex("->", 0, lookup) : lookup], plan
