"""Recipients named by list items and table rows: the names an item gives,
less descriptions beside them, and the class a nested list belongs to."""

from __future__ import annotations

import re

from app.drafting.model import Quote
from app.drafting.phrases import clean_name, distributed, examples, head, split
from app.drafting.segment import sub_quote

_RECIPIENT_HEADERS = (
    r"recipient|\bwho\b|organisation|shared? with|disclosed to|third part|bod(?:y|ies)|partner",
)
_NOBODY = re.compile(r"(?i)none|n/?a|-+|–|nobody|no one|not shared|we do not share( it)?")
_INTRODUCES = re.compile(r"\b(?:include|includes|including|are|following)\b\s*:?$|:$")
_DESCRIPTION = re.compile(r"^(?:our|the|a|an|your|their)\s+[a-z]", re.I)


def _appositive(parts: list[Quote]) -> list[Quote]:
    """``our local authority, Northshire County Council``: one recipient, by
    its proper name; the description beside it is not another recipient."""
    if len(parts) != 2:
        return parts
    described = [bool(_DESCRIPTION.match(p.text)) and _lower_after_article(p.text) for p in parts]
    if described.count(True) == 1:
        return [parts[described.index(False)]]
    return parts


def _without_descriptions(quote: Quote) -> list[Quote]:
    """Comma-separated stretches, less those that only describe another
    ("SENDIASS, the independent information and advice service")."""
    stretches, begin, depth = [], 0, 0
    for position, char in enumerate(quote.text + ","):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            stretches.append(sub_quote(quote, begin, position))
            begin = position + 1
    stretches = [s for s in stretches if s.text]
    described = [
        bool(_DESCRIPTION.match(s.text)) and _lower_after_article(s.text) for s in stretches
    ]
    if len(stretches) > 1 and not all(described) and any(described):
        return [s for s, d in zip(stretches, described, strict=True) if not d]
    return [quote]


def _lower_after_article(text: str) -> bool:
    """``our local authority``: a description (two or more plain words after
    the article), not a name ("the police" is a recipient in its own right)."""
    rest = text.split(" ", 1)[1] if " " in text else ""
    if len(rest.split()) < 2:
        return False
    return rest[:1].islower() and not re.search(r"\b[A-Z]{2,}\b|\b[A-Z][a-z]+ [A-Z]", rest)


def _names(quote: Quote) -> list[tuple[Quote, str]]:
    """The recipients an item names: its organisations, or the class it names
    and the examples it gives of it ("Appropriate regulators such as Ofsted")."""
    whole, listed = examples(head(quote))
    parts = listed or [p for s in _without_descriptions(whole) for p in _appositive(split(s))]
    if listed and whole.text:
        parts = [whole, *listed]
    found = []
    for part in parts:
        for name in distributed(clean_name(part.text)):
            if len(name.split()) <= 12 and re.search(r"[A-Za-z]", name):
                found.append((part, name))
    return found


_CLASS_END = re.compile(
    r"\.\s|\s[–—-]\s|:\s|\s(?:in order to|so that|to|who are|which are)\s(?=[a-z])"
)


def _class_name(quote: Quote) -> Quote | None:
    """The class an item introducing a nested list names ("Companies who
    process ... data on behalf of schools"): its words up to their purpose."""
    end = _CLASS_END.search(quote.text)
    name = sub_quote(quote, 0, end.start() if end else len(quote.text))
    return name if name.text and len(name.text.split()) <= 25 else None
