"""Importing a register document, as ``GET /api/v1/register`` serves it.

The document's controller is created, or updated in place: entries are
created, changed or removed (``loading.sync_register``) so that afterwards
the register holds exactly the document's content, every change audited, in
the caller's transaction. A document that still carries its ``digest`` must
match it, so a file damaged or edited after export is refused rather than
half-trusted; drop the digest to import an edited document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.interchange.loading import LoadError, LoadIssue, RegisterContent, Section, sync_register
from app.interchange.progress import QUIET, Progress
from app.register import entities as e
from app.register import models as m
from app.register.document import (
    CONTENT_KEYS,
    SCHEMA_VERSION,
    content_digest,
    register_content,
    section_key,
)
from app.register.entities import to_state
from app.trail.chain import Actor

WHERE = "document"
STAMP_KEYS = frozenset(
    {
        "schema_version",
        "generated_at",
        "digest",
        "data_version",
        "as_of",
        "version",
        "version_name",
        "published_at",
        "checkpoint",
    }
)


@dataclass(frozen=True)
class ImportResult:
    controller: str
    created: int
    updated: int
    deleted: int
    digest: str
    """Of the controller's register after the import."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "controller": self.controller,
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "changed": self.created + self.updated + self.deleted,
            "digest": self.digest,
        }


def _issue(entry: str, message: str, field: str | None = None) -> LoadIssue:
    return LoadIssue(WHERE, entry, field, message)


def parse_document(raw: bytes | str) -> dict[str, Any]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise LoadError([_issue("file", f"not valid JSON: {exc}")]) from None
    if not isinstance(data, dict):
        raise LoadError([_issue("file", "must hold one JSON object (a register document)")])
    return data


def document_content(document: Mapping[str, Any]) -> RegisterContent:
    """Check the document's shape and split it into the loader's sections."""
    issues: list[LoadIssue] = []
    version = document.get("schema_version")
    if version != SCHEMA_VERSION:
        issues.append(
            _issue(
                "schema_version", f"must be {SCHEMA_VERSION!r}, not {version!r}", "schema_version"
            )
        )
    unknown = sorted(set(document) - STAMP_KEYS - set(CONTENT_KEYS))
    for key in unknown:
        issues.append(_issue(key, "unknown key", key))
    for key in CONTENT_KEYS:
        if key not in document:
            issues.append(_issue(key, "missing: a register document lists every section", key))
        elif key == "controller" and not isinstance(document[key], dict):
            issues.append(_issue(key, "must be an object", key))
        elif key != "controller" and not isinstance(document[key], list):
            issues.append(_issue(key, "must be a list", key))
    digest = document.get("digest")
    if not issues and digest is not None and digest != content_digest(dict(document)):
        issues.append(
            _issue(
                "digest",
                "does not match the document's content: it was changed after export "
                "(remove the digest to import an edited document)",
                "digest",
            )
        )
    if issues:
        raise LoadError(issues)
    content = RegisterContent(
        controller=Section(f"{WHERE}: controller", [document["controller"]]),
        lawful_bases=Section(f"{WHERE}: lawful_bases", list(document["lawful_bases"])),
    )
    for entity_type in e.SCOPED_TYPES:
        key = section_key(entity_type)
        content.sections[entity_type.name] = Section(f"{WHERE}: {key}", list(document[key]))
    return content


def document_controller(document: Mapping[str, Any]) -> str | None:
    controller = document.get("controller")
    slug = controller.get("slug") if isinstance(controller, dict) else None
    return slug if isinstance(slug, str) else None


def target_controller(session: Session, slug: str | None) -> m.Controller | None:
    """The existing controller an import would update (None: a new one)."""
    if slug is None:
        return None
    return session.scalars(select(m.Controller).where(m.Controller.slug == slug)).one_or_none()


def check_named_controller(document: Mapping[str, Any], named: str) -> None:
    """``?controller=`` guards against importing another controller's document."""
    slug = document_controller(document)
    if slug != named:
        raise LoadError(
            [
                _issue(
                    "controller",
                    f"the document is the register of {slug!r}, not {named!r}",
                    "controller.slug",
                )
            ]
        )


def changes_reference_data(session: Session, document: Mapping[str, Any]) -> bool:
    """Whether importing would add or change lawful bases, which all controllers share."""
    existing = {
        basis.slug: to_state(e.LAWFUL_BASES.shape, basis)
        for basis in session.scalars(select(m.LawfulBasis))
    }
    for raw in document.get("lawful_bases") or []:
        try:
            state = e.LAWFUL_BASES.schema.model_validate(raw).model_dump(mode="json")
        except ValidationError:
            return True  # the import will refuse it anyway
        if existing.get(state["slug"]) != state:
            return True
    return False


def import_document(
    session: Session,
    document: Mapping[str, Any],
    *,
    actor: Actor,
    request_id: str | None = None,
    progress: Progress = QUIET,
) -> ImportResult:
    content = document_content(document)
    controller, summary = sync_register(
        session, content, actor=actor, request_id=request_id, progress=progress
    )
    session.flush()
    digest = content_digest(register_content(session, controller))
    return ImportResult(
        controller=controller.slug,
        created=summary.created,
        updated=summary.updated,
        deleted=summary.deleted,
        digest=digest,
    )
