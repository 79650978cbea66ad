"""``sharing-register seed`` and ``import`` draw a progress bar on a terminal
and print nothing but their summary line when not on one."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import PROJECT_ROOT
from app.interchange.seed import read_seed_dir
from tests.conftest import SEED_DIR
from tests.exports_helpers import API, COUNCIL

SEED_ENTRIES = sum(content.size for content in read_seed_dir(SEED_DIR))


def run(url: str, *argv: str, terminal: bool) -> tuple[int, str, str]:
    """The command's exit code, standard output and standard error; standard
    error on a pseudo-terminal when ``terminal``."""
    env = {**os.environ, "DATABASE_URL": url, "TERM": "xterm-256color"}
    command = [sys.executable, "-m", "app.cli", *argv]
    if not terminal:
        done = subprocess.run(
            command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    drawn: list[bytes] = []

    def drain() -> None:  # a full terminal buffer would block the command
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the command closed its end
                return
            if not chunk:
                return
            drawn.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        done = subprocess.run(
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=120,
        )
    finally:
        os.close(follower)
        reader.join(timeout=10)
        os.close(leader)
    return done.returncode, done.stdout, b"".join(drawn).decode(errors="replace")


def test_seed_counts_every_entry_on_a_terminal(empty_db: str) -> None:
    code, out, err = run(empty_db, "seed", terminal=True)
    assert code == 0, err
    assert out.splitlines() == [
        f"seed loaded from {SEED_DIR}: {SEED_ENTRIES} created, 0 updated, 0 deleted"
    ]
    assert "seed: auditing" in err
    assert f"{SEED_ENTRIES}/{SEED_ENTRIES}" in err


def test_seed_is_quiet_when_not_on_a_terminal(empty_db: str) -> None:
    code, out, err = run(empty_db, "seed", terminal=False)
    assert code == 0, err
    assert err == ""
    assert out.splitlines() == [
        f"seed loaded from {SEED_DIR}: {SEED_ENTRIES} created, 0 updated, 0 deleted"
    ]


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "pipe"])
def test_import_shows_progress_only_on_a_terminal(
    client: TestClient, empty_db: str, tmp_path: Path, terminal: bool
) -> None:
    document = client.get(f"{API}/register").json()
    path = tmp_path / "register.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    code, out, err = run(empty_db, "import", str(path), terminal=terminal)
    assert code == 0, err
    assert f"into {COUNCIL}: {SEED_ENTRIES} created, 0 updated, 0 deleted" in out
    if terminal:
        assert f"import {path.name}: auditing" in err
        assert f"{SEED_ENTRIES}/{SEED_ENTRIES}" in err
    else:
        assert err == ""
