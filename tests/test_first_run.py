"""The first run: ``serve`` says first where the pages, the API docs and the
register are; ``scripts/run`` keeps the installer's output in a log file and
names it when setting up fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.cli import where
from app.config import PROJECT_ROOT
from tests.browser.conftest import free_port


def test_serve_first_says_where_to_look(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'register.sqlite3'}"}
    command = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline().decode().strip()
        assert first == where("127.0.0.1", port)
        urls = [word for word in first.split() if word.startswith("http://")]
        assert len(urls) == 3
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(urls[0], timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        for url in urls:
            assert httpx.get(url, timeout=10).status_code == 200, url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_where_names_a_reachable_address_for_any_interface() -> None:
    assert "http://127.0.0.1:8000/docs" in where("0.0.0.0", 8000)
    assert "http://[::1]:8000/" in where("::1", 8000)


def test_run_names_the_installer_log_when_setting_up_fails(tmp_path: Path) -> None:
    shutil.copytree(PROJECT_ROOT / "scripts", tmp_path / "scripts")
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path)
    result = subprocess.run(
        [str(tmp_path / "scripts" / "run")],
        env={**os.environ, "PYTHON": "false"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "var/bootstrap.log" in result.stderr.splitlines()[0]
    assert (tmp_path / "var" / "bootstrap.log").exists()


def test_bootstrap_makes_a_venv_without_pip_when_uv_is_at_hand(tmp_path: Path) -> None:
    """With uv on PATH, no ensurepip (seconds): a bare venv, then uv installs
    the project, with pip too only for development."""
    shutil.copytree(PROJECT_ROOT / "scripts", tmp_path / "scripts")
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path)
    tools = tmp_path / "tools"
    tools.mkdir()
    calls = tmp_path / "uv-calls"
    uv = tools / "uv"
    uv.write_text(f'#!/bin/sh\necho "$*" >> {calls}\n', encoding="utf-8")
    uv.chmod(0o755)
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "PYTHON": sys.executable}

    def bootstrap(extras: str) -> None:
        subprocess.run(
            [str(tmp_path / "scripts" / "bootstrap")],
            env={**env, "EXTRAS": extras},
            check=True,
            timeout=120,
        )

    bootstrap("")
    venv = tmp_path / ".venv"
    assert (venv / "bin" / "python").exists()
    assert not (venv / "bin" / "pip").exists()
    install = "pip install --quiet --python .venv/bin/python"
    assert calls.read_text().splitlines() == [f"{install} -e ."]
    bootstrap("")  # installed already: uv is not called again
    bootstrap("dev")
    assert calls.read_text().splitlines() == [f"{install} -e .", f"{install} -e .[dev] pip"]
