"""Loading seed files: complete, idempotent, transactional, precise errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import make_engine, make_sessionmaker, session_scope
from app.interchange.loading import LoadError
from app.interchange.seed import load_seed, read_seed_dir
from app.register import entities as e
from app.register.models import Controller
from app.trail.models import AuditEvent
from tests.conftest import SEED_DIR

COUNCIL = "cambridgeshire-county-council"


def counts(session: Session) -> dict[str, int]:
    return {
        t.name: session.scalar(select(func.count()).select_from(t.model)) or 0 for t in e.ALL_TYPES
    }


def test_every_seed_entry_is_loaded(session: Session) -> None:
    loaded = counts(session)
    (content,) = read_seed_dir(SEED_DIR)
    for name, section in content.sections.items():
        assert loaded[name] == len(section.entries), name
    assert loaded["controllers"] == 1
    assert loaded["lawful-bases"] == 16


def test_a_second_load_changes_nothing(session: Session) -> None:
    before_events = session.scalar(select(func.count()).select_from(AuditEvent))
    summary = load_seed(session, SEED_DIR)
    session.commit()
    assert summary.changed == 0
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == before_events


def _copy_seed(tmp_path: Path) -> Path:
    target = tmp_path / "seed"
    shutil.copytree(SEED_DIR, target)
    return target


def _edit(path: Path, index: int, **changes: object) -> None:
    entries = yaml.safe_load(path.read_text())
    entries[index].update(changes)
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False))


def test_an_error_names_file_entry_and_field_and_loads_nothing(
    empty_db: str, tmp_path: Path
) -> None:
    seed = _copy_seed(tmp_path)
    _edit(seed / COUNCIL / "recipients.yaml", 2, role="emperor")
    _edit(seed / COUNCIL / "sharing.yaml", 0, recipient="nobody-at-all")
    engine = make_engine(empty_db, pool_size=1, max_overflow=0)
    factory = make_sessionmaker(engine)
    try:
        with pytest.raises(LoadError) as raised, session_scope(factory) as session:
            load_seed(session, seed)
        messages = [str(issue) for issue in raised.value.issues]
        role = next(m for m in messages if "recipients.yaml" in m)
        assert f"{COUNCIL}/recipients.yaml: entry 3" in role
        assert ": role:" in role
        with factory() as session:
            assert all(n == 0 for n in counts(session).values())
            assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    finally:
        engine.dispose()


def test_an_unknown_reference_is_reported_with_its_field(empty_db: str, tmp_path: Path) -> None:
    seed = _copy_seed(tmp_path)
    _edit(seed / COUNCIL / "sharing.yaml", 0, recipient="nobody-at-all")
    engine = make_engine(empty_db, pool_size=1, max_overflow=0)
    try:
        with pytest.raises(LoadError) as raised, session_scope(make_sessionmaker(engine)) as s:
            load_seed(s, seed)
        (issue,) = raised.value.issues
        assert issue.where.endswith("sharing.yaml")
        assert issue.field == "recipient"
        assert "nobody-at-all" in issue.message
        with make_sessionmaker(engine)() as session:
            assert session.scalar(select(func.count()).select_from(Controller)) == 0
    finally:
        engine.dispose()


def test_invalid_yaml_names_the_file(empty_db: str, tmp_path: Path) -> None:
    seed = _copy_seed(tmp_path)
    (seed / COUNCIL / "rights.yaml").write_text("- slug: [unclosed\n")
    engine = make_engine(empty_db, pool_size=1, max_overflow=0)
    try:
        with pytest.raises(LoadError) as raised, session_scope(make_sessionmaker(engine)) as s:
            load_seed(s, seed)
        assert "rights.yaml" in str(raised.value.issues[0])
    finally:
        engine.dispose()


def test_editing_a_seed_file_updates_in_place(seeded_db: str, tmp_path: Path) -> None:
    seed = _copy_seed(tmp_path)
    _edit(
        seed / COUNCIL / "recipients.yaml",
        0,
        website="https://www.gov.uk/government/organisations/department-for-education",
    )
    engine = make_engine(seeded_db, pool_size=1, max_overflow=0)
    try:
        with session_scope(make_sessionmaker(engine)) as session:
            summary = load_seed(session, seed)
        assert (summary.created, summary.updated, summary.deleted) == (0, 1, 0)
    finally:
        engine.dispose()


def test_the_seed_command_reports_errors_and_exits_non_zero(empty_db: str, tmp_path: Path) -> None:
    seed = _copy_seed(tmp_path)
    _edit(seed / COUNCIL / "services.yaml", 1, name="")
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "seed"],
        env={"DATABASE_URL": empty_db, "SEED_DIR": str(seed), "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "services.yaml: entry 2" in result.stderr
    assert "name" in result.stderr
