"""Backups that restore: the database copied whole, with a manifest beside it.

SQLite is copied with its online backup API (``sqlite3.Connection.backup``),
PostgreSQL with ``pg_dump -Fc`` and restored with ``pg_restore`` (both found on
``PATH``). The manifest (``<dump>.manifest.json``) records what the copy holds:
its SHA-256, each controller's digest as ``/api/v1/register`` serves it, and
the Merkle log's checkpoint, all read from the same snapshot as the copy. A
restore refuses a dump whose bytes differ from the manifest's, and afterwards
verifies the chain and the state and compares digests and checkpoint with the
manifest's.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from app.audit.reconcile import verify_state
from app.audit.verification import Report, consistent_view, verify_register
from app.db import load_json, make_engine, make_sessionmaker
from app.trail import log
from app.trail.chain import verify

FORMAT = "sharing-register-backup/1"
MANIFEST_SUFFIX = ".manifest.json"
CHECKPOINT_FIELDS = ("tree_size", "root_hash", "timestamp")
"""What a restored log must match; the signature depends on the key configured."""


class BackupError(Exception):
    """A backup or restore that cannot be made: the command says why, exit 2."""


@dataclass(frozen=True)
class Manifest:
    format: str
    database: str
    created_at: str
    dump: str
    dump_sha256: str
    dump_bytes: int
    schema: str | None
    """The Alembic revision of the database backed up."""
    events: int
    controllers: dict[str, str]
    """Controller slug -> the digest of its register in the tables."""
    checkpoint: dict[str, Any]
    verified: bool
    """Whether the chain and the state verified when the backup was taken."""

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"format is not {FORMAT}")
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise BackupError(f"cannot read the manifest {path}: {exc}") from exc

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


def kind(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {name} database")
    return name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- PostgreSQL client tools ---------------------------------------------------------------


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


# --- backup --------------------------------------------------------------------------------


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
            described = _pg_dump(url, partial, keys)
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


def _pg_dump(url: str, out: Path, keys: log.LogKeys) -> Description:
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


# --- restore -------------------------------------------------------------------------------


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
