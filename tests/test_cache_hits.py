"""Cache hits answered in front of every layer (app/fast_hits.py): the same
status, headers and bytes as the whole stack gives, with a fresh request id,
counted in the metrics; stale entries and other requests go through."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.services import services_of
from app.fast_hits import FastHits
from app.main import create_app
from tests.conftest import make_settings
from tests.test_cache import new_service

API = "/api/v1"
PATHS = [
    f"{API}/register",
    f"{API}/recipients",
    f"{API}/recipients/department-for-education",
    f"{API}/sharing",
    f"{API}/sharing?data_category=name&age=14",
]
KINDS: dict[str, dict[str, str]] = {
    "plain": {"Accept-Encoding": "identity"},
    "gzip": {"Accept-Encoding": "gzip"},
    "br": {"Accept-Encoding": "br, gzip"},
    "cors": {"Accept-Encoding": "identity", "Origin": "https://school.example"},
    "https": {"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"},
    "cors-https": {"Origin": "https://school.example", "X-Forwarded-Proto": "https"},
}


@dataclass
class Inner:
    """Counts the requests that reached the stack behind the fast-hit layer."""

    app: ASGIApp
    calls: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.calls += 1
        await self.app(scope, receive, send)


def instrument(app: FastAPI) -> Inner:
    app.middleware_stack = app.middleware_stack or app.build_middleware_stack()
    layer: Any = app.middleware_stack
    assert isinstance(layer, FastHits)
    inner = Inner(layer.app)
    layer.app = inner
    return inner


@pytest.fixture
def hot(seeded_db: str) -> Iterator[tuple[TestClient, Inner]]:
    """A cached app whose version reading stays trusted for a minute, so that
    whether a request is a hit does not depend on the machine's pauses."""
    app = create_app(
        make_settings(seeded_db, cache_version_interval=60.0, cache_version_max_age=60.0)
    )
    with TestClient(app) as client:
        yield client, instrument(app)
    services_of(app).engine.dispose()


def without_request_id(response: Any) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in response.headers.raw if k.lower() != b"x-request-id"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("path", PATHS)
def test_a_replayed_hit_is_the_stacks_answer_header_by_header(
    hot: tuple[TestClient, Inner], path: str, kind: str
) -> None:
    client, inner = hot
    headers = KINDS[kind]
    miss = client.get(path, headers=headers)  # routed: makes the entry
    through = client.get(path, headers=headers)  # a hit by the whole stack: recorded
    calls = inner.calls
    replayed = client.get(path, headers=headers)
    assert inner.calls == calls, "the replay ran the layers behind it"
    assert miss.status_code == through.status_code == replayed.status_code == 200
    assert replayed.content == through.content == miss.content
    assert without_request_id(replayed) == without_request_id(through)
    ids = {r.headers["x-request-id"] for r in (miss, through, replayed)}
    assert len(ids) == 3
    if "Origin" in headers:
        assert replayed.headers["access-control-allow-origin"] == "*"
    else:
        assert "access-control-allow-origin" not in replayed.headers
    assert ("strict-transport-security" in replayed.headers) == ("X-Forwarded-Proto" in headers)
    assert replayed.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", PATHS)
def test_not_modified_is_replayed_with_the_stacks_headers(
    hot: tuple[TestClient, Inner], path: str
) -> None:
    client, inner = hot
    etag = client.get(path, headers=KINDS["gzip"]).headers["etag"]
    conditional = {**KINDS["gzip"], "If-None-Match": etag}
    through = client.get(path, headers=conditional)
    calls = inner.calls
    replayed = client.get(path, headers=conditional)
    assert inner.calls == calls
    assert through.status_code == replayed.status_code == 304
    assert replayed.content == b""
    assert without_request_id(replayed) == without_request_id(through)


def test_a_clients_own_request_id_is_echoed(hot: tuple[TestClient, Inner]) -> None:
    client, inner = hot
    path = f"{API}/recipients"
    for _ in range(2):
        client.get(path)
    calls = inner.calls
    replayed = client.get(path, headers={"X-Request-ID": "school-mis-42"})
    assert inner.calls == calls
    assert replayed.headers["x-request-id"] == "school-mis-42"
    odd = client.get(path, headers={"X-Request-ID": "bad id\twith tab"})
    assert odd.headers["x-request-id"] != "bad id\twith tab"
    assert len(odd.headers["x-request-id"]) == 32


def test_replays_are_counted_in_the_metrics(hot: tuple[TestClient, Inner]) -> None:
    client, inner = hot
    path = f"{API}/recipients/department-for-education"
    for _ in range(2):
        client.get(path)
    calls = inner.calls
    for _ in range(5):
        assert client.get(path).status_code == 200
    assert inner.calls == calls
    text = client.get("/metrics").text
    line = next(
        line
        for line in text.splitlines()
        if line.startswith("http_requests_total{")
        and 'route="/api/v1/recipients/{slug}"' in line
        and 'method="GET"' in line
        and 'status="200"' in line
    )
    assert float(line.rsplit(" ", 1)[1]) == 7.0


def test_a_write_ends_the_replays_of_stale_entries(hot: tuple[TestClient, Inner]) -> None:
    client, inner = hot
    path = f"{API}/services?limit=500"
    before = [client.get(path) for _ in range(2)][-1]
    app: Any = client.app
    with services_of(app).sessions() as session:
        new_service(session, "replay-check")
    calls = inner.calls
    after = client.get(path)
    assert inner.calls == calls + 1
    assert "replay-check" in {item["slug"] for item in after.json()["items"]}
    assert after.headers["etag"] != before.headers["etag"]


def test_other_requests_go_through(hot: tuple[TestClient, Inner]) -> None:
    client, inner = hot
    path = f"{API}/recipients"
    for _ in range(2):
        client.get(path)
    for method, headers in [
        ("HEAD", {}),
        ("GET", {"Authorization": "Bearer nothing"}),
        ("GET", {"Cookie": "a=b"}),
    ]:
        calls = inner.calls
        client.request(method, path, headers=headers)
        assert inner.calls == calls + 1, method
    calls = inner.calls
    client.get("/healthz")
    client.get(f"{API}/recipients?limit=0")
    assert inner.calls == calls + 2
