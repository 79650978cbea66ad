"""Checking every entry of a section against its schema, collecting the
problems rather than stopping at the first."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from app.interchange.loading.content import Section
from app.interchange.loading.issues import LoadIssue
from app.interchange.progress import QUIET, Progress
from app.register.basis import error_location
from app.register.entities import EntityType


def _entry_label(index: int, raw: Any) -> str:
    slug = raw.get("slug") if isinstance(raw, Mapping) else None
    return f"entry {index + 1}" + (f" ({slug})" if slug else "")


def _validated(
    entity_type: EntityType,
    section: Section,
    issues: list[LoadIssue],
    *,
    number: bool,
    progress: Progress = QUIET,
) -> list[dict[str, Any]]:
    clean: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, raw in enumerate(section.entries):
        progress.advance()
        label = _entry_label(index, raw)
        if not isinstance(raw, Mapping):
            issues.append(LoadIssue(section.where, label, None, "must be a mapping"))
            continue
        data = dict(raw)
        if number and "position" not in data:
            data["position"] = index  # file order is the notice's order
        try:
            model = entity_type.schema.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                issues.append(LoadIssue(section.where, label, error_location(err), err["msg"]))
            continue
        if model.slug in seen:
            issues.append(LoadIssue(section.where, label, "slug", "duplicate slug"))
            continue
        seen.add(model.slug)
        clean.append(model.model_dump(mode="json"))
    return clean
