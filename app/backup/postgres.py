"""PostgreSQL's client tools (``pg_dump``, ``pg_restore``) found on ``PATH`` and run
with the connection in libpq's environment variables."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from app.backup.manifest import BackupError


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not on PATH: install the PostgreSQL client tools "
            "(of the server's major version or newer), e.g. the postgresql-client package"
        )
    return found


def libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for ``url`` and the environment carrying its
    password (kept off the command line, where ``ps`` shows it)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        message = done.stderr.strip() or f"exit status {done.returncode}"
        raise BackupError(f"{Path(args[0]).name} failed: {message}")
