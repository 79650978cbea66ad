"""Keyset pagination: following ``next_cursor`` walks every list exactly once."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from app.errors import InvalidInput
from app.register import entities as e
from app.register.cursors import MAX_TOKEN_LENGTH, Cursor
from app.register.schemas import SLUG_PATTERN
from tests.exports_helpers import API, COUNCIL
from tests.helpers import assert_problem

LISTS = [f"{API}/{t.name}" for t in e.ALL_TYPES]


def walk(client: TestClient, path: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every item, page by page through ``next_cursor``."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
        assert len(page["items"]) == limit  # only a full page has a next one
    raise AssertionError("the cursor never ended")


@pytest.mark.parametrize("path", LISTS)
def test_following_the_cursor_walks_every_list_once(client: TestClient, path: str) -> None:
    whole = client.get(path, params={"limit": 500}).json()
    assert whole["next_cursor"] is None
    assert whole["items"], path
    assert walk(client, path, 3) == whole["items"]
    first = client.get(path, params={"limit": 1}).json()
    assert first["total"] == whole["total"]  # total counts every match, not one page
    assert first["next_cursor"] is not None or whole["total"] == 1


@pytest.mark.parametrize(
    "params",
    [
        {"data_subject": "children-and-young-people", "age": 14},
        {"recipient": "department-for-education"},
        {"special_category": "false", "role": "processor"},
        {"controller": COUNCIL, "legislation": "education-act-1996"},
    ],
)
def test_cursor_pages_of_filtered_sharing_equal_one_page(
    client: TestClient, params: dict[str, Any]
) -> None:
    whole = client.get(f"{API}/sharing", params={**params, "limit": 500}).json()
    assert whole["items"]
    assert walk(client, f"{API}/sharing", 2, **params) == whole["items"]


def test_a_cursor_survives_its_item_being_deleted(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    before = write_client.get(f"{API}/sharing", params={"limit": 500}).json()["items"]
    first = write_client.get(f"{API}/sharing", params={"limit": 5}).json()
    gone = first["items"][-1]["slug"]
    etag = write_client.get(f"{API}/sharing/{gone}").headers["etag"]
    deleted = write_client.delete(f"{API}/sharing/{gone}", headers={**auth, "If-Match": etag})
    assert deleted.status_code == 204, deleted.text
    rest = write_client.get(
        f"{API}/sharing", params={"limit": 500, "cursor": first["next_cursor"]}
    ).json()
    assert [i["slug"] for i in rest["items"]] == [i["slug"] for i in before[5:]]


def token(value: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(value)).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor",
        "%%%",
        token({"controller": 1}),
        token([1, 2]),
        token([1, -1, "a"]),
        token([True, 1, "a"]),
        token([1, 1, "Not A Slug"]),
        token([1, 2**40, "a"]),
        token([0, 1, "a"]),
        token([1, 1, "a" * 121]),
        "x" * 401,
    ],
)
@pytest.mark.parametrize("path", [f"{API}/sharing", f"{API}/recipients"])
def test_a_malformed_cursor_is_a_problem_naming_it(
    client: TestClient, path: str, cursor: str
) -> None:
    body = assert_problem(client.get(path, params={"cursor": cursor}), 422)
    assert "cursor" in str(body)


def test_cursor_and_offset_together_are_refused(client: TestClient) -> None:
    cursor = client.get(f"{API}/sharing", params={"limit": 1}).json()["next_cursor"]
    body = assert_problem(client.get(f"{API}/sharing", params={"cursor": cursor, "offset": 2}), 422)
    assert body["errors"][0]["field"] == "offset"
    # offset=0 is the default, not a second position
    assert client.get(f"{API}/sharing", params={"cursor": cursor, "offset": 0}).status_code == 200


def test_the_cursor_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"][f"{API}/sharing"]["get"]
    assert "cursor" in {p["name"] for p in operation["parameters"]}
    page = spec["components"]["schemas"]
    assert any("next_cursor" in schema.get("properties", {}) for schema in page.values())


@given(
    controller_id=st.none() | st.integers(1, 2**31 - 1),
    position=st.integers(0, 2**31 - 1),
    slug=st.from_regex(SLUG_PATTERN, fullmatch=True).filter(lambda s: len(s) <= 120),
)
def test_any_cursor_survives_its_token(controller_id: int | None, position: int, slug: str) -> None:
    cursor = Cursor(controller_id, position, slug)
    token = cursor.encode()
    assert len(token) <= MAX_TOKEN_LENGTH
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert Cursor.decode(token) == cursor


JSON_ARRAYS = st.lists(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)
    | st.floats()
    | st.text(max_size=12),
    max_size=4,
)


@given(
    st.text(max_size=60)
    | st.binary(max_size=60).map(lambda b: base64.urlsafe_b64encode(b).decode())
    | JSON_ARRAYS.map(token)
)
def test_any_other_token_is_a_422_never_a_crash(candidate: str) -> None:
    try:
        cursor = Cursor.decode(candidate)
    except InvalidInput:
        return
    assert Cursor.decode(cursor.encode()) == cursor  # only a well-formed cursor gets through
