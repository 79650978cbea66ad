"""What a list, a table or a section is about, from the words introducing it."""

from __future__ import annotations

import re
from enum import StrEnum

from app.drafting.segment import Block


class Topic(StrEnum):
    RECIPIENTS = "recipients"
    CATEGORIES = "data-categories"
    PURPOSES = "purposes"
    LEGISLATION = "legislation"
    RIGHTS = "rights"
    RETENTION = "retention-rules"
    SERVICES = "services"
    SUBJECTS = "data-subjects"
    SOURCES = "data-sources"
    CONTACT = "contact"
    OTHER = "other"


_CUES: tuple[tuple[Topic, re.Pattern[str]], ...] = tuple(
    (topic, re.compile(pattern, re.I))
    for topic, pattern in (
        (
            Topic.CATEGORIES,
            r"\b(?:categories|types|kinds) of (?:personal |pupil |workforce |staff |child |"
            r"children’s |children's |parent )?(?:information|data)\b",
        ),
        (Topic.RIGHTS, r"\brights?\b"),
        (Topic.RETENTION, r"\bhow long\b|\bretention\b|\bretain\b|\bkeep (it|your|this|the)\b"),
        (
            Topic.RECIPIENTS,
            r"\b(share|sharing|shared|disclose|disclosure|pass(ed)? (it |this |your )?"
            r"(information |data )?(on |to)|recipients?|third parties|give (it|your|this) to"
            r"|send (it|your|this))\b",
        ),
        (
            Topic.LEGISLATION,
            r"\b(lawful basis|legal basis|legislation|statutory duties|duties are described"
            r"|law(s)? (that|which)|under the following|acts? and regulations)\b",
        ),
        (
            Topic.PURPOSES,
            r"\b(why we|purposes?|use (this|the|your|it)\b[\w\s]{0,30}\b(to|for)\b"
            r"|we use (it|this|your|the)|in order to|so that we can)",
        ),
        (
            Topic.CATEGORIES,
            r"\b(what (personal )?(information|data)|what we (hold|collect|keep)|categories of"
            r"|types of (personal )?"
            r"(information|data)|(information|data) (we|do we) (hold|collect|process|keep)"
            r"|might include|may include|includes?:|collect and process|personal data)\b",
        ),
        (Topic.SOURCES, r"\b(where we get|sources? of|obtain|we receive|comes? from)\b"),
        (Topic.SERVICES, r"\b(provides|our services|we provide|services? (we|include))\b"),
        (Topic.CONTACT, r"\b(contact|complain|complaint)\b"),
    )
)


_TAIL_CUES: tuple[tuple[Topic, re.Pattern[str]], ...] = (
    (
        Topic.PURPOSES,
        re.compile(r"\b(by|in order to|so that we can|so that|to help us)\s*:?\s*$", re.I),
    ),
    (Topic.OTHER, re.compile(r"\b(assessment|consideration|criteria|review) of\s*:?\s*$", re.I)),
)


def topic_of(text: str) -> Topic:
    """What the words that end an intro ask for ("... by:"), else the first
    topic whose cue the text has, in order of specificity."""
    for topic, cue in _TAIL_CUES:
        if cue.search(text):
            return topic
    for topic, cue in _CUES:
        if cue.search(text):
            return topic
    return Topic.OTHER


def block_topic(block: Block) -> Topic:
    """A list item's or row's topic: its list's intro first, then a table's
    header, then its section's heading."""
    for text in (
        block.intro.text if block.intro else None,
        " ".join(block.header) if block.header else None,
        block.heading.text if block.heading else None,
    ):
        if text:
            found = topic_of(text)
            if found is not Topic.OTHER:
                return found
    return Topic.OTHER
