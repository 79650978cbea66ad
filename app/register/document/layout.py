"""The document's layout: schema version, sections in order, the digest of
its content, and the head wrapped around that content."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import orjson

from app.register import entities as e
from app.register.entities import EntityType

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


def canonical_content(content: dict[str, Any]) -> bytes:
    """What the digest is taken of: the content with sorted keys."""
    return orjson.dumps(
        {"schema_version": SCHEMA_VERSION, **{k: content[k] for k in CONTENT_KEYS}},
        option=orjson.OPT_SORT_KEYS,
    )


def digest_of(canonical: bytes) -> str:
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


def content_digest(content: dict[str, Any]) -> str:
    return digest_of(canonical_content(content))


def document(
    content: dict[str, Any], *, digest: str | None = None, **stamps: Any
) -> dict[str, Any]:
    """Wrap content with its digest (computed unless given), schema version,
    generation time and stamps."""
    head: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).isoformat(),
        "digest": digest or content_digest(content),
    }
    head.update(stamps)
    return {**head, **content}
