"""Restoring a backup: the dump checked against its manifest, restored into an
empty database, then verified and compared with the manifest."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from app.audit.verification import Report, verify_register
from app.backup.dump import sqlite_path
from app.backup.manifest import (
    CHECKPOINT_FIELDS,
    BackupError,
    Manifest,
    kind,
    manifest_path,
    sha256_of,
)
from app.backup.postgres import libpq, run, tool
from app.db import make_engine
from app.trail import log


def holds_data(url: str) -> bool:
    """Whether any table of the database at ``url`` holds a row (the schema
    alone, as ``migrate`` leaves it, does not count)."""
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            quote = engine.dialect.identifier_preparer.quote
            return any(
                conn.execute(text(f"SELECT 1 FROM {quote(t)} LIMIT 1")).first() for t in tables
            )
    finally:
        engine.dispose()


def check_dump(dump: Path) -> Manifest:
    """The manifest of ``dump``, once its bytes are the ones it describes."""
    manifest = Manifest.read(manifest_path(dump))
    if not dump.is_file():
        raise BackupError(f"no dump at {dump}")
    if sha256_of(dump) != manifest.dump_sha256:
        raise BackupError(
            f"{dump} is not the dump its manifest describes (SHA-256 differs): "
            "corrupted or replaced; nothing restored"
        )
    return manifest


def restore(dump: Path, url: str, *, force: bool = False) -> Manifest:
    """Replace the database at ``url`` by the backup ``dump``."""
    manifest = check_dump(dump)
    database = kind(url)
    if manifest.database != database:
        raise BackupError(f"{dump} is a {manifest.database} backup; DATABASE_URL is {database}")
    if database == "postgresql":
        pg_restore = tool("pg_restore")  # before anything is touched
    if not force and holds_data(url):
        raise BackupError("the target database holds data; restore with --force to replace it")
    if database == "sqlite":
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        target = sqlite3.connect(path)
        try:
            if source.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError(f"{dump} fails SQLite's integrity check; nothing restored")
            source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        target_url, env = libpq(url)
        run(
            [
                pg_restore,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "-d",
                target_url,
                str(dump),
            ],
            env,
        )
    return manifest


@dataclass(frozen=True)
class Comparison:
    """The restored database against the manifest."""

    report: Report
    differing: list[str]
    """Controllers whose digest is not the manifest's (or that only one side has)."""
    checkpoint: dict[str, Any]
    checkpoint_ok: bool

    @property
    def ok(self) -> bool:
        return self.report.ok and not self.differing and self.checkpoint_ok


def compare(session: Session, manifest: Manifest) -> Comparison:
    report = verify_register(session)
    restored = {c.controller: c.digest for c in report.state.controllers if c.digest}
    differing = sorted(
        slug
        for slug in set(restored) | set(manifest.controllers)
        if restored.get(slug) != manifest.controllers.get(slug)
    )
    checkpoint = log.checkpoint(session)
    checkpoint_ok = all(
        checkpoint.get(name) == manifest.checkpoint.get(name) for name in CHECKPOINT_FIELDS
    )
    return Comparison(report, differing, checkpoint, checkpoint_ok)
