"""The register's codes in plain words.

Pages say what the register says, and where the notice is silent they say
so: every ``not_stated`` becomes "Not stated in the notice", never a guess.
"""

from __future__ import annotations

import re
from typing import Any

NOT_STATED = "Not stated in the notice"

ROLES = {
    "independent_controller": "Independent controller",
    "joint_controller": "Joint controller",
    "processor": "Data processor (acts on the council’s behalf)",
    "internal": "Part of the council",
    "not_stated": "Role not stated in the notice",
}
SHORT_ROLES = {
    "independent_controller": "controller",
    "joint_controller": "joint controller",
    "processor": "processor",
    "internal": "part of the council",
    "not_stated": "",
}
FREQUENCIES = {
    "routine": "Routinely",
    "on_request": "On request",
    "not_stated": NOT_STATED,
}
CONSENT = {
    "consent_required": "Only with consent",
    "without_consent_where_law_allows": (
        "Without consent only where the law and the council’s policies allow"
    ),
    "not_stated": NOT_STATED,
}
EXERCISED_BY = {
    "parent_or_guardian": "A parent or guardian",
    "data_subject": "The child or young person",
    "controller": "The council",
    "recipient": "The recipient",
}
THIRD_COUNTRY = {
    "none": "No transfers outside the UK",
    "some": "Some transfers outside the UK",
    "not_stated": NOT_STATED,
}

_DURATION = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)
_UNITS = ("year", "month", "week", "day", "hour", "minute", "second")


def duration(value: str | None) -> str:
    """``P75Y`` as "75 years"; an unstated period says so."""
    if not value:
        return NOT_STATED
    match = _DURATION.match(value)
    if match is None:
        return value
    parts = []
    for amount, unit in zip(match.groups(), _UNITS, strict=True):
        if amount is not None:
            number = int(amount)
            parts.append(f"{number} {unit}{'' if number == 1 else 's'}")
    return ", ".join(parts) or value


def and_list(names: list[str]) -> str:
    """Names joined as a sentence: "a, b and c"."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def age_window(from_age: int | None, until_age: int | None, *, inclusive_until: bool) -> str:
    """When something applies, in words. Arrangements give the last age they
    apply to; conditions the age from which they stop."""
    if from_age is None and until_age is None:
        return "At any age"
    if until_age is None:
        return f"From age {from_age}"
    limit = f"up to and including age {until_age}" if inclusive_until else f"until age {until_age}"
    if from_age is None:
        return limit[0].upper() + limit[1:]
    return f"From age {from_age} {limit}"


def condition_summary(condition: dict[str, Any], category_names: list[str]) -> str:
    """One condition as a plain sentence built from its data (the notice's own
    words are shown beside it)."""
    kind = condition["kind"]
    window = age_window(
        condition.get("from_age"), condition.get("until_age"), inclusive_until=False
    )
    if kind == "restriction_right":
        who = EXERCISED_BY.get(condition.get("exercised_by") or "", "Someone")
        limited = and_list(category_names) or "some of the data"
        text = f"{who} can ask that only {limited.lower()} be passed on"
        if condition.get("from_age") is not None or condition.get("until_age") is not None:
            text += f" ({window[0].lower() + window[1:]})"
        return text + "."
    if kind == "age_threshold":
        return f"{window}."
    if kind == "scope":
        description: str = condition["description"]
        return f"Only {description}."
    return str(condition["description"])


def in_sentence(name: str) -> str:
    """A name inside a sentence: "Ethnicity" as "ethnicity", but "SEND" and
    "DfE" kept as they are."""
    first = name.split(" ", 1)[0]
    if len(first) > 1 and first[0].isupper() and first[1:].islower():
        return name[0].lower() + name[1:]
    return name
