"""The response cache: same answers as the routed path, fresh after writes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import anyio
import brotli
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.services import services_of
from app.cache import CacheState
from app.cache.entry import normalise_query
from app.cache.lru import ByteLRU
from app.cache.version import Reading, VersionWatcher
from app.db import make_engine, make_sessionmaker
from app.main import create_app
from app.register import entities as e
from app.register import writes
from app.register.models import Controller
from app.trail.chain import SYSTEM
from tests.conftest import make_settings
from tests.helpers import assert_problem, count_statements

API = "/api/v1"
IDENTITY = {"Accept-Encoding": "identity"}
HOT_PATHS = [
    f"{API}/recipients",
    f"{API}/recipients/department-for-education",
    f"{API}/sharing",
    f"{API}/sharing?data_category=name&age=14",
    f"{API}/data-categories?limit=5&offset=2",
]


PER_REQUEST_HEADERS = {b"x-request-id", b"date"}


def stable(response: Any) -> list[tuple[bytes, bytes]]:
    """The response's headers in order, less those outer layers set per request."""
    return [(k, v) for k, v in response.headers.raw if k.lower() not in PER_REQUEST_HEADERS]


def cache_of(app: FastAPI) -> CacheState:
    state: CacheState = services_of(app).cache
    return state


@pytest.fixture(scope="module")
def uncached(shared_db: str) -> Iterator[TestClient]:
    """The same database without the cache layer: the routed path's answers."""
    app = create_app(make_settings(shared_db, response_cache_enabled=False))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def fresh(shared_db: str) -> Iterator[TestClient]:
    """A cached app with an empty cache. The shared database never changes,
    so its version reading stays trusted for a minute: whether a request is
    a hit must not depend on this machine pausing for a second (it does)."""
    app = create_app(
        make_settings(shared_db, cache_version_interval=60.0, cache_version_max_age=60.0)
    )
    with TestClient(app) as client:
        yield client


def new_service(session: Session, slug: str) -> None:
    controller = session.scalars(select(Controller)).one()
    writes.create(
        session,
        e.SERVICES,
        controller,
        {"slug": slug, "name": f"Service {slug}", "sources": [{"kind": "notice", "quote": "x"}]},
        actor=SYSTEM,
    )
    session.commit()


def service_slugs(client: TestClient) -> set[str]:
    response = client.get(f"{API}/services", params={"limit": 500}, headers=IDENTITY)
    assert response.status_code == 200
    return {item["slug"] for item in response.json()["items"]}


@pytest.mark.parametrize("path", HOT_PATHS)
def test_hits_repeat_the_routed_bytes_and_headers(
    fresh: TestClient, uncached: TestClient, path: str
) -> None:
    routed = uncached.get(path, headers=IDENTITY)
    miss = fresh.get(path, headers=IDENTITY)
    hit = fresh.get(path, headers=IDENTITY)
    assert routed.status_code == miss.status_code == hit.status_code == 200
    assert routed.content == miss.content == hit.content
    assert stable(routed) == stable(miss) == stable(hit)
    assert "stale-while-revalidate" in hit.headers["cache-control"]
    state = cache_of(fresh.app)  # type: ignore[arg-type]
    layer_hits = _layer(fresh.app).hits  # type: ignore[arg-type]
    assert layer_hits >= 1
    assert len(state.lru) == 1


def _layer(app: FastAPI) -> Any:
    app.middleware_stack = app.middleware_stack or app.build_middleware_stack()
    layer: Any = app.middleware_stack
    while type(layer).__name__ != "ResponseCache":
        layer = layer.app
    return layer


def test_register_document_is_built_once_per_version_with_a_stable_etag(
    fresh: TestClient, uncached: TestClient
) -> None:
    first = fresh.get(f"{API}/register", headers=IDENTITY)
    second = fresh.get(f"{API}/register", headers=IDENTITY)
    assert first.content == second.content  # generated_at is the build time
    routed = [uncached.get(f"{API}/register", headers=IDENTITY) for _ in range(2)]
    assert {r.headers["etag"] for r in [first, second, *routed]} == {first.headers["etag"]}
    assert first.headers["etag"].startswith('W/"')
    assert routed[0].json()["digest"] == first.json()["digest"]
    not_modified = uncached.get(f"{API}/register", headers={"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        f"{API}/recipients?bogus=1",
        f"{API}/sharing?data_category=no-such-category",
        f"{API}/sharing?age=300",
        f"{API}/recipients?limit=100000",
        f"{API}/recipients/no-such-recipient",
    ],
)
def test_invalid_requests_reach_the_router_every_time(
    fresh: TestClient, uncached: TestClient, path: str
) -> None:
    valid = path.split("?")[0] if "?" in path else f"{API}/recipients"
    assert fresh.get(valid).status_code == 200  # a cached sibling changes nothing
    for _ in range(2):
        response = fresh.get(path, headers=IDENTITY)
        expected = uncached.get(path, headers=IDENTITY)
        body = assert_problem(response, expected.status_code)
        assert body == expected.json()
    assert len(cache_of(fresh.app).lru) == 1  # type: ignore[arg-type]


def test_equivalent_query_strings_share_an_entry_and_order_within_a_name_is_kept() -> None:
    assert normalise_query(b"limit=5&offset=2") == normalise_query(b"offset=2&limit=5")
    assert normalise_query(b"a=1&&b=2") == b"a=1&b=2"
    assert normalise_query(b"x=2&a=1&x=1") == b"a=1&x=2&x=1"
    # Spelt differently, the same name: the last value must still win.
    assert normalise_query(b"limit=1&l%69mit=2") != normalise_query(b"l%69mit=2&limit=1")


def test_conditional_get_answers_304_like_the_routed_path(
    fresh: TestClient, uncached: TestClient
) -> None:
    path = f"{API}/recipients"
    etag = fresh.get(path, headers=IDENTITY).headers["etag"]  # the routed path never compresses
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached = fresh.get(path, headers={"If-None-Match": header, **IDENTITY})
        routed = uncached.get(path, headers={"If-None-Match": header, **IDENTITY})
        assert cached.status_code == routed.status_code == 304
        assert cached.content == b""
        assert stable(cached) == stable(routed)
    changed = fresh.get(path, headers={"If-None-Match": '"stale"', **IDENTITY})
    assert changed.status_code == 200
    assert changed.headers["etag"] == etag


@pytest.mark.parametrize(
    ("accept_encoding", "coding"),
    [
        ("br, gzip", "br"),
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip;q=0.5", "gzip"),
        ("*", "br"),
        ("identity", None),
        ("", None),
    ],
)
def test_large_bodies_are_compressed_as_negotiated(
    fresh: TestClient, accept_encoding: str, coding: str | None
) -> None:
    path = f"{API}/register"
    plain = fresh.get(path, headers=IDENTITY)
    for _ in range(2):  # the miss that fills the variant, then a hit
        response = fresh.get(path, headers={"Accept-Encoding": accept_encoding})
        assert response.headers.get("content-encoding") == coding
        assert response.content == plain.content  # httpx decodes
        assert int(response.headers["content-length"]) == response.num_bytes_downloaded
        assert response.headers["etag"] == plain.headers["etag"]
        assert "Accept-Encoding" in response.headers["vary"]
    if coding is not None:
        assert response.num_bytes_downloaded < len(plain.content) / 3


def test_small_bodies_are_not_compressed(fresh: TestClient) -> None:
    # A page past the last entry: an empty list, a body of a few dozen bytes.
    response = fresh.get(f"{API}/lawful-bases?offset=100", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert len(response.content) < 1024
    assert "content-encoding" not in response.headers


def test_brotli_variant_is_real_brotli(fresh: TestClient) -> None:
    import httpx

    transport = httpx.Client(transport=fresh._transport, base_url="http://testserver")  # type: ignore[attr-defined]
    with transport.stream("GET", f"{API}/sharing", headers={"Accept-Encoding": "br"}) as raw:
        compressed = b"".join(raw.iter_raw())
    plain = fresh.get(f"{API}/sharing", headers=IDENTITY).content
    assert brotli.decompress(compressed) == plain


def test_a_write_is_read_back_at_once(write_client: TestClient, session: Session) -> None:
    before = write_client.get(f"{API}/register", headers=IDENTITY).json()["digest"]
    assert "fresh-service" not in service_slugs(write_client)
    assert "fresh-service" not in service_slugs(write_client)  # now a cache hit
    new_service(session, "fresh-service")  # committed through the app's sessionmaker
    assert "fresh-service" in service_slugs(write_client)
    after = write_client.get(f"{API}/register", headers=IDENTITY).json()["digest"]
    assert after != before


def test_note_write_invalidates_for_writes_made_elsewhere(
    write_client: TestClient, seeded_db: str
) -> None:
    app: FastAPI = write_client.app  # type: ignore[assignment]
    assert "elsewhere" not in service_slugs(write_client)
    engine = make_engine(seeded_db, pool_size=1, max_overflow=0)
    try:
        with make_sessionmaker(engine)() as other:  # not the app's sessionmaker
            new_service(other, "elsewhere")
    finally:
        engine.dispose()
    services_of(app).cache.watcher.note_write(None)
    assert "elsewhere" in service_slugs(write_client)


def test_every_instance_sees_a_write_within_a_second(seeded_db: str) -> None:
    writer_app = create_app(make_settings(seeded_db))
    reader_app = create_app(make_settings(seeded_db))
    with TestClient(writer_app) as writer, TestClient(reader_app) as reader:
        assert "across" not in service_slugs(reader)
        assert "across" not in service_slugs(writer)
        with services_of(writer_app).sessions() as session:
            new_service(session, "across")
        committed = time.monotonic()
        assert "across" in service_slugs(writer)  # read-your-writes
        while "across" not in service_slugs(reader):
            assert time.monotonic() - committed < 1.0, "stale after a second"
            time.sleep(0.01)
        for _ in range(20):  # and never stale again
            assert "across" in service_slugs(reader)
    assert cache_of(reader_app).watcher.queries < 50  # polling, not a query per request


def test_a_due_reading_is_renewed_in_the_background_without_waiting(seeded_db: str) -> None:
    """Past ``interval`` the last reading is still served (it is within
    ``max_age``) while one re-reading runs in a thread; nothing waits for it."""
    watcher = VersionWatcher(seeded_db, interval=0.01, max_age=60.0)
    engine = make_engine(seeded_db, pool_size=1, max_overflow=0)
    try:
        first = anyio.run(watcher.current)
        assert first is not None
        started, release = threading.Event(), threading.Event()
        reads = 0
        read = watcher._read

        def held_read(upto: int | None) -> Reading:
            nonlocal reads
            reads += 1
            started.set()
            assert release.wait(30)
            return read(upto)

        watcher._read = held_read  # type: ignore[method-assign]
        with make_sessionmaker(engine)() as other:
            new_service(other, "elsewhere")
        time.sleep(0.02)  # the reading is now due
        assert watcher.fresh() == first  # answered while the re-reading is held
        assert started.wait(30)
        assert watcher.fresh() == first
        assert reads == 1  # one re-reading at a time
        release.set()
        deadline = time.monotonic() + 30
        while watcher.version == first:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert watcher.version is not None
        assert watcher.version > first
    finally:
        release.set()
        watcher.close()
        engine.dispose()


def test_a_reading_older_than_its_max_age_is_not_served(seeded_db: str) -> None:
    # Aged by hand rather than by sleeping: a reading taking longer than a
    # short max_age on a busy machine would never be trusted at all.
    watcher = VersionWatcher(seeded_db, interval=0.5, max_age=5.0)
    try:
        assert anyio.run(watcher.current) is not None
        watcher.checked_at -= 6.0  # the reading is now older than max_age
        assert watcher.fresh() is None
        assert anyio.run(watcher.current) is not None  # re-read, waited for
        assert watcher.fresh() is not None
    finally:
        watcher.close()


def test_the_cache_stays_within_its_byte_budget(shared_db: str) -> None:
    # Room for a few /sharing pages (an entry may take an eighth of the budget), not 30.
    budget = 1_600_000
    app = create_app(make_settings(shared_db, response_cache_max_bytes=budget))
    lru = cache_of(app).lru
    with TestClient(app) as client:
        for offset in range(30):
            response = client.get(f"{API}/sharing", params={"offset": offset})
            assert response.status_code == 200
            assert lru.used <= budget
        assert 0 < len(lru) < 30
        latest = client.get(f"{API}/sharing", params={"offset": 29}, headers=IDENTITY)
        assert latest.status_code == 200


def test_byte_lru_evicts_least_recently_used_first() -> None:
    lru = ByteLRU(100)
    lru.put("a", 1, 40)
    lru.put("b", 2, 40)
    assert lru.get("a") == 1  # b is now the oldest
    lru.put("c", 3, 40)
    assert lru.get("b") is None
    assert lru.get("a") == 1
    assert lru.used == 80
    assert not lru.put("huge", 4, 101)
    lru.grow("a", 30)
    assert lru.used <= 100
    assert lru.get("c") is None


def test_the_routed_register_is_built_once_per_data_version(seeded_db: str) -> None:
    """Requests the response cache lets through (its version reading too old,
    or the cache off) reuse the document built for the same data version,
    and never one built before a write."""
    app = create_app(make_settings(seeded_db, response_cache_enabled=False))
    with TestClient(app) as client:
        first = client.get(f"{API}/register", headers=IDENTITY)
        assert first.status_code == 200
        with count_statements(services_of(app).engine) as statements:
            again = client.get(f"{API}/register", headers=IDENTITY)
        assert again.status_code == 200
        # The controller, then the chain head (the key): no entity read.
        assert len(statements) == 2, statements
        assert again.json()["digest"] == first.json()["digest"]
        assert again.headers["etag"] == first.headers["etag"]
        assert again.json()["generated_at"] >= first.json()["generated_at"]

        with make_sessionmaker(services_of(app).engine)() as session:
            new_service(session, "memo-check")
        after = client.get(f"{API}/register", headers=IDENTITY)
        assert after.json()["data_version"] == first.json()["data_version"] + 1
        assert "memo-check" in {s["slug"] for s in after.json()["services"]}
        assert after.json()["digest"] != first.json()["digest"]
