"""Making a backup: the database copied from one consistent snapshot, its
manifest read from the same snapshot."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from app.audit.reconcile import verify_state
from app.audit.verification import Report, consistent_view
from app.backup.manifest import (
    FORMAT,
    BackupError,
    Manifest,
    kind,
    manifest_path,
    sha256_of,
)
from app.backup.postgres import libpq, tool
from app.db import load_json, make_engine, make_sessionmaker
from app.trail import log
from app.trail.chain import verify


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database has nothing to back up or restore into")
    return Path(database)


@contextmanager
def read_only_session(path: Path) -> Iterator[Session]:
    """A session on a SQLite file that changes nothing in it (no WAL switch)."""
    engine = create_engine(
        f"sqlite:///file:{path}?mode=ro&uri=true", poolclass=NullPool, json_deserializer=load_json
    )
    try:
        with sessionmaker(bind=engine)() as session:
            yield session
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Description:
    report: Report
    checkpoint: dict[str, Any]
    schema: str | None


def describe(session: Session, keys: log.LogKeys) -> Description:
    """The verification, the log's checkpoint and the schema revision, as
    this session sees them (its consistent view already taken)."""
    session.info[log.INFO_KEY] = keys
    report = Report.full(verify(session), verify_state(session))
    schema = session.scalar(text("SELECT version_num FROM alembic_version"))
    return Description(report, log.checkpoint(session), schema)


def backup(url: str, out: Path, keys: log.LogKeys) -> Manifest:
    """Copy the database at ``url`` to ``out`` and write its manifest beside
    it. The copy is written under a temporary name and renamed when whole."""
    database = kind(url)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if database == "sqlite":
            path = sqlite_path(url)
            if not path.is_file():
                raise BackupError(f"no SQLite database at {path}")
            source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            target = sqlite3.connect(partial)
            try:
                source.backup(target)
                # A self-contained file: the copy keeps no WAL mode of its source.
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
                source.close()
            # Described from the copy itself: what the manifest says is what it holds.
            with read_only_session(partial) as session:
                described = describe(session, keys)
        else:
            described = pg_dump(url, partial, keys)
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    manifest = Manifest(
        format=FORMAT,
        database=database,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        dump=out.name,
        dump_sha256=sha256_of(out),
        dump_bytes=out.stat().st_size,
        schema=described.schema,
        events=described.report.chain.events,
        controllers={
            c.controller: c.digest for c in described.report.state.controllers if c.digest
        },
        checkpoint=described.checkpoint,
        verified=described.report.ok,
    )
    manifest.write(manifest_path(out))
    return manifest


def pg_dump(url: str, out: Path, keys: log.LogKeys) -> Description:
    """``pg_dump`` of the snapshot this transaction exports, described
    meanwhile from the same snapshot."""
    pg_dump = tool("pg_dump")
    target, env = libpq(url)
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with make_sessionmaker(engine)() as session:
            consistent_view(session)
            snapshot = session.scalar(text("SELECT pg_export_snapshot()"))
            dump = subprocess.Popen(
                [
                    pg_dump,
                    "-Fc",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "-f",
                    str(out),
                    target,
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            try:
                described = describe(session, keys)
            finally:
                _, errors = dump.communicate()
            if dump.returncode != 0:
                raise BackupError(f"pg_dump failed: {errors.strip()}")
            return described
    finally:
        engine.dispose()
