"""Incremental verification: ``/changes/verify`` extends the last verified
point (the events after it, a sweep of older ones in turn, a full pass now and
then), finds tampering after the point at once and before it within a sweep
or a full pass, sees truncated and rewritten logs, and on an untouched log
answers the chain and state a full pass answers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from app.api.services import services_of
from app.audit.verification import verify_register
from app.main import create_app
from app.trail.models import AuditEvent, ChainHead
from tests.conftest import make_settings
from tests.test_merkle_log import rewrite, rewrite_from, write

API = "/api/v1"
SWEEP = 100


@pytest.fixture
def verifying(seeded_db: str) -> Iterator[tuple[TestClient, FastAPI]]:
    """An app that verifies afresh on every call (no reuse of an answer),
    with a small sweep, its passes in a worker process."""
    app = create_app(make_settings(seeded_db, verify_cache_seconds=0, verify_sweep_events=SWEEP))
    with TestClient(app) as client:
        yield client, app


def verify(client: TestClient) -> dict[str, Any]:
    response = client.get(f"{API}/changes/verify")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def full_pass(app: FastAPI) -> dict[str, Any]:
    """What the command line and backups compute: every event, every controller."""
    with services_of(app).sessions() as session:
        return verify_register(session).as_dict()


def engine_of(app: FastAPI) -> Engine:
    return services_of(app).engine


def last_seq(app: FastAPI) -> int:
    with Session(engine_of(app)) as session:
        return session.scalar(select(ChainHead.seq)) or 0


def tamper(app: FastAPI, seq: int) -> None:
    """Change an event's content, its hash left as it was."""
    rewrite(
        engine_of(app),
        [update(AuditEvent).where(AuditEvent.seq == seq).values(actor_name="someone else")],
    )


def test_a_pass_after_writes_checks_only_the_new_events_and_agrees_with_a_full_pass(
    verifying: tuple[TestClient, FastAPI],
) -> None:
    client, app = verifying
    first = verify(client)
    assert first["pass"] == "full"
    size = first["chain"]["events"]
    assert first["checked"]["events"] == {"first": 1, "last": size}
    assert first["checked"]["extends_seq"] is None
    write(client, app, "Contract 2027/1")
    write(client, app, "Contract 2027/2")

    second = verify(client)
    assert second["ok"] is True
    assert second["pass"] == "incremental"
    assert second["checked"]["events"] == {"first": size + 1, "last": size + 2}
    assert second["checked"]["extends_seq"] == size
    assert second["checked"]["sweep"] == {"first": 1, "last": SWEEP}
    assert second["checked"]["last_full_pass_at"] == first["checked"]["last_full_pass_at"]
    full = full_pass(app)
    assert full["pass"] == "full"
    assert second["chain"] == full["chain"]
    assert second["state"] == full["state"]
    assert second["state"]["seq"] == size + 2

    third = verify(client)  # nothing new: the sweep moves on
    assert third["pass"] == "incremental"
    assert third["checked"]["events"] is None
    assert third["checked"]["sweep"] == {"first": SWEEP + 1, "last": 2 * SWEEP}
    assert third["chain"] == full["chain"]
    assert third["state"] == full["state"]


def test_a_full_pass_is_made_when_the_last_is_old_enough(
    verifying: tuple[TestClient, FastAPI],
) -> None:
    client, app = verifying
    verify(client)
    services_of(app).verification.full_seconds = 0
    again = verify(client)
    assert again["pass"] == "full"
    assert again["checked"]["extends_seq"] == again["chain"]["events"]
    assert again["chain"] == full_pass(app)["chain"]


def test_an_event_after_the_verified_point_edited_is_reported_at_once(
    verifying: tuple[TestClient, FastAPI],
) -> None:
    client, app = verifying
    size = verify(client)["chain"]["events"]
    write(client, app, "Contract 2027/3")
    tamper(app, size + 1)
    result = verify(client)
    assert result["ok"] is False
    assert result["chain"]["first_broken_seq"] == size + 1
    assert result["chain"]["reason"] == "content does not match its hash"
    assert result["chain"] == full_pass(app)["chain"]


def test_an_old_event_edited_is_found_by_the_sweep_and_stays_reported(
    verifying: tuple[TestClient, FastAPI],
) -> None:
    client, app = verifying
    verify(client)
    old = SWEEP + SWEEP // 2
    tamper(app, old)
    missed = verify(client)  # this pass sweeps 1..100: the edit is not in it
    assert missed["pass"] == "incremental"
    assert missed["checked"]["sweep"] == {"first": 1, "last": SWEEP}
    assert missed["ok"] is True
    found = verify(client)  # the next one sweeps 101..200
    assert found["ok"] is False
    assert found["chain"]["first_broken_seq"] == old
    assert found["chain"] == full_pass(app)["chain"]
    assert verify(client)["chain"]["first_broken_seq"] == old  # and again


def test_an_old_event_edited_is_found_by_the_next_full_pass(
    verifying: tuple[TestClient, FastAPI],
) -> None:
    client, app = verifying
    services_of(app).verification.sweep_events = 0
    verify(client)
    tamper(app, 7)
    unswept = verify(client)
    assert unswept["pass"] == "incremental"
    assert unswept["checked"]["sweep"] is None
    assert unswept["ok"] is True
    services_of(app).verification.full_seconds = 0
    found = verify(client)
    assert found["pass"] == "full"
    assert found["chain"]["first_broken_seq"] == 7


def test_a_truncated_log_is_reported_though_its_chain_holds(
    verifying: tuple[TestClient, FastAPI],
) -> None:
    client, app = verifying
    size = verify(client)["chain"]["events"]
    with Session(engine_of(app)) as session:
        kept = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == size - 2))
    rewrite(
        engine_of(app),
        [
            text("DELETE FROM audit_events WHERE seq > :seq").bindparams(seq=size - 2),
            update(ChainHead).values(seq=size - 2, hash=kept),
        ],
    )
    assert full_pass(app)["chain"]["ok"] is True  # the chain alone proves itself
    result = verify(client)
    assert result["ok"] is False
    assert result["chain"]["first_broken_seq"] == size - 1
    assert "truncated" in result["chain"]["reason"]
    write(client, app, "Contract 2027/4")  # regrown: still not the log verified
    write(client, app, "Contract 2027/5")
    assert last_seq(app) == size
    again = verify(client)
    assert again["ok"] is False
    assert "rewritten" in again["chain"]["reason"]


def test_history_rewritten_with_recomputed_hashes_is_reported(
    verifying: tuple[TestClient, FastAPI],
) -> None:
    client, app = verifying
    size = verify(client)["chain"]["events"]
    rewrite_from(engine_of(app), 5, "someone else")
    assert full_pass(app)["chain"]["ok"] is True
    result = verify(client)
    assert result["ok"] is False
    assert result["chain"]["first_broken_seq"] == size
    assert "rewritten" in result["chain"]["reason"]
    services_of(app).verification.full_seconds = 0  # a full pass says so too
    assert "rewritten" in verify(client)["chain"]["reason"]
