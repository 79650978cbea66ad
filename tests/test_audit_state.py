"""The register's tables reconciled with its audit trail: verification
replays the trail and compares each controller's register with the tables by
the digest ``/api/v1/register`` serves, reporting chain and state apart, and
naming the first entity that differs when a row was edited behind the
application's back."""

from __future__ import annotations

import subprocess
import sys

from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

API = "/api/v1"
TAMPERED = "department-for-education"


def verify(client: TestClient) -> dict:  # type: ignore[type-arg]
    response = client.get(f"{API}/changes/verify")
    assert response.status_code == 200, response.text
    body: dict = response.json()  # type: ignore[type-arg]
    return body


def command(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "audit", "verify"],
        env={"DATABASE_URL": url, "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_untouched_register_matches_its_trail_by_the_served_digest(
    client: TestClient,
) -> None:
    result = verify(client)
    assert result["ok"] is True
    assert result["chain"]["ok"] is True
    state = result["state"]
    assert state["ok"] is True
    assert state["first_difference"] is None
    assert state["seq"] == result["chain"]["events"]
    assert state["controllers"]
    for entry in state["controllers"]:
        served = client.get(f"{API}/register", params={"controller": entry["controller"]}).json()
        assert entry["digest"] == entry["replayed_digest"] == served["digest"]


def test_a_row_edited_behind_the_apps_back_is_named(
    write_client: TestClient, engine: Engine, seeded_db: str
) -> None:
    with engine.begin() as conn:
        changed = conn.execute(
            text("UPDATE recipients SET name = 'Tampered DfE' WHERE slug = :slug"),
            {"slug": TAMPERED},
        )
        assert changed.rowcount == 1
    result = verify(write_client)
    assert result["ok"] is False
    assert result["chain"]["ok"] is True  # the trail itself was not touched
    state = result["state"]
    assert state["ok"] is False
    difference = state["first_difference"]
    assert difference["entity_type"] == "recipients"
    assert difference["slug"] == TAMPERED
    assert difference["reason"] == "changed"
    assert difference["fields"] == ["name"]
    bad = [c for c in state["controllers"] if not c["ok"]]
    assert [c["controller"] for c in bad] == [difference["controller"]]
    served = write_client.get(f"{API}/register", params={"controller": bad[0]["controller"]})
    assert bad[0]["digest"] == served.json()["digest"] != bad[0]["replayed_digest"]

    run = command(seeded_db)
    assert run.returncode == 1
    assert "chain: intact" in run.stdout
    assert f"recipients/{TAMPERED}" in run.stderr
    assert "(name)" in run.stderr


def test_a_row_deleted_behind_the_apps_back_is_named(
    write_client: TestClient, engine: Engine
) -> None:
    with engine.begin() as conn:
        slug = conn.execute(text("SELECT slug FROM statements ORDER BY slug LIMIT 1")).scalar_one()
        conn.execute(text("DELETE FROM statements WHERE slug = :slug"), {"slug": slug})
    difference = verify(write_client)["state"]["first_difference"]
    assert (difference["entity_type"], difference["slug"], difference["reason"]) == (
        "statements",
        slug,
        "not in the tables",
    )


def test_writes_through_the_api_keep_tables_and_trail_in_step(
    write_client: TestClient, auth: dict[str, str], seeded_db: str
) -> None:
    read = write_client.get(f"{API}/recipients/nexus")
    patched = write_client.patch(
        f"{API}/recipients/nexus",
        json={"contract_reference": "Contract 2024/17"},
        headers={**auth, "If-Match": read.headers["etag"]},
    )
    assert patched.status_code == 200, patched.text
    result = verify(write_client)
    assert result["ok"] is True, result["state"]["first_difference"]
    run = command(seeded_db)
    assert run.returncode == 0, run.stderr
    assert "state: matches the trail" in run.stdout
