"""A controller's next ``/sharing`` index is its previous one with what the
events in between changed read again: after every kind of write, the same
answers as an index a fresh process builds from the tables, without reading
the whole list again."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import app.snapshots.advancing as snapshots_advancing
from app.api.services import services_of
from app.sharing.advancing import advanced
from app.sharing.declarations import NAMED
from tests.conftest import fresh_client
from tests.register_writes import (
    API,
    CATEGORY,
    CONTROLLER,
    SOURCES,
    WRITES,
    Write,
    in_steps,
    write,
)

PURPOSE = "anonymised-management-information-and-support-for-groups-of-children"
QUERIES = [
    "",
    "limit=5",
    "recipient=nexus",
    f"data_category={CATEGORY}",
    "special_category=true",
    f"purpose={PURPOSE}",
    "service=new",
    "role=processor",
    "data_categories_stated=false",
    "data_subject=children-and-young-people&age=14",
]
ARRANGEMENT = {
    "slug": "new-arrangement",
    "name": "New arrangement",
    "recipient": "nexus",
    "purposes": [PURPOSE],
    "data_categories": [CATEGORY],
    "sources": SOURCES,
}
BY_NAME = dict(WRITES)
SHARING_WRITES: list[tuple[str, Write]] = [
    ("create", BY_NAME["create"]),
    ("update", BY_NAME["update"]),
    ("add a link", BY_NAME["add a link"]),
    ("create an arrangement", write("POST", "sharing", ARRANGEMENT)),
    ("move an arrangement", write("PATCH", "sharing/police", {"position": 1000})),
    ("rename what arrangements name", write("PATCH", f"purposes/{PURPOSE}", {"name": "Renamed"})),
    (
        "flag a category special",
        write("PATCH", f"data-categories/{CATEGORY}", {"special_category": True}),
    ),
    ("delete", BY_NAME["delete"]),
    ("delete what it referenced", BY_NAME["delete what it referenced"]),
    ("delete what was created", BY_NAME["delete what was created"]),
]


def answers(client: TestClient) -> list[tuple[int, Any]]:
    found = []
    for query in QUERIES:
        response = client.get(f"{API}/sharing?{query}")
        found.append((response.status_code, response.json()))
    return found


def built_from_tables(database_url: str, full_reads: list[str]) -> list[tuple[int, Any]]:
    """The answers of a process that kept nothing (its own reading of the
    list is not counted)."""
    counted = len(full_reads)
    try:
        with fresh_client(database_url) as client:
            return answers(client)
    finally:
        del full_reads[counted:]


@in_steps(SHARING_WRITES)
def test_after_writes_the_index_answers_as_one_built_from_the_tables(
    sharing_client: TestClient,
    auth: dict[str, str],
    seeded_db: str,
    full_reads: list[str],
    steps: list[list[tuple[str, Write]]],
) -> None:
    """After each step (one write, or all of them between two reads) the kept
    index is advanced, its list never read whole again, and every filter
    answers as a fresh process's index does."""
    for step in steps:
        for _name, action in step:
            action(sharing_client, auth)
        served = answers(sharing_client)
        assert full_reads == [], [name for name, _ in step]
        assert served == built_from_tables(seeded_db, full_reads), [name for name, _ in step]


def test_a_change_to_the_controller_itself_reads_the_list_again(
    sharing_client: TestClient, auth: dict[str, str], seeded_db: str, full_reads: list[str]
) -> None:
    """Every arrangement carries its controller: its own entry changing is
    no event to apply piecemeal."""
    body = {"website": "https://www.example.org/"}
    write("PATCH", f"controllers/{CONTROLLER}", body)(sharing_client, auth)
    served = answers(sharing_client)
    assert full_reads == [CONTROLLER]
    assert served == built_from_tables(seeded_db, full_reads)


def test_another_controllers_writes_leave_the_index_unread(
    sharing_client: TestClient, auth: dict[str, str], seeded_db: str, full_reads: list[str]
) -> None:
    """A write to another register moves nothing of this one's index; a write
    to this one advances it."""
    body = {"slug": "other-council", "name": "Other Council", "sources": SOURCES}
    headers = {**auth, "Idempotency-Key": "other"}
    assert sharing_client.post(f"{API}/controllers", json=body, headers=headers).status_code == 201
    path = f"{API}/sharing?controller={CONTROLLER}"
    before = sharing_client.get(path).json()
    reads = list(full_reads)
    service = {"slug": "theirs", "name": "Theirs", "sources": SOURCES}
    write("POST", "services?controller=other-council", service)(sharing_client, auth)
    assert sharing_client.get(path).json() == before
    assert full_reads == reads
    write("PATCH", f"purposes/{PURPOSE}?controller={CONTROLLER}", {"name": "Renamed"})(
        sharing_client, auth
    )
    after = sharing_client.get(path).json()
    assert full_reads == reads
    names = {p["name"] for item in after["items"] for p in item["expanded"]["purposes"]}
    assert "Renamed" in names


def test_too_many_events_read_the_list_again(
    sharing_client: TestClient,
    auth: dict[str, str],
    full_reads: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The kept index is continued over a bounded number of events only."""
    monkeypatch.setattr(snapshots_advancing, "MAX_EVENTS", 1)
    write("POST", "services", {"slug": "one", "name": "One", "sources": SOURCES})(
        sharing_client, auth
    )
    write("POST", "services", {"slug": "two", "name": "Two", "sources": SOURCES})(
        sharing_client, auth
    )
    assert sharing_client.get(f"{API}/sharing?service=two").status_code == 200
    assert full_reads == [CONTROLLER]


def test_an_index_of_another_history_is_read_again(
    app: FastAPI, sharing_client: TestClient, auth: dict[str, str], full_reads: list[str]
) -> None:
    """A kept index whose event hash the trail does not hold (a database
    restored from a backup reaching the same sequence number) is not
    continued, nor is one later than what the transaction sees."""
    indexes = services_of(app).sharing
    assert indexes.controllers is not None
    ((controller_id, _slug),) = indexes.controllers.by_id.items()
    kept = indexes.lru.get(controller_id)
    indexes.lru.put(controller_id, replace(kept, hash="another history"), kept.size)
    write("POST", "services", {"slug": "one", "name": "One", "sources": SOURCES})(
        sharing_client, auth
    )
    assert sharing_client.get(f"{API}/sharing?service=one").status_code == 200
    assert full_reads == [CONTROLLER]
    with indexes.factory() as session:
        later = replace(indexes.lru.get(controller_id), version=10**9)
        assert advanced(session, later, CONTROLLER, NAMED) is None
