"""Limits that hold with many workers and behind proxies: failed
authentications are counted in the database (every worker sees every
failure), per client and per key; X-Forwarded-For is believed only from the
proxies in FORWARDED_ALLOW_IPS; a keys:admin key limited to one controller
sees that controller's keys only; ``keys list`` shows each key's controller."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.api.services import services_of
from app.main import create_app
from tests.conftest import make_key, make_settings
from tests.helpers import assert_problem
from tests.test_auth import keys  # noqa: F401  (fixture)

SERVICE = {"slug": "limit-service", "name": "S", "sources": [{"kind": "notice", "quote": "x"}]}
UNKNOWN = {"Authorization": "Bearer dsr_000000000000_wrong-secret-value"}


def workers(url: str, count: int, **overrides: object) -> list[FastAPI]:
    return [
        create_app(make_settings(url, auth_failure_limit=3, auth_failure_window=30.0, **overrides))
        for _ in range(count)
    ]


@pytest.fixture
def two_workers(seeded_db: str) -> Iterator[list[FastAPI]]:
    apps = workers(seeded_db, 2)
    yield apps
    for app in apps:
        services_of(app).engine.dispose()


def test_failures_through_one_worker_count_in_every_other(two_workers: list[FastAPI]) -> None:
    first, second = (TestClient(a, client=("203.0.113.9", 4000)) for a in two_workers)
    with first, second:
        assert_problem(first.post("/api/v1/services", json=SERVICE, headers=UNKNOWN), 401)
        assert_problem(second.post("/api/v1/services", json=SERVICE, headers=UNKNOWN), 401)
        assert_problem(first.post("/api/v1/services", json=SERVICE, headers=UNKNOWN), 401)
        for client in (second, first):  # three failures in all: both refuse the fourth
            refused = client.post("/api/v1/services", json=SERVICE, headers=UNKNOWN)
            assert_problem(refused, 429)
            assert 1 <= int(refused.headers["retry-after"]) <= 30


def test_guessing_one_keys_secret_is_limited_for_that_key_and_client(
    two_workers: list[FastAPI],
) -> None:
    app = two_workers[0]
    secret = make_key(app, "register:write", name="target")
    key_id = secret.split("_")[1]
    guess = {"Authorization": f"Bearer dsr_{key_id}_not-the-secret"}
    right = {"Authorization": f"Bearer {secret}"}
    attacker = TestClient(app, client=("203.0.113.9", 4000))
    owner = TestClient(two_workers[1], client=("198.51.100.7", 4000))
    with attacker, owner:
        for _ in range(3):
            assert_problem(attacker.post("/api/v1/services", json=SERVICE, headers=guess), 401)
        # That key from that client waits, even with the right secret.
        assert_problem(attacker.post("/api/v1/services", json=SERVICE, headers=right), 429)
        # Tokens naming no key are still judged on their own count there.
        assert_problem(attacker.post("/api/v1/services", json=SERVICE, headers=UNKNOWN), 401)
        # The owner, elsewhere, is not locked out.
        assert owner.post("/api/v1/services", json=SERVICE, headers=right).status_code == 201


@pytest.mark.parametrize("trusted", ["", "127.0.0.1"])
def test_x_forwarded_for_is_believed_only_from_configured_proxies(
    seeded_db: str, trusted: str
) -> None:
    (app,) = workers(seeded_db, 1, forwarded_allow_ips=trusted)
    try:
        spoofer = TestClient(app, client=("203.0.113.9", 4000))
        proxy = TestClient(app, client=("127.0.0.1", 4000))
        with spoofer, proxy:
            statuses = [
                spoofer.post(
                    "/api/v1/services",
                    json=SERVICE,
                    headers={**UNKNOWN, "X-Forwarded-For": f"192.0.2.{n}"},
                ).status_code
                for n in range(15)
            ]
            # A client that is not a trusted proxy cannot choose its address.
            assert statuses == [401] * 3 + [429] * 12
            behind = [
                proxy.post(
                    "/api/v1/services",
                    json=SERVICE,
                    headers={**UNKNOWN, "X-Forwarded-For": f"192.0.2.{n}"},
                ).status_code
                for n in range(6)
            ]
            if trusted:  # each forwarded client counted apart
                assert behind == [401] * 6
            else:  # the proxy's own address, for all of them
                assert behind == [401] * 3 + [429] * 3
    finally:
        services_of(app).engine.dispose()


def test_a_limited_keys_admin_lists_its_controllers_keys_only(
    write_client: TestClient,
    app: FastAPI,
    keys: dict[str, str],  # noqa: F811
) -> None:
    everyone = {"Authorization": f"Bearer {keys['admin_only']}"}
    limited = {"Authorization": f"Bearer {keys['other_controller']}"}
    all_keys = write_client.get("/api/v1/keys", headers=everyone).json()["items"]
    assert {k["controller"] for k in all_keys} == {None, "other-council"}
    theirs = write_client.get("/api/v1/keys", headers=limited).json()["items"]
    assert theirs
    assert {k["controller"] for k in theirs} == {"other-council"}
    assert {k["key_id"] for k in theirs} == {
        k["key_id"] for k in all_keys if k["controller"] == "other-council"
    }


def test_keys_list_shows_each_keys_controller(
    app: FastAPI,
    seeded_db: str,
    keys: dict[str, str],  # noqa: F811
) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "app.cli", "keys", "list"],
        env={"DATABASE_URL": seeded_db, "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    other = keys["other_controller"].split("_")[1]
    admin = keys["admin_only"].split("_")[1]
    line = {row.split()[0]: row for row in listed.splitlines()}
    assert "other-council" in line[other]
    assert "all controllers" in line[admin]
