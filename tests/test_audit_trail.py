"""The audit trail: a change feed to poll, append-only, tamper-evident."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy.exc
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from tests.helpers import assert_problem

API = "/api/v1"
SOURCE = [{"kind": "notice", "quote": "x"}]


def all_changes(client: TestClient, **params: object) -> list[dict[str, object]]:
    """Follow the cursor to the end."""
    items: list[dict[str, object]] = []
    url: str | None = f"{API}/changes"
    query: dict[str, object] | None = {"limit": 50, **params}
    while url is not None:
        response = client.get(url, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        url, query = body["next"], None
    return items


def test_the_seed_load_is_history_by_a_system_actor(client: TestClient) -> None:
    events = all_changes(client)
    assert len(events) > 200
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert {e["actor"]["type"] for e in events} == {"system"}
    assert {e["action"] for e in events} == {"create"}
    kinds = {e["entity_type"] for e in events}
    assert {"controllers", "recipients", "sharing", "lawful-bases"} <= kinds


def test_feed_since_a_sequence_number_or_a_time(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    last_seq = all_changes(write_client)[-1]["seq"]
    created = write_client.post(
        f"{API}/services",
        json={"slug": "polled", "name": "Polled", "sources": SOURCE},
        headers=auth,
    )
    assert created.status_code == 201
    new = all_changes(write_client, since=last_seq)
    assert [(e["action"], e["slug"]) for e in new] == [("create", "polled")]
    assert new[0]["actor"]["name"] == "DP team"
    assert new[0]["after"]["name"] == "Polled"
    seed_time = all_changes(write_client)[-2]["occurred_at"]
    assert ("create", "polled") in [
        (e["action"], e["slug"]) for e in all_changes(write_client, since=seed_time)
    ]


def test_feed_filters(write_client: TestClient, auth: dict[str, str]) -> None:
    etag = write_client.get(f"{API}/recipients/nexus").headers["etag"]
    write_client.patch(
        f"{API}/recipients/nexus",
        json={"contract_reference": "C-1"},
        headers={**auth, "If-Match": etag},
    )
    by_slug = all_changes(write_client, entity="recipients", slug="nexus")
    assert [e["action"] for e in by_slug] == ["create", "update"]
    assert by_slug[1]["before"]["contract_reference"] is None
    assert by_slug[1]["after"]["contract_reference"] == "C-1"
    assert [e["slug"] for e in all_changes(write_client, actor="DP team")] == ["nexus"]
    assert_problem(write_client.get(f"{API}/changes", params={"entity": "unicorns"}), 422)
    assert_problem(write_client.get(f"{API}/changes", params={"since": "yesterday"}), 422)


def test_cursor_pages_cover_every_event_once(client: TestClient) -> None:
    small_pages = all_changes(client)
    one_page = client.get(f"{API}/changes", params={"limit": 1000}).json()["items"]
    assert [e["seq"] for e in small_pages] == [e["seq"] for e in one_page]


def test_verify_reports_an_intact_chain(client: TestClient) -> None:
    result = client.get(f"{API}/changes/verify").json()
    assert result["ok"] is True
    assert result["chain"]["first_broken_seq"] is None
    assert result["chain"]["events"] > 200


def _tamper(engine: Engine, backend: str) -> None:
    """Edit an event behind the API's back (on PostgreSQL, as the superuser
    who can switch the append-only trigger off)."""
    with engine.begin() as conn:
        if backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        conn.execute(text("UPDATE audit_events SET actor_name = 'someone else' WHERE seq = 7"))
        if backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))


def test_tampering_is_detected_by_the_api_and_the_command(
    write_client: TestClient, engine: Engine, backend: str, seeded_db: str
) -> None:
    _tamper(engine, backend)
    result = write_client.get(f"{API}/changes/verify").json()
    assert result["ok"] is False
    assert result["chain"]["first_broken_seq"] == 7
    assert result["chain"]["events"] == 6
    command = subprocess.run(
        [sys.executable, "-m", "app.cli", "audit", "verify"],
        env={"DATABASE_URL": seeded_db, "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert command.returncode == 1
    assert "event 7" in command.stderr


def test_a_deleted_event_breaks_the_chain(
    engine: Engine, backend: str, write_client: TestClient
) -> None:
    with engine.begin() as conn:
        if backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        conn.execute(text("DELETE FROM audit_events WHERE seq = 3"))
        if backend == "postgresql":
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    result = write_client.get(f"{API}/changes/verify").json()
    assert result["ok"] is False
    assert result["chain"]["first_broken_seq"] == 3


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET actor_name = 'x' WHERE seq = 1",
        "DELETE FROM audit_events WHERE seq = 1",
        "TRUNCATE audit_events",
    ],
)
def test_postgresql_refuses_to_change_events(engine: Engine, backend: str, statement: str) -> None:
    assert backend == "postgresql"
    with pytest.raises(sqlalchemy.exc.DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))


def test_no_api_route_edits_or_deletes_events(
    write_client: TestClient, auth: dict[str, str]
) -> None:
    for method in ("PATCH", "DELETE", "PUT", "POST"):
        response = write_client.request(method, f"{API}/changes/1", headers=auth)
        assert response.status_code in (404, 405)
        response = write_client.request(method, f"{API}/changes", headers=auth)
        assert response.status_code == 405


def test_refused_writes_change_nothing_in_the_trail(
    write_client: TestClient, session: Session
) -> None:
    before = all_changes(write_client)
    response = write_client.post(
        f"{API}/services", json={"slug": "x", "name": "x", "sources": SOURCE}
    )
    assert_problem(response, 401)
    assert all_changes(write_client) == before
