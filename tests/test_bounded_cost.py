"""Bounded cost of the expensive public reads: ``/changes/verify`` is
verified once per chain head (and period), and ``as_of`` is resolved to the
last event at or before it first, so any two moments between the same two
events cost one replay."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.services import services_of
from app.audit import incremental
from app.history import replay
from tests.test_merkle_log import write

API = "/api/v1"


def counting(monkeypatch: pytest.MonkeyPatch, app: FastAPI, task: Callable[..., Any]) -> list[int]:
    """Calls of ``task`` on the app's expensive-work pool (``app.workers``),
    whichever process runs them."""
    calls: list[int] = []
    pool = services_of(app).workers
    original = pool.run

    def counted(session: Any, work: Callable[..., Any], *args: Any) -> Any:
        if work is task:
            calls.append(1)
        return original(session, work, *args)

    monkeypatch.setattr(pool, "run", counted)
    return calls


def moment() -> str:
    value = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    return value


def test_two_moments_between_the_same_events_cost_one_replay(
    write_client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(write_client, app, "Contract 2026/10")
    first, second = moment(), moment()
    write(write_client, app, "Contract 2026/11")
    after = moment()
    replays = counting(monkeypatch, app, replay.replayed_content)
    one = write_client.get(f"{API}/register", params={"as_of": first})
    assert one.status_code == 200, one.text
    assert len(replays) == 1
    two = write_client.get(f"{API}/register", params={"as_of": second})
    assert len(replays) == 1  # the same event: the replay is reused
    assert two.json()["digest"] == one.json()["digest"]
    assert two.json()["data_version"] == one.json()["data_version"]
    assert two.json()["as_of"] != one.json()["as_of"]
    three = write_client.get(f"{API}/register", params={"as_of": after})
    assert len(replays) == 2  # a later event: replayed once more
    assert three.json()["data_version"] == one.json()["data_version"] + 1
    assert three.json()["digest"] != one.json()["digest"]
    write_client.get(f"{API}/register.csv", params={"as_of": after})
    write_client.get(f"{API}/register/diff", params={"from": first, "to": after})
    assert len(replays) == 2  # exports and diffs share the same replays


def test_verification_is_reused_until_the_log_changes(
    write_client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = counting(monkeypatch, app, incremental.verify_incrementally)
    first = write_client.get(f"{API}/changes/verify").json()
    again = write_client.get(f"{API}/changes/verify").json()
    assert len(runs) == 1
    assert again == first
    write(write_client, app, "Contract 2026/12")
    after = write_client.get(f"{API}/changes/verify").json()
    assert len(runs) == 2
    assert after["ok"] is True
    assert after["chain"]["events"] == first["chain"]["events"] + 1


def test_a_verification_is_not_kept_past_its_age(
    write_client: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = counting(monkeypatch, app, incremental.verify_incrementally)
    services_of(app).verification.max_age = 0.05
    write_client.get(f"{API}/changes/verify")
    time.sleep(0.1)
    write_client.get(f"{API}/changes/verify")
    assert len(runs) == 2
