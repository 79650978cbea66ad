"""No input makes a 500: every GET route (the API's operations, found in the
OpenAPI document, and the pages and assets, found in the app's routes) is
called with extreme and boundary values for each of its parameters, on
both databases. Integers past 63 bits, moments past the year 9999 or before
the year 1 once in UTC, non-ASCII digits and the like answer a 4xx problem
naming the parameter, never an overflow in the database driver."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.dependencies.utils import get_flat_params
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.history.moments import MAX_SEQ
from tests.helpers import assert_problem
from tests.test_auth import api_routes

# Problem details wanted (not an HTML error page), any representation accepted.
JSON_ACCEPT = {"Accept": "application/problem+json, application/json, */*;q=0.1"}
PATH_VALUES = {
    "controller": "cambridgeshire-county-council",
    "section": "recipients",
    "slug": "department-for-education",
    "name": "app.css",
}
SKIPPED = {"/metrics"}
"""Needs a key of its own; it takes no parameters."""
MOMENT_PARAMS = {"as_of", "since", "from", "to"}

EXTREME_INTEGERS = [
    MAX_SEQ,
    MAX_SEQ + 1,
    2**64,
    10**30,
    -1,
    -(2**63) - 1,
    0,
]
EXTREME_MOMENTS = [
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59.999999+00:00",
    "0001-01-01T00:00:00Z",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01T00:00:00Z",
    "0000-01-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "2026-01-01T24:00:00Z",
    "2026-01-01T00:00:00+24:00",
]
ODD_STRINGS = ["", " ", "²", "١٢٣", "1e309", "nan", "-0", "0x10", "\x00", "x" * 600, "%", "'"]


def get_routes(app: FastAPI) -> list[tuple[str, list[str], list[str]]]:
    """(path, query parameter names, path parameter names) of every GET route."""
    document = app.openapi()
    found = []
    for route in api_routes(app.routes):
        if "GET" not in route.methods:
            continue
        if route.path in SKIPPED:
            continue
        params = get_flat_params(route.dependant)
        query = {p.alias for p in params if p.field_info.__class__.__name__ == "Query"}
        operation = document["paths"].get(route.path, {}).get("get", {})
        query |= {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        path = re.findall(r"\{(\w+)\}", route.path)
        found.append((route.path, sorted(query), path))
    assert len(found) > 40, "the route walk found too few routes"
    return found


def moment_text(moment: datetime, offset_minutes: int) -> str:
    return moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes))).isoformat()


def values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from([str(n) for n in EXTREME_INTEGERS]),
        st.sampled_from(EXTREME_MOMENTS),
        st.sampled_from(ODD_STRINGS),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.builds(
            moment_text,
            st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
            st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1),
        ),
        st.text(max_size=30),
    )


def fill(path: str, overrides: dict[str, str]) -> str:
    return re.sub(
        r"\{(\w+)\}",
        lambda m: quote(overrides.get(m.group(1), PATH_VALUES.get(m.group(1), "x")), safe=""),
        path,
    )


def assert_answered(response: Any) -> None:
    assert response.status_code < 500, (response.request.url, response.text[:500])
    if response.status_code >= 400:
        form = response.request.url.path.endswith("/child")  # the form shows its own errors
        media = ("application/problem+json", "text/html") if form else ("application/problem+json",)
        assert response.headers["content-type"].startswith(media), response.request.url
        assert "Traceback" not in response.text


@pytest.fixture(scope="module")
def routes(client: TestClient) -> list[tuple[str, list[str], list[str]]]:
    app = client.app
    assert isinstance(app, FastAPI)
    return get_routes(app)


def required(path: str) -> dict[str, str]:
    return {"from": "2020-01-01T00:00:00Z"} if path == "/api/v1/register/diff" else {}


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_get_route_answers_500_to_extreme_values(
    client: TestClient, routes: list[tuple[str, list[str], list[str]]], data: st.DataObject
) -> None:
    path, query, path_params = data.draw(st.sampled_from(routes), label="route")
    names = data.draw(
        st.lists(st.sampled_from(query + path_params), max_size=3, unique=True)
        if query or path_params
        else st.just([]),
        label="parameters",
    )
    drawn = {name: data.draw(values(), label=name) for name in names}
    params = {**required(path), **{k: v for k, v in drawn.items() if k in query}}
    url = fill(path, {k: v for k, v in drawn.items() if k in path_params})
    assert_answered(client.get(url, params=params, headers=JSON_ACCEPT))


def test_every_moment_parameter_refuses_moments_outside_the_databases_range(
    client: TestClient, routes: list[tuple[str, list[str], list[str]]]
) -> None:
    """A moment past the year 9999 or before the year 1 in UTC is a 422
    naming the parameter, on every route that takes one."""
    checked = 0
    for path, query, _ in routes:
        for name in sorted(MOMENT_PARAMS & set(query)):
            for moment in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"):
                response = client.get(
                    fill(path, {}), params={**required(path), name: moment}, headers=JSON_ACCEPT
                )
                body = assert_problem(response, 422)
                assert [e["field"] for e in body["errors"]] == [name], body
                checked += 1
    assert checked >= 2 * 14, checked  # API, exports, audit, diff, pages, embed, diagram


def test_the_range_edges_themselves_are_answered(client: TestClient) -> None:
    for moment in ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"):
        response = client.get("/api/v1/register", params={"as_of": moment})
        assert response.status_code in (200, 404), response.text
    far = client.get("/api/v1/register", params={"as_of": "9999-12-31T23:59:59Z"})
    assert far.status_code == 200
    assert far.json()["digest"] == client.get("/api/v1/register").json()["digest"]


@pytest.mark.parametrize(
    ("since", "accepted"),
    [(str(MAX_SEQ), True), (str(MAX_SEQ + 1), False), ("9" * 40, False), ("²", False)],
)
def test_since_as_a_sequence_number_is_bounded_to_63_bits(
    client: TestClient, since: str, accepted: bool
) -> None:
    response = client.get("/api/v1/changes", params={"since": since})
    if accepted:
        assert response.status_code == 200
        assert response.json()["items"] == []
    else:
        body = assert_problem(response, 422)
        assert [e["field"] for e in body["errors"]] == ["since"]
