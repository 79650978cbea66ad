"""Each operation's description and security requirement: the route's own
docstring, or one written per entity type and method, with the scope a key
needs."""

from __future__ import annotations

from typing import Any

from app.contract.paths import WRITE_METHODS
from app.register import entities as e

BEARER = "bearerAuth"


def describe(path: str, method: str, operation: dict[str, Any], scopes: list[str]) -> None:
    description = (operation.get("description") or "").strip()
    if not description:
        description = default_description(path, method, operation)
    if scopes:
        operation["security"] = [{BEARER: []}]
        named = " and ".join(f"`{s}`" for s in scopes)
        description += f"\n\nNeeds an API key with the scope {named}."
    elif method in WRITE_METHODS:
        operation["security"] = []
    operation["description"] = description


def default_description(path: str, method: str, operation: dict[str, Any]) -> str:
    """A description for routes generated per entity type (one per type and method)."""
    summary = (operation.get("summary") or "").rstrip(".")
    segment = path.removeprefix("/api/v1/").split("/")[0]
    entity_type = e.BY_NAME.get(segment)
    label = entity_type.label if entity_type is not None else segment
    detail = "{slug}" in path
    if entity_type is not None and method == "get" and detail:
        return (
            f"The {label} with this slug: every field, its notice quotes (`sources`) and "
            "the basis of each fact (`basis`). `?controller=` narrows the lookup to the "
            "named controller(s); a controller that does not exist is 422 (error type "
            "`unknown_reference`, as on every route), a slug that does not exist 404."
        )
    if entity_type is not None and method == "post":
        return (
            f"Create a {label} from the JSON body; the answer is the new entry with its "
            "`ETag` and `Location`. Unknown references are 422, a slug already taken is "
            "409. Send `Idempotency-Key` to make a retry safe."
        )
    if entity_type is not None and method == "patch" and path.count("/") == 4:
        return (
            f"Change a {label} with a JSON merge patch (RFC 7396): fields left out keep "
            "their value, `null` clears one. Needs `If-Match` with the entry's ETag."
        )
    return (summary or f"{method.upper()} {path}") + "."
