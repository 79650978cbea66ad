"""Parsing the moments of ``as_of``, ``since``, ``from`` and ``to``, and the
sequence numbers of ``since``: bounded to what both databases hold.

A moment must lie, once converted to UTC, within the years 1 to 9999 (the
range of Python's ``datetime``, inside PostgreSQL's ``timestamptz`` and
SQLite's ISO 8601 text): ``9999-12-31T23:59:59-14:00`` is a moment past it
and answers 422, not an overflow. A sequence number is a non-negative
integer of at most 63 bits (``BIGINT`` and SQLite's ``INTEGER``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from app.errors import InvalidInput

MIN_MOMENT = datetime(1, 1, 1, tzinfo=UTC)
MAX_MOMENT = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
MAX_SEQ = 2**63 - 1
"""The largest sequence number a ``BIGINT`` (and SQLite's ``INTEGER``) holds."""


def invalid(field: str, message: str, kind: str) -> InvalidInput:
    return InvalidInput(message, errors=[{"field": field, "msg": message, "type": kind}])


def parse_moment(value: str, field: str) -> datetime:
    """An ISO 8601 date or time in UTC; naive values are taken as UTC."""
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
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59:59-14:00 is in the year 10000 in UTC
        raise invalid(
            field,
            f"{field} must lie between {MIN_MOMENT.isoformat()} and {MAX_MOMENT.isoformat()}.",
            "datetime_range",
        ) from None


def is_seq(value: str) -> bool:
    """Whether ``value`` is written as a sequence number: ASCII digits
    (``str.isdigit`` alone also accepts ``²``, which ``int`` refuses)."""
    return value.isascii() and value.isdigit()


def parse_seq(value: str, field: str) -> int:
    """A sequence number: ASCII digits, at most ``MAX_SEQ``."""
    if not is_seq(value):
        raise invalid(field, f"{field} must be a whole number.", "int_parsing")
    if len(value) > 19 or int(value) > MAX_SEQ:
        raise invalid(field, f"{field} must be at most {MAX_SEQ}.", "less_than_equal")
    return int(value)
