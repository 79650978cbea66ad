"""Parsing the moments of ``as_of``, ``since``, ``from`` and ``to``."""

from __future__ import annotations

from datetime import UTC, datetime

from app.errors import InvalidInput


def parse_moment(value: str, field: str) -> datetime:
    """An ISO 8601 date or time; naive values are taken as UTC."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{field} must be an ISO 8601 date or time, e.g. 2026-11-30T09:00:00Z.",
            errors=[
                {"field": field, "msg": "not an ISO 8601 date or time", "type": "datetime_parsing"}
            ],
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
