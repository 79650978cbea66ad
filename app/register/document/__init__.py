"""The register of one controller as one JSON document.

The document's *content* is the controller's state, the lawful bases and
every entity's state, in a fixed order; its digest is the SHA-256 of that
content in canonical JSON. Generation time and version stamps sit outside
the content, so the same register always has the same digest.

Each module holds one concept; this package re-exports their public names.
"""

from app.register.document.layout import (
    CONTENT_KEYS,
    SCHEMA_VERSION,
    canonical_content,
    content_digest,
    digest_of,
    document,
    section_key,
    sort_states,
)
from app.register.document.plans import CONTROLLER_ID
from app.register.document.reading import Listed, read_listed, register_content

__all__ = [
    "CONTENT_KEYS",
    "CONTROLLER_ID",
    "SCHEMA_VERSION",
    "Listed",
    "canonical_content",
    "content_digest",
    "digest_of",
    "document",
    "read_listed",
    "register_content",
    "section_key",
    "sort_states",
]
