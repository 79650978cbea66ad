"""The register of one controller as one JSON document.

The document's *content* is the controller's state, the lawful bases and
every entity's state, in a fixed order; its digest is the SHA-256 of that
content in canonical JSON. Generation time and version stamps sit outside
the content, so the same register always has the same digest.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.register import entities as e
from app.register import models as m
from app.register.entities import EntityType, load_options, to_state

SCHEMA_VERSION = "1.0"
CONTENT_KEYS: tuple[str, ...] = (
    "controller",
    "lawful_bases",
    *(t.name.replace("-", "_") for t in e.SCOPED_TYPES),
)


def section_key(entity_type: EntityType) -> str:
    return entity_type.name.replace("-", "_")


def sort_states(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(states, key=lambda s: (s["position"], s["slug"]))


def register_content(session: Session, controller: m.Controller) -> dict[str, Any]:
    """Every entity of the controller, as states, in document order."""
    content: dict[str, Any] = {"controller": to_state(e.CONTROLLERS.shape, controller)}
    lawful = session.scalars(select(m.LawfulBasis)).all()
    content["lawful_bases"] = sort_states([to_state(e.LAWFUL_BASES.shape, o) for o in lawful])
    for entity_type in e.SCOPED_TYPES:
        rows = session.scalars(
            select(entity_type.model)
            .where(entity_type.model.controller_id == controller.id)
            .options(*load_options(entity_type.shape))
        ).all()
        content[section_key(entity_type)] = sort_states(
            [to_state(entity_type.shape, o) for o in rows]
        )
    return content


def content_digest(content: dict[str, Any]) -> str:
    canonical = orjson.dumps(
        {"schema_version": SCHEMA_VERSION, **{k: content[k] for k in CONTENT_KEYS}},
        option=orjson.OPT_SORT_KEYS,
    )
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


def document(content: dict[str, Any], **stamps: Any) -> dict[str, Any]:
    """Wrap content with its digest, schema version, generation time and stamps."""
    head: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).isoformat(),
        "digest": content_digest(content),
    }
    head.update(stamps)
    return {**head, **content}
