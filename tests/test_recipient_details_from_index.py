"""A recipient's details list its arrangements from its controller's kept
``/sharing`` index, brought up to date by events, when that index holds what
the request's transaction reads; else from the tables. Either way the same
bytes as a process that kept nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

import app.register.service as register_service
from app.api.services import services_of
from app.register import models as m
from app.register.scope import ControllerScope
from tests.conftest import fresh_client, make_key
from tests.register_writes import API, CONTROLLER, SOURCES, Write, in_steps, write
from tests.test_sharing_advancing import SHARING_WRITES


@pytest.fixture
def table_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Recipients whose arrangements were read from the tables."""
    reads: list[str] = []
    original = register_service.arrangements_for_recipient

    def counted(
        session: Session, recipient: m.Recipient, scope: ControllerScope
    ) -> list[dict[str, Any]]:
        reads.append(recipient.slug)
        return original(session, recipient, scope)

    monkeypatch.setattr(register_service, "arrangements_for_recipient", counted)
    return reads


def recipient_slugs(client: TestClient) -> list[str]:
    return [item["slug"] for item in client.get(f"{API}/recipients?limit=200").json()["items"]]


def details(client: TestClient, slugs: list[str]) -> list[tuple[int, bytes, str | None]]:
    found = []
    for slug in slugs:
        response = client.get(f"{API}/recipients/{slug}")
        found.append((response.status_code, response.content, response.headers.get("etag")))
    return found


def fresh_details(database_url: str, slugs: list[str]) -> list[tuple[int, bytes, str | None]]:
    with fresh_client(database_url) as client:
        return details(client, slugs)


@in_steps(SHARING_WRITES)
def test_after_writes_details_come_from_the_index_as_from_the_tables(
    sharing_client: TestClient,
    auth: dict[str, str],
    seeded_db: str,
    table_reads: list[str],
    full_reads: list[str],
    steps: list[list[tuple[str, Write]]],
) -> None:
    """After each step every recipient's details (body and ETag) are those of
    a process that read the tables, and no recipient's arrangements, nor the
    whole list, were read from the tables here."""
    slugs = recipient_slugs(sharing_client)
    assert "nexus" in slugs
    assert "welfare-call" in slugs
    for step in steps:
        for _name, action in step:
            action(sharing_client, auth)
        del table_reads[:]  # a write's own answer and ETag check read its transaction
        served = details(sharing_client, slugs)
        assert table_reads == [], [name for name, _ in step]
        assert full_reads == [], [name for name, _ in step]
        assert served == fresh_details(seeded_db, slugs), [name for name, _ in step]
    assert 404 in {status for status, _, _ in served}  # welfare-call was deleted


def test_with_no_index_kept_details_read_the_tables_and_build_none(
    app: FastAPI, table_reads: list[str], full_reads: list[str]
) -> None:
    """A detail does not build a controller's index: for a recipient of a few
    arrangements the whole list costs more than its own rows."""
    with TestClient(app) as client:
        assert client.get(f"{API}/recipients/nexus").status_code == 200
    assert table_reads == ["nexus"]
    assert full_reads == []
    assert len(services_of(app).sharing.lru) == 0


def test_an_index_that_does_not_hold_the_transactions_reading_is_not_used(
    app: FastAPI,
    sharing_client: TestClient,
    seeded_db: str,
    table_reads: list[str],
) -> None:
    """An index whose event the transaction does not see along the same
    history (a database restored from a backup reaching the same sequence
    number) gives way to the tables, with the same answer."""
    indexes = services_of(app).sharing
    ((controller_id, _slug),) = indexes.controllers.by_id.items()  # type: ignore[union-attr]
    kept = indexes.lru.get(controller_id)
    doctored = replace(kept, hash="another history", items=())
    indexes.lru.put(controller_id, doctored, kept.size)
    served = details(sharing_client, ["nexus"])
    assert table_reads == ["nexus"]
    assert served == fresh_details(seeded_db, ["nexus"])


def test_a_recipient_of_another_controller_reads_its_own_controllers_index(
    sharing_client: TestClient, auth: dict[str, str], table_reads: list[str]
) -> None:
    """With two controllers a detail names its controller; the index of the
    other one is never consulted for it."""
    body = {"slug": "other-council", "name": "Other Council", "sources": SOURCES}
    headers = {**auth, "Idempotency-Key": "other"}
    assert sharing_client.post(f"{API}/controllers", json=body, headers=headers).status_code == 201
    recipient = {"slug": "nexus", "name": "Their Nexus", "sources": SOURCES}
    write("POST", "recipients?controller=other-council", recipient)(sharing_client, auth)
    del table_reads[:]  # the write's own answer
    theirs = sharing_client.get(f"{API}/recipients/nexus?controller=other-council")
    assert theirs.status_code == 200
    assert theirs.json()["name"] == "Their Nexus"
    assert theirs.json()["sharing"] == []
    assert table_reads == ["nexus"]  # no index of theirs is kept
    ours = sharing_client.get(f"{API}/recipients/nexus?controller={CONTROLLER}")
    assert ours.status_code == 200
    assert ours.json()["sharing"]
    assert table_reads == ["nexus"]


def test_an_index_behind_the_transaction_gives_way_to_the_tables(
    seeded_db: str, table_reads: list[str]
) -> None:
    """Another process's write that this one has not seen yet (each process
    re-reads versions every ``cache_version_interval``): the transaction
    reads it, the kept index is behind it, so the tables answer, and the
    details never mix the recipient as written with arrangements as they were."""
    hour = {"cache_version_interval": 3600, "cache_version_max_age": 3600}
    with (
        fresh_client(seeded_db, response_cache_enabled=False, **hour) as ours,
        fresh_client(seeded_db) as theirs,
    ):
        assert ours.get(f"{API}/sharing").status_code == 200
        auth = {"Authorization": f"Bearer {make_key(theirs.app)}"}
        renamed = {"name": "Nexus, renamed elsewhere"}
        write("PATCH", "recipients/nexus", renamed)(theirs, auth)
        del table_reads[:]
        served = ours.get(f"{API}/recipients/nexus").json()
        assert table_reads == ["nexus"]
        assert served["name"] == renamed["name"]
        views = {item["expanded"]["recipient"]["name"] for item in served["sharing"]}
        assert views == {renamed["name"]}
