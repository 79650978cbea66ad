"""Expensive reads run in worker processes (``app.workers``): really in
another process, at a lower priority, answering what the in-thread path
answers; a failure there is a problem response, not a 500; the pool stops
with the app."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api.services import services_of
from app.audit.incremental import VERIFIERS
from app.errors import NotFound
from app.main import create_app
from app.trail.models import AuditEvent
from app.workers import Workers, WorkFailed
from tests.conftest import make_settings
from tests.helpers import assert_problem
from tests.test_merkle_log import write

API = "/api/v1"


def process_id(_session: Session) -> int:
    return os.getpid()


def first_event(session: Session) -> str | None:
    return session.scalar(select(AuditEvent.action).where(AuditEvent.seq == 1))


def fails(_session: Session) -> None:
    raise RuntimeError("a bug in expensive work")


def not_found(_session: Session) -> None:
    raise NotFound("No such moment.")


def comparable(response: Response) -> object:
    """The answer without the time it was generated."""
    if response.headers["content-type"].startswith("application/json"):
        body = response.json()
        body.pop("generated_at", None)
        return body
    return response.content


@pytest.fixture
def pooled(seeded_db: str) -> Iterator[tuple[TestClient, FastAPI]]:
    app = create_app(make_settings(seeded_db, expensive_processes=1, verify_cache_seconds=0))
    with TestClient(app) as client:
        yield client, app


@pytest.fixture
def in_thread(seeded_db: str) -> Iterator[TestClient]:
    app = create_app(make_settings(seeded_db, expensive_processes=0, verify_cache_seconds=0))
    with TestClient(app) as client:
        yield client


def test_expensive_work_runs_in_another_process_at_a_lower_priority(
    pooled: tuple[TestClient, FastAPI],
) -> None:
    client, app = pooled
    services = services_of(app)
    assert services.workers.pids() == []  # started on first use
    assert client.get(f"{API}/changes/verify").json()["ok"] is True
    pids = services.workers.pids()
    assert len(pids) == 1
    assert os.getpid() not in pids
    assert os.getpriority(os.PRIO_PROCESS, pids[0]) == os.getpriority(os.PRIO_PROCESS, 0) + 10
    with services.sessions() as session:
        assert services.workers.run(session, process_id) == pids[0]
        assert services.workers.run(session, first_event) == first_event(session)
        # The verified point is kept in the worker, not here.
        assert VERIFIERS._verifiers.get(services.engine) is None


def test_answers_equal_the_in_thread_path(
    pooled: tuple[TestClient, FastAPI], in_thread: TestClient
) -> None:
    client, app = pooled
    start = datetime.now(UTC).isoformat()
    write(client, app, "Contract 2027/6")
    moment = datetime.now(UTC).isoformat()
    write(client, app, "Contract 2027/7")
    for path, params in [
        (f"{API}/register", {"as_of": moment}),
        (f"{API}/register/diff", {"from": start, "to": moment}),
        (f"{API}/register/diff", {"from": "2020-01-01T00:00:00Z", "to": moment}),  # 404
    ]:
        pooled_answer = client.get(path, params=params)
        assert pooled_answer.status_code in (200, 404), pooled_answer.text
        assert comparable(pooled_answer) == comparable(in_thread.get(path, params=params))
    for _ in range(2):  # a full pass, then an incremental one
        by_worker = client.get(f"{API}/changes/verify").json()
        in_process = in_thread.get(f"{API}/changes/verify").json()
        assert by_worker["pass"] == in_process["pass"]
        assert by_worker["chain"] == in_process["chain"]
        assert by_worker["state"] == in_process["state"]
        write(client, app, "Contract 2027/8")


def test_a_failure_in_a_worker_is_a_problem_not_a_500(
    pooled: tuple[TestClient, FastAPI],
) -> None:
    client, app = pooled
    services = services_of(app)
    with services.sessions() as session:
        with pytest.raises(NotFound, match="No such moment"):
            services.workers.run(session, not_found)
        with pytest.raises(WorkFailed) as failed:
            services.workers.run(session, fails)
        assert failed.value.status == 503
        assert "bug" not in failed.value.detail  # logged by the worker, not told
    os.kill(services.workers.pids()[0], signal.SIGKILL)
    died = client.get(f"{API}/changes/verify")
    assert_problem(died, 503)
    assert died.headers["retry-after"] == "5"
    again = client.get(f"{API}/changes/verify")  # a new worker takes over
    assert again.status_code == 200
    assert again.json()["ok"] is True


def test_the_pool_stops_with_the_app(seeded_db: str) -> None:
    app = create_app(make_settings(seeded_db, expensive_processes=1))
    with TestClient(app) as client:
        assert client.get(f"{API}/changes/verify").status_code == 200
        pids = services_of(app).workers.pids()
        assert pids
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with services_of(app).sessions() as session, pytest.raises(WorkFailed):
        services_of(app).workers.run(session, process_id)


def test_no_processes_means_in_the_callers_thread(seeded_db: str) -> None:
    pool = Workers(seeded_db, processes=0)
    app = create_app(make_settings(seeded_db, expensive_processes=0))
    with services_of(app).sessions() as session:
        assert pool.run(session, process_id) == os.getpid()
    assert pool.pids() == []
    services_of(app).close()
