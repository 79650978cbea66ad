"""Retention periods: "kept for 75 years", "7 years after leaving" as ISO
8601 durations; periods that end at an age ("until their 25th birthday",
"until the child reaches the age of 21") kept in words, with no duration."""

from __future__ import annotations

import re

from app.drafting.context import Context, row_cell, row_subject
from app.drafting.model import Entity, Quote, stated
from app.drafting.phrases import slug
from app.drafting.topics import Topic

TYPE = "retention-rules"
_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "twenty-five": 25, "thirty": 30, "forty": 40, "fifty": 50, "seventy-five": 75, "hundred": 100,
}  # fmt: skip
_AMOUNT = r"(?:\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_LENGTH = re.compile(
    rf"\b(?P<n>{_AMOUNT})\s+(?P<unit>years?|months?|weeks?|days?)\b"
    rf"(?:\s+and\s+(?P<n2>{_AMOUNT})\s+(?P<unit2>months?|weeks?|days?))?"
    r"(?P<after>\s+(?:after|from|following)\s+[^.,;]+)?",
    re.I,
)
_AGE_END = re.compile(
    r"\buntil (?:the |their |his or her )?(?:[\w-]+(?:’s|'s) )?(?P<age>\d{1,3})(?:st|nd|rd|th) "
    r"birthday|\buntil (?:the |their )?[\w ]{0,20}?(?:reaches|turns|is) (?:the age of )?"
    rf"(?P<years>{_AMOUNT}(?: years?)?(?: and {_AMOUNT} months?)?)",
    re.I,
)
_KEEP = re.compile(
    r"\b(kept|keep|retain|retained|held|hold|stored|store|destroy|deleted|delete|disposed)\b", re.I
)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBERS[word.lower()]


def _duration(match: re.Match[str]) -> str:
    parts = []
    for amount, unit in (
        (match.group("n"), match.group("unit")),
        (match.group("n2"), match.group("unit2")),
    ):
        if amount and unit:
            letter = unit[0].upper()
            parts.append(
                f"{_number(amount) * 7}D" if letter == "W" else f"{_number(amount)}{letter}"
            )
    return "P" + "".join(parts)


_KEPT_WHAT = re.compile(
    r"(?P<what>[\w’' ()/-]{3,160}?)\s+(?:are|is|will be|should be|must be)\s+"
    r"(?:kept|retained|held|stored)\b"
    r"|\b(?:keep|hold|retain|store)s?\s+(?P<object>(?!it\b|them\b|this\b)[\w’' -]{3,60}?)\s+"
    r"(?:securely\s+|safely\s+)?(?:for|until)\b",
    re.I,
)


def _what(sentence: Quote, at: int) -> str | None:
    """What the period is for: the records kept, as the sentence names them."""
    before = [m for m in _KEPT_WHAT.finditer(sentence.text) if m.start() < at]
    for match in reversed(before):  # the nearest words before the period
        words = match.group("what") or match.group("object")
        words = re.split(r"[;,:]\s*|\bfor example\b|\be\.g\.", words)[-1].strip()
        words = re.sub(r"^(?:and|the|our|all)\s+", "", words, flags=re.I)
        if words and not re.fullmatch(r"(?:we|it|they|this|these)", words, re.I):
            return words[:1].upper() + words[1:]
    return None


def _rule(context: Context, sentence: Quote, period: str, duration: str | None, at: int) -> None:
    what = _what(sentence, at)
    name = f"{what}: {period}" if what else f"Kept {period}"
    entity = Entity(TYPE, slug(name), name[:1].upper() + name[1:], [sentence])
    entity.description = sentence.text
    if duration:
        entity.state("duration", duration, stated("duration", sentence, confidence=0.85))
    else:
        entity.confidence = 0.6
    context.draft.add(entity)


def _rows(context: Context) -> None:
    """A retention table: the record in one cell, the period in another."""
    for block in context.items(Topic.RETENTION):
        if block.kind != "row":
            continue
        period = row_cell(block, r"retention|period|how long|kept|keep|duration")
        record = row_subject(block, r"record|information|data|categor|type|document")
        if period is None or record is period:
            continue
        length = _LENGTH.search(period.text)
        entity = Entity(
            TYPE,
            slug(f"{record.text} {period.text}"),
            f"{record.text}: {period.text}",
            [record, period],
        )
        if length and not _AGE_END.search(period.text):
            entity.state("duration", _duration(length), stated("duration", period, confidence=0.8))
        else:
            entity.confidence = 0.6
        context.draft.add(entity)


def extract(context: Context) -> None:
    _rows(context)
    for _block, sentence in context.sentences():
        if not _KEEP.search(sentence.text):
            continue
        ends = [(m.start(), m.end()) for m in _AGE_END.finditer(sentence.text)]
        for match in _AGE_END.finditer(sentence.text):
            _rule(context, sentence, match.group(0), None, match.start())
        for match in _LENGTH.finditer(sentence.text):
            if any(a <= match.start() < b for a, b in ends):
                continue  # an age, not a length of time
            period = f"for {match.group(0).strip()}"
            _rule(context, sentence, period, _duration(match), match.start())
