"""Conditions on a sharing arrangement, as its words state them: an age from
which data are passed on, and a right to restrict what is passed (who may
ask, until what age, which data, at which address)."""

from __future__ import annotations

import re
from typing import Any

from app.drafting.context import Context
from app.drafting.model import Quote
from app.drafting.phrases import mentions
from app.drafting.segment import Block, sentences

_AGE = re.compile(
    r"\b(?:once|when|from when|after)\b[^.]{0,60}?\b(?:reach(?:es)?|turns?|is) (?:the age of )?"
    r"(?P<age>\d{1,2})\b",
    re.I,
)
_RESTRICT = re.compile(r"\b(?:can|may) (?:request|ask)\b[^.]*\bonly\b", re.I)
_TRANSFER = re.compile(
    r"\b(?:right|this)\b[^.]*\btransferr?ed to\b[^.]*?\b(?:age of|aged?) (?P<age>\d{1,2})\b", re.I
)
_PARENT = re.compile(r"\bparents?\b|\bguardians?\b|\bcarers?\b", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def conditions(context: Context, quote: Quote) -> list[dict[str, Any]]:
    """The conditions the quote's sentences state, as ``ConditionIn`` data."""
    found: list[dict[str, Any]] = []
    said = sentences(Block("para", quote.start, quote.end, quote.text))
    for position, sentence in enumerate(said):
        if (age := _AGE.search(sentence.text)) and not _TRANSFER.search(sentence.text):
            found.append(
                {
                    "kind": "age_threshold",
                    "description": sentence.text,
                    "from_age": int(age.group("age")),
                    "sources": [{"kind": "notice", "quote": sentence.text}],
                }
            )
        if _RESTRICT.search(sentence.text):
            found.append(_restriction(context, sentence, said[position + 1 : position + 2]))
    return found


def _restriction(context: Context, sentence: Quote, following: list[Quote]) -> dict[str, Any]:
    named = [
        category.slug
        for category in context.draft.entities("data-categories")
        if mentions(sentence.text, category.name)
    ]
    condition: dict[str, Any] = {
        "kind": "restriction_right",
        "description": sentence.text,
        "exercised_by": "parent_or_guardian" if _PARENT.search(sentence.text) else "data_subject",
        "restricted_to": sorted(set(named)),
        "sources": [{"kind": "notice", "quote": sentence.text}],
    }
    if email := _EMAIL.search(sentence.text):
        condition["contact_email"] = email.group()
    for after in following:
        if transfer := _TRANSFER.search(after.text):
            condition["until_age"] = int(transfer.group("age"))
            condition["sources"].append({"kind": "notice", "quote": after.text})
    return condition
