"""Reading the seed files: one folder per controller, one YAML file per entity type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from app.interchange.loading import (
    LoadError,
    LoadIssue,
    LoadSummary,
    RegisterContent,
    Section,
    sync_register,
)
from app.interchange.progress import QUIET, Progress
from app.register import entities as e
from app.trail.chain import SYSTEM, Actor

LAWFUL_BASES_FILE = "lawful-bases.yaml"
CONTROLLER_FILE = "controller.yaml"
# libyaml's safe loader (in PyYAML's wheels) reads the seed ten times faster than the
# pure-Python one, with the same result.
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path, root: Path) -> Any:
    where = str(path.relative_to(root.parent))
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise LoadError([LoadIssue(where, "file", None, f"not valid YAML: {exc}")]) from None


def _section(path: Path, root: Path, *, mapping: bool = False) -> Section:
    where = str(path.relative_to(root.parent))
    data = _read_yaml(path, root) if path.exists() else ([] if not mapping else None)
    if mapping:
        if not isinstance(data, dict):
            raise LoadError([LoadIssue(where, "file", None, "must hold one mapping")])
        return Section(where, [data])
    if data is None:
        data = []
    if not isinstance(data, list):
        raise LoadError([LoadIssue(where, "file", None, "must hold a list of entries")])
    return Section(where, data)


def read_seed_dir(root: Path) -> list[RegisterContent]:
    """Every controller folder under ``root`` as register content."""
    lawful = _section(root / LAWFUL_BASES_FILE, root)
    contents = []
    for folder in sorted(p for p in root.iterdir() if (p / CONTROLLER_FILE).is_file()):
        content = RegisterContent(
            controller=_section(folder / CONTROLLER_FILE, root, mapping=True),
            lawful_bases=lawful,
        )
        for entity_type in e.SCOPED_TYPES:
            path = folder / f"{entity_type.name}.yaml"
            if path.exists():
                content.sections[entity_type.name] = _section(path, root)
        contents.append(content)
    return contents


def load_seed(
    session: Session, root: Path, *, actor: Actor = SYSTEM, progress: Progress = QUIET
) -> LoadSummary:
    """Load every controller of the seed folder, in the caller's transaction."""
    total = LoadSummary()
    for content in read_seed_dir(root):
        _, summary = sync_register(
            session, content, actor=actor, number_entries=True, progress=progress
        )
        total.created += summary.created
        total.updated += summary.updated
        total.deleted += summary.deleted
    return total
