"""The document's description, contact, licence, servers and tag descriptions."""

from __future__ import annotations

from typing import Any

from app.config import Settings
from app.contract.paths import operations
from app.register import entities as e

INFO_DESCRIPTION = """
A machine-readable register of what a public body does with personal data:
its services, data subjects, data categories, purposes, legislation, lawful
bases, recipients and the sharing arrangements that tie them together,
retention rules, national data collections and the rights of data subjects.

**Reads** are public and need no key. **Writes** need an API key sent as
`Authorization: Bearer <key>`; each write operation names the scope its key
must hold (`register:write` or `keys:admin`). A key may be limited to one
controller. Repeated failed authentications from one client are answered
with 429 and `Retry-After`.

**Errors** are RFC 9457 problem details (`application/problem+json`, the
`Problem` schema); validation errors list each field at fault in `errors`.

**Caching and concurrency**: reads carry an `ETag` and answer
`If-None-Match` with 304; PATCH and DELETE need `If-Match` with the ETag last
read (428 without it, 412 when stale). Responses are compressed (br, gzip)
when the client accepts it; each content coding has its own ETag, and any of
them is accepted in `If-Match`.

**Methods**: a method a path does not have is answered 405 with the `Allow`
header listing those it has; `OPTIONS` answers with the same `Allow`.
Cross-origin reads are allowed from any origin (CORS); writes are not.
""".strip()

TAGS: dict[str, str] = {
    "health": "Liveness and readiness of the service and its database.",
    "operations": "Prometheus metrics for operators.",
    "register": (
        "The complete register of one controller as one document (now, as of a moment, "
        "or a published version), its audit, diff and import."
    ),
    "versions": "Named, published versions of a controller's register, kept verbatim.",
    "exports": "The register in other formats: JSON-LD (W3C DPV), TILT, the ICO record "
    "of processing activities as CSV and Excel.",
    "changes": "The audit trail of every write, hash-chained, and its verification.",
    "keys": "API keys: create, list and revoke (scope `keys:admin`).",
    "pages": "Embeddable views: the sharing diagram (SVG) and the recipients script.",
}
ENTITY_TAG = "{label} entries: list, read, and (with a key) create, update and delete."
SHARING_TAG = (
    "Sharing arrangements: who receives which data about whom, why, under which law "
    "and on which conditions; filter them with the query parameters of the list."
)


def add_info(document: dict[str, Any], settings: Settings) -> None:
    info = document.setdefault("info", {})
    info["description"] = INFO_DESCRIPTION
    info["contact"] = {"name": settings.api_contact_name}
    if settings.api_contact_url:
        info["contact"]["url"] = settings.api_contact_url
    if settings.api_contact_email:
        info["contact"]["email"] = settings.api_contact_email
    info["license"] = {"name": settings.api_license_name, "url": settings.api_license_url}
    document["servers"] = [
        {
            "url": settings.api_server_url,
            "description": "This deployment (production, or local when run locally).",
            "x-internal": False,
        }
    ]


def add_tags(document: dict[str, Any]) -> None:
    used: list[str] = []
    for _path, _method, operation in operations(document):
        for tag in operation.get("tags", []):
            if tag not in used:
                used.append(tag)
    definitions = []
    for tag in used:
        entity_type = e.BY_NAME.get(tag)
        if tag in TAGS:
            description = TAGS[tag]
        elif entity_type is e.SHARING:
            description = SHARING_TAG
        elif entity_type is not None:
            description = ENTITY_TAG.format(label=entity_type.label.capitalize())
        else:
            description = tag.replace("-", " ").capitalize() + "."
        definitions.append({"name": tag, "description": description})
    document["tags"] = definitions
