"""Query and path parameters as the server enforces them: length limits, the
page size of the deployment, formats FastAPI cannot see, and parameters that
exclude each other."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.config import Settings
from app.limits import MAX_QUERY_VALUE
from app.register.paging import MAX_LIMIT
from app.register.schemas import SLUG_PATTERN
from app.routes.changes import ENTITY_NAMES
from app.web.pages import VERSION_PATTERN

MOMENT = {"format": "date-time"}
QUERY_FORMATS: dict[str, dict[str, Any]] = {
    # The moments app.history.moments.parse_moment reads (a date alone is read too).
    "as_of": MOMENT,
    "from": MOMENT,
    "to": MOMENT,
    "since": {"anyOf": [{"pattern": r"^\d{1,18}$"}, MOMENT]},  # a sequence number or a moment
    "entity": {"enum": list(ENTITY_NAMES)},
    "version": {"pattern": VERSION_PATTERN.pattern},
}
EXCLUSIVE = {
    "as_of": "Not together with `version` (422, error type `conflict`).",
    "version": "Not together with `as_of` (422, error type `conflict`).",
    "cursor": "Not together with a non-zero `offset` (422, error type `conflict`).",
}


def constrain_parameters(operation: dict[str, Any], settings: Settings, *, write: bool) -> None:
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if write and parameter.get("name") == "controller" and schema.get("type") == "array":
            # A write is for one controller (app.api.write_access.writable_controller).
            schema["maxItems"] = 1
            schema.setdefault("items", {}).update(pattern=SLUG_PATTERN, maxLength=120)
        if parameter.get("in") == "query":
            for string in string_schemas(schema):
                if not {"maxLength", "enum", "const"} & string.keys():
                    string["maxLength"] = MAX_QUERY_VALUE  # enforced by app.limits
        if parameter.get("in") != "query":
            continue
        name = parameter.get("name")
        options = schema.get("anyOf", [schema])
        if name == "limit" and any(o.get("maximum") == MAX_LIMIT for o in options):
            for option in options:  # the page size of app.api.deps.pagination
                if option.get("type") == "integer":
                    option["maximum"] = settings.max_page_size
            parameter["description"] = (
                f"Page size: 1 to {settings.max_page_size}; "
                f"{settings.default_page_size} when omitted."
            )
        for option in options:
            if option.get("type") == "string" and name in QUERY_FORMATS:
                option.update(QUERY_FORMATS[name])
        if name in EXCLUSIVE:
            parameter["description"] = (
                parameter.get("description", "").rstrip() + " " + EXCLUSIVE[name]
            ).strip()


def string_schemas(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The string schemas of a parameter: itself, its options, its items."""
    pending = [schema]
    while pending:
        item = pending.pop()
        if item.get("type") == "string":
            yield item
        pending.extend(item.get("anyOf", []))
        if isinstance(item.get("items"), dict):
            pending.append(item["items"])
