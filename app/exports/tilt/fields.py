"""TILT's value formats and required fields: placeholders for what the
register does not state, references and durations in TILT's patterns, and the
basis of the facts behind each object."""

from __future__ import annotations

import re
from typing import Any

from app.exports.common import NOT_STATED
from app.exports.content import State
from app.exports.readings import basis_map

NOT_STATED_EMAIL = "not-stated@not-stated.invalid"
NOT_STATED_URL = ""
PLACEHOLDERS = {"email": NOT_STATED_EMAIL, "url": NOT_STATED_URL}
"""Placeholders of unstated values whose format TILT checks."""

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[+]*[(]{0,1}[0-9]{1,4}[)]{0,1}[-\s\./0-9]*$")
WEEKS = re.compile(r"(\d+)W")


def basis_reference(basis: State) -> str:
    """``Article 6(1)(c)`` -> ``UKGDPR-6-1-c``: TILT's pattern for references."""
    parts = re.findall(r"\d+|[a-z]+", basis["reference"].lower().removeprefix("article"))
    return "-".join(["UKGDPR", *parts])


def tilt_duration(duration: str) -> str:
    """TILT's ``ttl`` pattern has no weeks: count them as days."""
    match = WEEKS.search(duration)
    if not match:
        return duration
    days = int(match.group(1)) * 7
    rest = WEEKS.sub("", duration)
    day_match = re.search(r"(\d+)D", rest)
    if day_match:
        days += int(day_match.group(1))
        rest = re.sub(r"\d+D", "", rest)
    date, _, time = rest.partition("T")
    return f"{date}{days}D" + (f"T{time}" if time else "")


def camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(part.capitalize() for part in rest)


def filled(target: dict[str, Any], required: dict[str, Any]) -> dict[str, Any]:
    """Set TILT's required fields, "Not stated" (or the placeholder of its
    format) where the register has no value."""
    missing = []
    for key, value in required.items():
        if value is None or value == "":
            target[key] = PLACEHOLDERS.get(key, NOT_STATED)
            missing.append(key)
        elif key == "email" and not EMAIL.match(value):
            # Text that is not an address (TILT checks the format) keeps to x-email.
            target[key], target["x-email"] = NOT_STATED_EMAIL, value
        else:
            target[key] = value
    if missing:
        target["x-notStated"] = missing
    return target


def notice_quotes(state: State) -> list[str]:
    """The entity's notice quotes, verbatim."""
    return [s["quote"] for s in state.get("sources") or [] if s.get("kind") == "notice"]


def based(node: dict[str, Any], entity_type: str, state: State) -> dict[str, Any]:
    node["x-sources"] = notice_quotes(state)
    node["x-basis"] = basis_map(entity_type, state)
    return node
