"""A controller's next register is its previous one with the events in
between applied: after every kind of write, byte for byte the register a
fresh process builds from the tables, without reading the tables again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import app.snapshots.current as snapshots_current
from app.register import models as m
from app.register.document import canonical_content
from app.snapshots.advancing import MAX_EVENTS, events_between
from app.snapshots.current import RecentSnapshots
from app.trail.models import AuditEvent
from tests.conftest import fresh_client
from tests.register_writes import API, CONTROLLER, SOURCES, WRITES, Write, in_steps, write

IDENTITY = {"Accept-Encoding": "identity"}


@pytest.fixture
def table_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Controllers whose register was read from the tables, in order."""
    reads: list[str] = []
    original = snapshots_current.register_content

    def counted(session: Session, controller: m.Controller) -> dict[str, Any]:
        reads.append(controller.slug)
        return original(session, controller)

    monkeypatch.setattr(snapshots_current, "register_content", counted)
    return reads


def timeless(document: bytes) -> bytes:
    """The document without its ``generated_at``: the moment it was built."""
    return re.sub(rb'"generated_at":"[^"]*",', b"", document, count=1)


def built_from_tables(database_url: str) -> bytes:
    """The register as a process that kept nothing serves it."""
    with fresh_client(database_url) as client:
        response = client.get(f"{API}/register", headers=IDENTITY)
        assert response.status_code == 200, response.text
        return timeless(response.content)


@pytest.fixture
def register_client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        assert client.get(f"{API}/register", headers=IDENTITY).status_code == 200
        yield client


@in_steps(WRITES)
def test_after_writes_the_register_equals_one_built_from_the_tables(
    register_client: TestClient,
    auth: dict[str, str],
    seeded_db: str,
    table_reads: list[str],
    steps: list[list[tuple[str, Write]]],
) -> None:
    """After each step (one write, or all of them between two reads) the kept
    snapshot is advanced, never re-read, and serves the bytes a fresh
    process reads from the tables."""
    for step in steps:
        for _name, action in step:
            action(register_client, auth)
        reads = len(table_reads)
        served = register_client.get(f"{API}/register", headers=IDENTITY)
        assert served.status_code == 200, served.text
        assert len(table_reads) == reads, [name for name, _ in step]
        assert timeless(served.content) == built_from_tables(seeded_db), [n for n, _ in step]


def test_other_controllers_events_are_not_applied(
    register_client: TestClient, auth: dict[str, str], seeded_db: str, table_reads: list[str]
) -> None:
    """With a second register beside the seed's, a write to it leaves the
    seed's register as kept; a write to the seed's advances only its own."""
    body = {"slug": "other-council", "name": "Other Council", "sources": SOURCES}
    created = register_client.post(
        f"{API}/controllers", json=body, headers={**auth, "Idempotency-Key": "other"}
    )
    assert created.status_code == 201, created.text
    path = f"{API}/register?controller={CONTROLLER}"
    kept = register_client.get(path, headers=IDENTITY).content
    service = {"name": "New", "sources": SOURCES}
    write("POST", "services?controller=other-council", {"slug": "theirs", **service})(
        register_client, auth
    )
    reads = len(table_reads)
    assert register_client.get(path, headers=IDENTITY).content == kept
    write("POST", f"services?controller={CONTROLLER}", {"slug": "ours", **service})(
        register_client, auth
    )
    advanced = register_client.get(path, headers=IDENTITY).content
    assert len(table_reads) == reads
    assert b'"slug":"ours"' in advanced
    assert b'"slug":"theirs"' not in advanced
    with fresh_client(seeded_db) as client:
        expected = client.get(path, headers=IDENTITY).content
    assert timeless(advanced) == timeless(expected)


def test_a_trail_that_no_longer_holds_the_kept_event_is_read_from_the_tables(
    session: Session,
) -> None:
    last = session.scalar(select(func.max(AuditEvent.seq)))
    assert last is not None
    assert last > MAX_EVENTS
    event_hash = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == 1))
    assert event_hash is not None
    assert events_between(session, CONTROLLER, (1, "another history"), 2) is None
    assert events_between(session, CONTROLLER, (1, event_hash), last) is None  # too many
    events = events_between(session, CONTROLLER, (1, event_hash), 2)
    assert events is not None
    assert len(events) <= 1


def test_snapshots_are_kept_within_their_byte_budget(
    session: Session, table_reads: list[str]
) -> None:
    """One snapshot per controller is kept while the budget holds it: asked
    again at the same version, it is served without reading the tables; a
    budget smaller than it keeps nothing."""
    controller = session.scalars(select(m.Controller).where(m.Controller.slug == CONTROLLER)).one()
    roomy = RecentSnapshots(max_bytes=1024**3)
    first = roomy.current(session, controller)
    assert roomy.current(session, controller) is first
    assert table_reads == [CONTROLLER]
    assert first.size >= len(canonical_content(first.content))
    tight = RecentSnapshots(max_bytes=first.size - 1)
    tight.current(session, controller)
    tight.current(session, controller)
    assert table_reads == [CONTROLLER] * 3
    assert len(tight.lru) == 0
