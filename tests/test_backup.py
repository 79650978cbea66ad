"""Backups that restore: ``sharing-register backup`` copies the database with a
manifest beside it (per-controller digests, the log's checkpoint);
``sharing-register restore`` puts it into a fresh database, refuses a corrupted
dump or a database holding data (unless ``--force``), and checks chain, state,
digests and checkpoint against the manifest. Run as the command runs, on both
databases; digests compared with what ``/api/v1/register`` serves."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from app.api.services import services_of
from app.db import make_engine
from app.main import create_app
from app.migrate import alembic_config
from tests.conftest import make_settings
from tests.databases import DatabaseFactory

API = "/api/v1"
PATCHED = "nexus"


@pytest.fixture(autouse=True)
def client_tools(backend: str) -> None:
    if backend == "postgresql" and shutil.which("pg_dump") is None:
        pytest.skip("the PostgreSQL backup needs pg_dump and pg_restore on PATH")


def cli(url: str, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={"DATABASE_URL": url, "PATH": os.environ.get("PATH", "") if path is None else path},
        capture_output=True,
        text=True,
        check=False,
    )


def take_backup(url: str, dump: Path) -> dict[str, Any]:
    done = cli(url, "backup", "--out", str(dump))
    assert done.returncode == 0, done.stderr
    manifest: dict[str, Any] = json.loads(Path(f"{dump}.manifest.json").read_text())
    return manifest


@contextmanager
def serving(url: str) -> Iterator[TestClient]:
    app = create_app(make_settings(url))
    try:
        with TestClient(app) as client:
            yield client
    finally:
        services_of(app).engine.dispose()


def served_digests(client: TestClient, controllers: list[str]) -> dict[str, str]:
    digests = {}
    for slug in controllers:
        response = client.get(f"{API}/register", params={"controller": slug})
        assert response.status_code == 200, response.text
        digests[slug] = response.json()["digest"]
    return digests


def write_after(client: TestClient, auth: dict[str, str]) -> None:
    read = client.get(f"{API}/recipients/{PATCHED}")
    patched = client.patch(
        f"{API}/recipients/{PATCHED}",
        json={"contract_reference": "Written after the backup"},
        headers={**auth, "If-Match": read.headers["etag"]},
    )
    assert patched.status_code == 200, patched.text


def tables(url: str) -> list[str]:
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            return inspect(conn).get_table_names()
    finally:
        engine.dispose()


def test_a_backup_restores_into_a_fresh_database_with_the_backups_digests(
    write_client: TestClient,
    auth: dict[str, str],
    seeded_db: str,
    databases: DatabaseFactory,
    tmp_path: Path,
) -> None:
    dump = tmp_path / "backups" / "register.dump"
    manifest = take_backup(seeded_db, dump)
    controllers = sorted(manifest["controllers"])
    assert controllers
    assert served_digests(write_client, controllers) == manifest["controllers"]
    assert manifest["checkpoint"] == write_client.get(f"{API}/log/checkpoint").json()
    assert manifest["verified"] is True
    head = ScriptDirectory.from_config(alembic_config(seeded_db)).get_current_head()
    assert manifest["schema"] == head

    write_after(write_client, auth)  # the source moves on; the backup must not
    moved = served_digests(write_client, controllers)
    assert moved != manifest["controllers"]

    fresh = databases.create()
    assert tables(fresh) == []
    done = cli(fresh, "restore", str(dump))
    assert done.returncode == 0, done.stderr
    events = manifest["checkpoint"]["tree_size"]
    assert f"chain: intact, {events} events" in done.stdout
    assert f"state: matches the trail at event {events}" in done.stdout
    assert "digests: match the backup's" in done.stdout
    assert "as at the backup" in done.stdout

    with serving(fresh) as restored:
        assert served_digests(restored, controllers) == manifest["controllers"]
        checkpoint = restored.get(f"{API}/log/checkpoint").json()
        assert checkpoint["root_hash"] == manifest["checkpoint"]["root_hash"]
        assert checkpoint["tree_size"] == events
        recipient = restored.get(f"{API}/recipients/{PATCHED}").json()
        assert recipient.get("contract_reference") != "Written after the backup"
        verified = restored.get(f"{API}/changes/verify").json()
        assert verified["ok"] is True


def test_a_database_holding_data_is_replaced_only_with_force(
    write_client: TestClient, auth: dict[str, str], seeded_db: str, tmp_path: Path
) -> None:
    dump = tmp_path / "register.dump"
    manifest = take_backup(seeded_db, dump)
    controllers = sorted(manifest["controllers"])
    write_after(write_client, auth)
    moved = served_digests(write_client, controllers)
    services_of(write_client.app).engine.dispose()  # type: ignore[attr-defined]

    refused = cli(seeded_db, "restore", str(dump))
    assert refused.returncode == 2
    assert "holds data" in refused.stderr
    assert "--force" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert served_digests(write_client, controllers) == moved

    forced = cli(seeded_db, "restore", "--force", str(dump))
    assert forced.returncode == 0, forced.stderr
    services_of(write_client.app).engine.dispose()  # type: ignore[attr-defined]
    with serving(seeded_db) as rolled_back:
        assert served_digests(rolled_back, controllers) == manifest["controllers"]


def test_a_corrupted_dump_is_refused_and_nothing_restored(
    seeded_db: str, databases: DatabaseFactory, tmp_path: Path
) -> None:
    dump = tmp_path / "register.dump"
    take_backup(seeded_db, dump)
    data = bytearray(dump.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    dump.write_bytes(bytes(data))

    fresh = databases.create()
    done = cli(fresh, "restore", str(dump))
    assert done.returncode == 2
    assert "SHA-256 differs" in done.stderr
    assert "nothing restored" in done.stderr
    assert "Traceback" not in done.stderr
    assert tables(fresh) == []


def test_a_restore_that_differs_from_its_manifest_is_reported(
    seeded_db: str, databases: DatabaseFactory, tmp_path: Path
) -> None:
    """The checks after restoring can fail: a manifest that records other
    digests and another checkpoint than the dump holds is reported."""
    dump = tmp_path / "register.dump"
    manifest = take_backup(seeded_db, dump)
    slug = sorted(manifest["controllers"])[0]
    manifest["controllers"][slug] = "sha256:" + "0" * 64
    manifest["checkpoint"]["root_hash"] = "f" * 64
    Path(f"{dump}.manifest.json").write_text(json.dumps(manifest))

    done = cli(databases.create(), "restore", str(dump))
    assert done.returncode == 1
    assert f"digests: DIFFER from the backup's for {slug}" in done.stderr
    assert "checkpoint: DIFFERS from the backup's" in done.stderr
    assert "chain: intact" in done.stdout  # the dump itself is sound


@pytest.mark.postgres_only
def test_missing_postgresql_client_tools_are_a_clear_error(
    seeded_db: str, databases: DatabaseFactory, tmp_path: Path
) -> None:
    dump = tmp_path / "register.dump"
    done = cli(seeded_db, "backup", "--out", str(dump), path="")
    assert done.returncode == 2
    assert "pg_dump is not on PATH" in done.stderr
    assert "Traceback" not in done.stderr
    assert not dump.exists()

    take_backup(seeded_db, dump)
    fresh = databases.create()
    done = cli(fresh, "restore", str(dump), path="")
    assert done.returncode == 2
    assert "pg_restore is not on PATH" in done.stderr
    assert "Traceback" not in done.stderr
    assert tables(fresh) == []


def test_a_backup_that_cannot_be_written_is_a_clear_error(seeded_db: str, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the backup's directory should be")
    done = cli(seeded_db, "backup", "--out", str(blocker / "register.dump"))
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "Traceback" not in done.stderr
    assert blocker.read_text() == "a file where the backup's directory should be"


def test_a_tampered_register_is_backed_up_but_reported_at_both_ends(
    seeded_db: str, databases: DatabaseFactory, tmp_path: Path
) -> None:
    """A row edited behind the app's back: the backup is still made (it is
    evidence), exits 1 and records that it did not verify; its restore names
    the difference and exits 1."""
    engine = make_engine(seeded_db, pool_size=1, max_overflow=0)
    try:
        with engine.begin() as conn:
            changed = conn.execute(
                text("UPDATE recipients SET name = 'Tampered' WHERE slug = :slug"),
                {"slug": PATCHED},
            )
            assert changed.rowcount == 1
    finally:
        engine.dispose()
    dump = tmp_path / "register.dump"
    made = cli(seeded_db, "backup", "--out", str(dump))
    assert made.returncode == 1
    assert "did not verify" in made.stderr
    manifest = json.loads(Path(f"{dump}.manifest.json").read_text())
    assert manifest["verified"] is False

    done = cli(databases.create(), "restore", str(dump))
    assert done.returncode == 1
    assert "state: DIFFERS from the trail" in done.stderr
    assert f"recipients/{PATCHED}" in done.stderr
    assert "digests: match the backup's" in done.stdout  # the dump is the register backed up
