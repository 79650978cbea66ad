"""Security and observability over HTTP: headers on every response (errors
included), nothing internal in error bodies, keys never in logs, failed
authentication slowed down, request ids and Prometheus metrics."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.exc import OperationalError, ProgrammingError

from app.api.services import services_of
from app.main import create_app
from app.observability.logs import JsonFormatter, RequestIdFilter, scrub
from tests.conftest import make_key, make_settings
from tests.helpers import assert_problem
from tests.servers import AppServer
from tests.test_auth import api_routes

LEAKS = re.compile(r"Traceback|File \"|sqlalchemy|psycopg|SELECT |INSERT |secret-table")
SECURITY_HEADERS = ("x-content-type-options", "referrer-policy", "content-security-policy")
SERVICE = {"slug": "sec-service", "name": "S", "sources": [{"kind": "notice", "quote": "x"}]}


def assert_secure(response: Any, *, https: bool = False) -> None:
    for name in SECURITY_HEADERS:
        assert response.headers.get(name), f"{name} missing on {response.request.url}"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert ("strict-transport-security" in response.headers) is https, response.request.url
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])


# --- security headers ------------------------------------------------------------


def _get_paths(app: FastAPI) -> list[str]:
    """Every GET route of the app (pages and API, documented or not), its path
    parameters filled with seed values or with values that do not exist."""
    values = {"slug": "nexus", "controller": "cambridgeshire-county-council"}
    values |= {"section": "recipients", "name": "app.css"}
    paths = []
    for route in api_routes(app.routes):
        if "GET" in route.methods:
            paths.append(re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), "x"), route.path))
    assert len(paths) > 40, "the route walk found too few GET routes"
    return paths


def test_every_get_route_sends_the_security_headers(client: TestClient) -> None:
    paths = _get_paths(client.app)  # type: ignore[arg-type]
    statuses = set()
    for path in paths:
        for _ in range(2):  # the second may be a response-cache hit
            response = client.get(path)
            statuses.add(response.status_code)
            assert_secure(response)
    assert {200, 404} <= statuses
    assert_secure(
        client.get("/api/v1/recipients", headers={"X-Forwarded-Proto": "https"}), https=True
    )
    etag = client.get("/api/v1/recipients").headers["etag"]
    not_modified = client.get("/api/v1/recipients", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert_secure(not_modified)


@pytest.fixture
def limited_app(seeded_db: str) -> Iterator[FastAPI]:
    """The app with small limits, and a route that fails like a bug would."""
    app = create_app(make_settings(seeded_db, auth_failure_limit=3, auth_failure_window=2.0))

    @app.get("/test-only/bug", include_in_schema=False)
    def bug() -> None:
        raise RuntimeError("SELECT password FROM secret-table")

    @app.get("/test-only/sql-error", include_in_schema=False)
    def sql_error() -> None:
        raise ProgrammingError("SELECT * FROM secret-table WHERE x = %s", ("v",), Exception())

    @app.get("/test-only/db-down", include_in_schema=False)
    def db_down() -> None:
        raise OperationalError("SELECT 1 FROM secret-table", {}, Exception("connection refused"))

    yield app
    services_of(app).engine.dispose()


def test_every_kind_of_error_is_a_problem_with_the_headers_and_nothing_internal(
    limited_app: FastAPI,
) -> None:
    writer = {"Authorization": f"Bearer {make_key(limited_app, 'register:write')}"}
    with TestClient(limited_app, raise_server_exceptions=False) as client:
        errors = {
            404: client.get("/api/v1/no-such-thing"),
            405: client.put("/api/v1/recipients"),
            409: client.post(
                "/api/v1/recipients", json={**SERVICE, "slug": "nexus"}, headers=writer
            ),
            413: client.post(
                "/api/v1/services",
                content=b"{" + b" " * 2_000_000 + b"}",
                headers={**writer, "Content-Type": "application/json"},
            ),
            415: client.post(
                "/api/v1/services", content=b"x", headers={**writer, "Content-Type": "text/plain"}
            ),
            422: client.get("/api/v1/recipients", params={"limit": "-1"}),
            428: client.patch("/api/v1/recipients/nexus", json={}, headers=writer),
            500: client.get("/test-only/bug"),
            503: client.get("/test-only/db-down"),
        }
        errors[401] = client.post("/api/v1/services", json=SERVICE)
        for _ in range(2):
            client.post("/api/v1/services", json=SERVICE, headers={"Authorization": "Bearer x"})
        errors[429] = client.post("/api/v1/services", json=SERVICE)
        sql_error = client.get("/test-only/sql-error")
    for status, response in [*errors.items(), (500, sql_error)]:
        body = assert_problem(response, status)
        assert_secure(response)
        assert not LEAKS.search(response.text), response.text
        assert body["status"] == response.status_code
    assert errors[503].headers["retry-after"]


# --- failed authentication is slowed down ---------------------------------------------


def test_repeated_failed_authentication_is_answered_429_until_the_window_passes(
    limited_app: FastAPI,
) -> None:
    valid = {"Authorization": f"Bearer {make_key(limited_app, 'register:write')}"}
    wrong = {"Authorization": "Bearer dsr_000000000000_wrong-secret-value"}
    attacker = TestClient(limited_app, client=("203.0.113.9", 4000))
    neighbour = TestClient(limited_app, client=("198.51.100.7", 4000))
    with attacker, neighbour:
        for _ in range(3):
            assert_problem(attacker.post("/api/v1/services", json=SERVICE, headers=wrong), 401)
        refused = attacker.post("/api/v1/services", json=SERVICE, headers=wrong)
        body = assert_problem(refused, 429)
        assert body["type"].endswith("too-many-failed-authentications")
        assert 1 <= int(refused.headers["retry-after"]) <= 2
        # While blocked, tokens naming no key wait: no more guessing. A valid key
        # from the same address (a proxy shared with the attacker) is judged by
        # its own failures, and works.
        assert_problem(attacker.get("/api/v1/keys", headers=wrong), 429)
        assert_problem(attacker.post("/api/v1/services", json=SERVICE), 429)
        shared = attacker.post(
            "/api/v1/services", json={**SERVICE, "slug": "behind-proxy"}, headers=valid
        )
        assert shared.status_code == 201, shared.text
        # Other clients are not affected; reads are never limited.
        assert neighbour.post("/api/v1/services", json=SERVICE, headers=valid).status_code == 201
        assert attacker.get("/api/v1/services").status_code == 200
        time.sleep(int(refused.headers["retry-after"]) + 0.1)
        created = attacker.post(
            "/api/v1/services", json={**SERVICE, "slug": "after-wait"}, headers=valid
        )
        assert created.status_code == 201, created.text


def test_429_is_documented_wherever_authentication_is(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    authenticated = [op for op in operations if "401" in op["responses"]]
    assert len(authenticated) > 40
    for operation in authenticated:
        assert "Retry-After" in operation["responses"]["429"]["headers"]


# --- logs ---------------------------------------------------------------------------


@contextmanager
def captured_logs() -> Iterator[list[str]]:
    """Every log line, formatted as in production, SQL statements included."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect(level=logging.DEBUG)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    levels = {
        name: logging.getLogger(name).level for name in ("", "app.access", "sqlalchemy.engine")
    }
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    logging.getLogger("app.access").setLevel(logging.INFO)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def test_keys_never_reach_the_logs(app: FastAPI) -> None:
    key = make_key(app, "register:write", "keys:admin")
    secret = key.split("_", 2)[2]
    key_id = key.split("_", 2)[1]
    with captured_logs() as lines, TestClient(app, raise_server_exceptions=False) as client:
        valid = {"Authorization": f"Bearer {key}"}
        assert client.post("/api/v1/services", json=SERVICE, headers=valid).status_code == 201
        wrong = {"Authorization": f"Bearer dsr_{key_id}_{secret[::-1]}"}
        assert_problem(client.post("/api/v1/services", json=SERVICE, headers=wrong), 401)
        assert_problem(client.get("/api/v1/services", params={"key": key}), 422)
        created = client.post(
            "/api/v1/keys", json={"name": "new", "scopes": ["register:write"]}, headers=valid
        )
        new_key = created.json()["key"]
        logging.getLogger("app.test").warning(
            "oops, logged a header: Authorization: Bearer %s", key
        )
        logging.getLogger("app.test").warning(
            "and a dict: %r", {"authorization": f"Basic {secret}"}
        )
    output = "\n".join(lines)
    assert len(lines) > 10
    assert "INSERT INTO services" in output
    for leaked in (key, secret, secret[::-1], new_key, new_key.split("_", 2)[2]):
        assert leaked not in output
    assert f"dsr_{key_id}_[redacted]" in output


def test_every_log_line_is_json_with_the_request_id(app: FastAPI) -> None:
    with captured_logs() as lines, TestClient(app) as client:
        first = client.get("/api/v1/recipients/nexus", headers={"X-Request-ID": "trace-abc.1"})
        second = client.get("/api/v1/no-such-thing")
    entries = [json.loads(line) for line in lines]
    assert all({"ts", "level", "logger", "msg", "request_id"} <= set(e) for e in entries)
    access = [e for e in entries if e["logger"] == "app.access"]
    assert [(e["request_id"], e["status"], e["route"]) for e in access] == [
        ("trace-abc.1", 200, "/api/v1/recipients/{slug}"),
        (second.headers["x-request-id"], 404, "<unmatched>"),
    ]
    assert first.headers["x-request-id"] == "trace-abc.1"
    during = [e for e in entries if e["logger"].startswith("sqlalchemy")]
    assert any(e["request_id"] == "trace-abc.1" for e in during)  # SQL of the request
    ids = {"trace-abc.1", second.headers["x-request-id"], None}  # None: outside a request
    assert {e["request_id"] for e in entries} <= ids


def test_scrub_removes_keys_and_credentials() -> None:
    line = (
        'x dsr_0a1b2c3d4e5f_AbC-dEf_123456 y "authorization": "Bearer abc.def-ghi" basic dXNlcjpw'
    )
    assert scrub(line) == (
        'x dsr_0a1b2c3d4e5f_[redacted] y "authorization": "Bearer [redacted]" basic [redacted]'
    )


# --- request ids ----------------------------------------------------------------------


def test_request_ids_round_trip_and_reach_the_audit_trail(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    sent = write_client.get("/healthz", headers={"X-Request-ID": "client-id:42"})
    assert sent.headers["x-request-id"] == "client-id:42"
    for insane in ("x" * 101, "has space", "-leading-dash", 'quote"d', "ünïcode"):
        answered = write_client.get("/healthz", headers={"X-Request-ID": insane.encode()})
        assert re.fullmatch(r"[0-9a-f]{32}", answered.headers["x-request-id"]), insane
    generated = {write_client.get("/healthz").headers["x-request-id"] for _ in range(5)}
    assert len(generated) == 5
    created = write_client.post(
        "/api/v1/services", json=SERVICE, headers={**auth, "X-Request-ID": "write-7"}
    )
    assert created.status_code == 201
    events = write_client.get("/api/v1/changes", params={"slug": "sec-service"}).json()["items"]
    assert [e["request_id"] for e in events] == ["write-7"]


# --- metrics --------------------------------------------------------------------------


def _samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def test_metrics_count_requests_per_route_template(write_client: TestClient) -> None:
    for slug in ("nexus", "welfare-call", "fft-aspire", "nexus"):  # the second nexus: a cache hit
        assert write_client.get(f"/api/v1/recipients/{slug}").status_code == 200
    write_client.get("/api/v1/recipients/no-such-recipient")
    for n in range(3):
        write_client.get(f"/random/{n}")
    samples = _samples(write_client)

    def count(route: str, status: str) -> float:
        labels = frozenset({("method", "GET"), ("route", route), ("status", status)})
        return samples.get(("http_requests_total", labels), 0)

    assert count("/api/v1/recipients/{slug}", "200") == 4
    assert count("/api/v1/recipients/{slug}", "404") == 1
    assert count("<unmatched>", "404") == 3
    bucket = (
        "http_request_duration_seconds_count",
        frozenset({("method", "GET"), ("route", "/api/v1/recipients/{slug}")}),
    )
    assert samples[bucket] == 5
    routes = {dict(labels).get("route") for _, labels in samples}
    assert not any("nexus" in (r or "") or "random" in (r or "") for r in routes)
    assert ("http_requests_in_progress", frozenset()) in samples


def test_metrics_add_up_across_worker_processes(tmp_path: Path) -> None:
    """``serve --workers 2``: whichever worker answers the scrape counts them all."""
    server = AppServer(f"sqlite:///{tmp_path / 'register.sqlite3'}", workers=2).start()
    try:
        with (
            httpx.Client(base_url=server.base_url, headers={"Connection": "close"}) as http,
            ThreadPoolExecutor(8) as pool,
        ):
            sent = 0
            while sent < 2_000:  # until both workers have answered some
                # In parallel bursts: a busy worker leaves connections to the other.
                # Each query is new (a cache miss, routed): a hit is answered so fast
                # that one worker can take every connection.
                burst = list(
                    pool.map(
                        lambda n: http.get("/api/v1/services", params={"offset": n}),
                        range(sent, sent + 8),
                    )
                )
                assert all(r.status_code == 200 for r in burst)
                sent += len(burst)
                lines = server.logs().splitlines()
                access = [json.loads(line) for line in lines if line.startswith("{")]
                served_by = {e["pid"] for e in access if e.get("route") == "/api/v1/services"}
                if sent >= 10 and len(served_by) == 2:
                    break
            assert len(served_by) == 2
            wanted = 'http_requests_total{method="GET",route="/api/v1/services",status="200"}'
            for _ in range(4):
                assert f"{wanted} {sent}.0" in http.get("/metrics").text.splitlines()
    finally:
        server.stop()
