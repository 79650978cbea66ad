"""Retention periods: "kept for 75 years", "until their 25th birthday",
"7 years after leaving", as ISO 8601 durations where a length is given."""

from __future__ import annotations

import re

from app.drafting.context import Context
from app.drafting.model import Entity, inferred, stated
from app.drafting.phrases import slug

TYPE = "retention-rules"
_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "twenty-five": 25,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "seventy-five": 75,
    "hundred": 100,
}
_LENGTH = re.compile(
    r"\b(?P<n>\d{1,3}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")\s+"
    r"(?P<unit>years?|months?|weeks?|days?)\b(?P<after>\s+(?:after|from|following)\s+[^.,;]+)?",
    re.I,
)
_BIRTHDAY = re.compile(
    r"\buntil (?:their|the child’s|the child's|the pupil’s"
    r"|his or her) (?P<age>\d{1,3})(?:st|nd|rd|th) birthday",
    re.I,
)
_KEEP = re.compile(
    r"\b(kept|keep|retain|retained|held|hold|stored|store|destroy|deleted|delete|disposed)\b", re.I
)


def extract(context: Context) -> None:
    for _block, sentence in context.sentences():
        if not _KEEP.search(sentence.text):
            continue
        for match in _LENGTH.finditer(sentence.text):
            count = match.group("n").lower()
            number = int(count) if count.isdigit() else _NUMBERS[count]
            unit = match.group("unit").lower()[0].upper()
            duration = f"P{number * 7}D" if unit == "W" else f"P{number}{unit}"
            name = f"Kept for {match.group(0).strip()}"
            entity = Entity(TYPE, slug(name), name[:1].upper() + name[1:], [sentence])
            entity.description = sentence.text
            entity.state("duration", duration, stated("duration", sentence, confidence=0.85))
            context.draft.add(entity)
        for match in _BIRTHDAY.finditer(sentence.text):
            name = f"Kept until the {match.group('age')}th birthday"
            entity = Entity(TYPE, slug(name), name, [sentence], confidence=0.6)
            entity.description = sentence.text
            entity.facts["duration"] = inferred(
                "duration", "a period ending at an age, not a fixed length", sentence
            )
            entity.facts.pop("duration")
            context.draft.add(entity)
