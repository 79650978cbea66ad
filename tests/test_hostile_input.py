"""Hostile input: every kind gets the right 4xx problem and leaves the
database exactly as it was (row counts of every table and the audit chain
head compared before and after). Operations are found by walking the
OpenAPI document, so a new endpoint or filter is covered without a change
here."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from app.db import Base
from app.limits import RequestLimits
from app.trail.models import ChainHead
from tests.conftest import make_key
from tests.helpers import assert_problem

EXISTING = {"slug": "nexus", "key_id": "000000000000", "link": "purposes", "target": "x"}
SLUG_ROUTES = {"recipients": "nexus", "sharing": "youth-support-services-from-13"}
JSON = {"Content-Type": "application/json"}


def database_state(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        counts = {
            table.name: connection.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
        }
        head = connection.execute(select(ChainHead.seq, ChainHead.hash)).all()
    return {"counts": counts, "head": head}


@pytest.fixture
def unchanged(engine: Engine) -> Iterator[None]:
    """The test's requests must leave the database exactly as it was."""
    before = database_state(engine)
    yield
    assert database_state(engine) == before


@pytest.fixture
def admin(app: FastAPI) -> dict[str, str]:
    key = make_key(app, "register:write", "keys:admin", name="hostile")
    return {"Authorization": f"Bearer {key}"}


def operations(client: TestClient) -> list[tuple[str, str, dict[str, Any]]]:
    document = client.get("/openapi.json").json()
    found = [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(found) > 90, "the OpenAPI walk found too few operations"
    return found


def concrete(path: str) -> str:
    segment = path.removeprefix("/api/v1/").split("/")[0]
    values = {**EXISTING, "slug": SLUG_ROUTES.get(segment, EXISTING["slug"])}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def body_operations(client: TestClient) -> list[tuple[str, str]]:
    found = [(m, concrete(p)) for m, p, op in operations(client) if "requestBody" in op]
    assert len(found) > 30
    return found


def query_parameters(operation: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in operation.get("parameters", []) if p["in"] == "query"]


def required_query(operation: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: "2020-01-01T00:00:00Z" for p in query_parameters(operation) if p["required"]}


# --- bodies ---------------------------------------------------------------------------


def test_oversized_bodies_are_refused_before_they_are_read(
    write_client: TestClient, admin: dict[str, str], unchanged: None
) -> None:
    big = b'{"slug": "big", "name": "' + b"x" * 1_100_000 + b'"}'
    for method, path in body_operations(write_client):
        declared = write_client.request(method, path, content=big, headers={**admin, **JSON})
        if path == "/api/v1/register/import":
            continue  # its own, larger limit: below
        assert_problem(declared, 413)

    def chunks() -> Iterator[bytes]:
        yield from (big[i : i + 65536] for i in range(0, len(big), 65536))

    streamed = write_client.post("/api/v1/services", content=chunks(), headers={**admin, **JSON})
    assert "content-length" not in streamed.request.headers
    assert_problem(streamed, 413)
    huge = b'{"a": "' + b"x" * (21 * 1024 * 1024) + b'"}'
    assert_problem(
        write_client.post("/api/v1/register/import", content=huge, headers={**admin, **JSON}), 413
    )
    # Just below the limit the body is read and judged on its content.
    below = {"slug": "big", "name": "x" * 1_000_000, "sources": [{"kind": "notice", "quote": "q"}]}
    assert_problem(write_client.post("/api/v1/services", json=below, headers=admin), 422)


def test_a_streamed_body_is_not_read_past_the_limit() -> None:
    received = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app must not be called")

    async def receive() -> dict[str, Any]:
        received.append(1)
        return {"type": "http.request", "body": b"x" * 1000, "more_body": True}  # endless

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/v1/services",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")],
    }
    layer = RequestLimits(app, max_body_bytes=10_000)
    with ThreadPoolExecutor(1) as pool:  # a loop of its own, whatever runs in this thread
        pool.submit(lambda: asyncio.run(layer(scope, receive, send))).result()
    assert sent[0]["status"] == 413
    assert len(received) == 11


MALFORMED: list[tuple[str, bytes, int]] = [
    ("invalid UTF-8", b'{"slug": "a\xff\xfeb", "name": "x"}', 400),
    ("deeply nested arrays", b"[" * 200_000 + b"]" * 200_000, 400),
    ("deeply nested objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, 400),
    (
        "nested in a field",
        b'{"slug": "n", "name": "n", "sources": ' + b"[" * 900 + b"]" * 900 + b"}",
        422,
    ),
    ("truncated", b'{"slug": "x", "name": ', 422),
    ("not an object", b'["slug", "x"]', 422),
    ("empty", b"", 422),
    (
        "NUL escape in a value",
        b'{"slug": "x", "name": "a\\u0000b", "scopes": ["register:write"]}',
        422,
    ),
    ("NUL escape in a key", b'{"sl\\u0000ug": "x", "name": "n"}', 422),
    ("NUL deep inside", b"[" * 1000 + b'"\\u0000"' + b"]" * 1000, 422),
    ("raw NUL byte", b'{"slug": "x", "name": "a\x00b"}', 422),
    ("lone surrogate", b'{"slug": "x", "name": "a\\ud800b", "scopes": ["register:write"]}', 422),
]


def test_malformed_json_gets_a_4xx_problem_on_every_body_operation(
    write_client: TestClient, admin: dict[str, str], unchanged: None
) -> None:
    for method, path in body_operations(write_client):
        for label, body, status in MALFORMED:
            if path == "/api/v1/register/import" and status == 400:
                status = 422  # the import reads the document itself (a LoadError)
            response = write_client.request(
                method, path, content=body, headers={**admin, **JSON, "If-Match": "*"}
            )
            assert response.status_code == status, (label, method, path, response.text)
            assert_problem(response, status)


def test_very_long_strings_and_slugs_are_refused(
    write_client: TestClient, admin: dict[str, str], unchanged: None
) -> None:
    long_slug = "a" * 121
    for method, path, operation in operations(write_client):
        if method == "GET" and "{slug}" in path:
            assert_problem(write_client.get(path.replace("{slug}", long_slug)), 422)
            assert_problem(write_client.get(path.replace("{slug}", "a" * 20_000)), 422)
        if method == "POST" and path.count("/") == 3 and "requestBody" in operation:
            for body in (
                {"slug": long_slug, "name": "n", "sources": [{"kind": "notice", "quote": "q"}]},
                {
                    "slug": "ok",
                    "name": "n" * 100_000,
                    "sources": [{"kind": "notice", "quote": "q"}],
                },
            ):
                assert_problem(write_client.post(path, json=body, headers=admin), 422)
    for value in ("x" * 5000, "-".join(["a"] * 2000)):
        assert_problem(write_client.get("/api/v1/sharing", params={"recipient": value}), 422)


# --- query strings ----------------------------------------------------------------------

METACHARACTERS = ["%", "_", "%%", "nexus%", "n_xus", "' OR '1'='1", "'; DROP TABLE recipients; --"]
METACHARACTERS += ["\\", "*", '"', "nexus' --", "1) OR (1=1", "\x00"]


def test_sql_metacharacters_and_like_wildcards_in_every_filter_match_nothing(
    write_client: TestClient, engine: Engine, unchanged: None
) -> None:
    checked = 0
    for method, path, operation in operations(write_client):
        if method != "GET":
            continue
        base = required_query(operation)
        for parameter in query_parameters(operation):
            name = parameter["name"]
            if name in base or name in {"limit", "offset", "cursor"}:
                continue
            for value in METACHARACTERS:
                response = write_client.get(concrete(path), params={**base, name: value})
                checked += 1
                assert response.status_code in {200, 404, 422}, (path, name, value, response.text)
                if response.status_code >= 400:
                    assert_problem(response, response.status_code)
                elif response.headers["content-type"].startswith("application/json"):
                    items = response.json().get("items")
                    assert not items, (path, name, value, "a wildcard matched")
    assert checked > 300
    with engine.connect() as connection:  # the tables are all still there, unharmed
        assert connection.scalar(
            select(func.count()).select_from(Base.metadata.tables["recipients"])
        )


def test_negative_and_huge_limit_and_offset_are_refused(client: TestClient) -> None:
    bad = ["-1", "0", "-99999999999999999999", "99999999999999999999999", "1.5", "1e3", "", "abc"]
    bad += ["NaN", "Infinity", "0x10"]
    too_far = {"limit": "10001", "offset": "10000001"}
    paged = 0
    for method, path, operation in operations(client):
        names = {p["name"] for p in query_parameters(operation)}
        if method != "GET" or not names & {"limit", "offset"}:
            continue
        paged += 1
        base = required_query(operation)
        for name in sorted(names & {"limit", "offset"}):
            for value in [*bad, too_far[name]]:
                if name == "offset" and value == "0":
                    continue
                response = client.get(concrete(path), params={**base, name: value})
                body = assert_problem(response, 422)
                assert name in str(body), (path, name, value)
        if "offset" in names:
            far = client.get(concrete(path), params={**base, "offset": "10000000"})
            assert far.status_code == 200
            assert far.json()["items"] == []
    assert paged >= 16


def test_unknown_query_parameters_are_refused_everywhere(
    write_client: TestClient, admin: dict[str, str], unchanged: None
) -> None:
    for method, path, _operation in operations(write_client):
        response = write_client.request(
            method,
            concrete(path),
            params={"surprise": "1", "controler": "other-council"},
            json={},
            headers={**admin, "If-Match": "*"},
        )
        body = assert_problem(response, 422)
        fields = {error.get("field") for error in body.get("errors", [])}
        assert {"surprise", "controler"} <= fields, (method, path, body)


# --- content types ------------------------------------------------------------------------

WRONG_TYPES = [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/jsonx",
    "",
]


def test_write_bodies_that_are_not_json_get_415(
    write_client: TestClient, admin: dict[str, str], unchanged: None
) -> None:
    for method, path in body_operations(write_client):
        for content_type in WRONG_TYPES:
            headers = {**admin, "If-Match": "*"}
            if content_type:
                headers["Content-Type"] = content_type
            response = write_client.request(method, path, content=b'{"slug": "x"}', headers=headers)
            body = assert_problem(response, 415)
            assert body["type"].endswith("unsupported-media-type")
            if method == "PATCH":
                assert "merge-patch+json" in response.headers["accept-patch"]
            if method == "POST":
                assert response.headers["accept-post"] == "application/json"
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = write_client.patch(
            "/api/v1/recipients/nexus",
            content=b'{"name": "x\\u0000"}',
            headers={**admin, "Content-Type": content_type, "If-Match": "*"},
        )
        assert_problem(response, 422)  # read as JSON: its content is what is wrong
