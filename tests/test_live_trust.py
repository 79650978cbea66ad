"""The trust guarantees against the app as production runs it
(``sharing-register serve`` with two worker processes): the standalone
verifier, run from a copy of the file the server serves, proves the log
extends a saved checkpoint and catches a rewrite; failed authentications are
counted across workers and a spoofed X-Forwarded-For changes nothing."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from app.db import make_engine
from app.trail.log_keys import create_key_file
from tests.servers import AppServer
from tests.test_merkle_log import rewrite_from

API = "/api/v1"
UNKNOWN = {"Authorization": "Bearer dsr_000000000000_wrong-secret-value"}


@pytest.fixture
def server(seeded_db: str, tmp_path: Path) -> Iterator[AppServer]:
    key = tmp_path / "log-key.pem"
    create_key_file(key)
    app = AppServer(seeded_db, workers=2, LOG_KEY_FILE=str(key), AUTH_FAILURE_LIMIT="3").start()
    try:
        yield app
    finally:
        app.stop()


def verifier(server: AppServer, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "verifier.py"
    if not script.exists():
        script.write_bytes(httpx.get(server.base_url + f"{API}/log/verifier.py").content)
    return subprocess.run(
        [sys.executable, "-I", str(script), "--server", server.base_url, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_an_auditor_proves_the_log_extends_a_saved_checkpoint_and_catches_a_rewrite(
    server: AppServer, seeded_db: str, tmp_path: Path
) -> None:
    with httpx.Client(base_url=server.base_url, headers={"Connection": "close"}) as http:
        (tmp_path / "keys.json").write_text(http.get(f"{API}/log/keys").text)
        # Every worker signs the same checkpoint.
        assert len({http.get(f"{API}/log/checkpoint").text for _ in range(6)}) == 1
    saved = verifier(server, tmp_path, "--public-key", "keys.json", "--save", "saved.json")
    assert saved.returncode == 0, saved.stderr
    checked = verifier(
        server,
        tmp_path,
        "--public-key",
        "keys.json",
        "--checkpoint",
        "saved.json",
        "--event",
        "12",
        "--full",
    )
    assert checked.returncode == 0, checked.stderr
    assert "consistent" in checked.stdout
    assert "full:" in checked.stdout

    engine: Engine = make_engine(seeded_db, pool_size=1, max_overflow=0)
    try:
        rewrite_from(engine, 12, "someone else")
    finally:
        engine.dispose()
    caught = verifier(server, tmp_path, "--public-key", "keys.json", "--checkpoint", "saved.json")
    assert caught.returncode == 1
    assert "rewritten" in caught.stderr


def test_failed_authentications_count_across_workers_whatever_the_client_claims(
    server: AppServer,
) -> None:
    statuses = []
    with httpx.Client(base_url=server.base_url, headers={"Connection": "close"}) as http:
        for n in range(15):
            response = http.post(
                f"{API}/services",
                json={"slug": "x", "name": "x", "sources": [{"kind": "notice", "quote": "x"}]},
                headers={**UNKNOWN, "X-Forwarded-For": f"192.0.2.{n}"},
            )
            statuses.append(response.status_code)
    assert statuses == [401] * 3 + [429] * 12
