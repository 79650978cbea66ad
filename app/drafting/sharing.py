"""Sharing arrangements: one per recipient an item or sentence names, with
what the same words say of it: how often, consent, ages, the law, the
lawful basis, the purposes and the data categories named."""

from __future__ import annotations

import re

from app.drafting import bases, categories, legislation, purposes
from app.drafting.conditions import conditions
from app.drafting.context import Context, row_cell
from app.drafting.model import Entity, Fact, Quote, inferred, stated
from app.drafting.phrases import mentions, split
from app.drafting.recipients import Received
from app.drafting.segment import Block, sentences
from app.drafting.topics import Topic

TYPE = "sharing"
_ROUTINE = re.compile(r"\b(routinely|regularly|termly|annually|each term|every term)\b", re.I)
_ON_REQUEST = re.compile(r"\b(on request|when (?:asked|requested)|if (?:asked|requested))\b", re.I)
_WITHOUT_CONSENT = re.compile(
    r"\bwithout (?:your |their |parental )?consent\b[^.]*\b(?:unless|law|legal)\b", re.I
)
_OPEN_LIST = re.compile(r"\b(?:such as|for example|e\.g\.|including|includes?|like)\b", re.I)
_FROM_AGE = re.compile(
    r"\b(?:reach(?:es)? the age of|aged|from the age of|over the age of"
    r"|age)\s+(\d{1,2})\b(\+| and over| or over)?",
    re.I,
)


def _section_sentences(context: Context, block: Block, pattern: re.Pattern[str]) -> Quote | None:
    """A sentence of the block's section matching the pattern."""
    for other in context.blocks:
        if other.heading is block.heading and other.kind == "para":
            for sentence in sentences(other):
                if pattern.search(sentence.text):
                    return sentence
    return None


def _link(entity: Entity, field: str, slugs: list[str], facts: list[Fact]) -> None:
    current = entity.fields.setdefault(field, [])
    for value, fact in zip(slugs, facts, strict=True):
        if value not in current:
            current.append(value)
            entity.facts[f"{field}/{value}"] = fact


def _cells(block: Block, quote: Quote) -> tuple[Quote | None, Quote | None, Quote | None]:
    """The words about the law, the purpose and the data: a table row's
    cells under those headings; an item's or sentence's words for all three."""
    if block.kind != "row":
        return quote, quote, quote
    return (
        row_cell(block, r"law|legal|basis|legislation|statut"),
        row_cell(block, r"why|purpose|reason|\buse"),
        row_cell(block, r"what|data|information|categor|detail"),
    )


def extract(context: Context, received: list[Received]) -> None:
    counts: dict[str, int] = {}
    for seed in received:
        recipient, block, quote = seed.recipient, seed.block, seed.quote
        counts[recipient.slug] = counts.get(recipient.slug, 0) + 1
        number = counts[recipient.slug]
        arrangement_slug = recipient.slug if number == 1 else f"{recipient.slug}-{number}"
        own = [c for c in block.cells if c.text] if block.kind == "row" else [quote]
        entity = Entity(TYPE, arrangement_slug, recipient.name, own, confidence=0.8)
        entity.fields["recipient"] = recipient.slug
        entity.facts["recipient"] = stated("recipient", own[0])
        law_words, why_words, data_words = _cells(block, quote)
        _how(context, entity, block, quote)
        if law_words is not None:
            _law(context, entity, law_words)
        _purposes(context, entity, block, why_words, seed.context)
        if data_words is not None:
            _data(context, entity, block, data_words)
        if block.kind == "item" and context.topics.get(block.index) is Topic.RECIPIENTS:
            entity.description = quote.text
        context.draft.add(entity)


def _how(context: Context, entity: Entity, block: Block, quote: Quote) -> None:
    """How often, with or without consent, from what age."""
    intro = block.intro if block.kind == "item" else None
    if block.parent is not None and block.parent.intro is not None:
        intro = block.parent.intro
    if intro:
        entity.add_quote(intro)
    words = " ".join(q.text for q in (intro, quote) if q)
    if (intro and _ROUTINE.search(intro.text)) or _ROUTINE.search(quote.text):
        source = intro if intro and _ROUTINE.search(intro.text) else quote
        entity.state("frequency", "routine", stated("frequency", source))
    elif _ON_REQUEST.search(words):
        entity.state("frequency", "on_request", stated("frequency", quote))
    consent = _section_sentences(context, block, _WITHOUT_CONSENT)
    if block.kind == "para":  # a sentence says it of itself, or nothing
        consent = quote if _WITHOUT_CONSENT.search(quote.text) else None
    if consent is not None:
        entity.add_quote(consent)
        entity.state(
            "consent",
            "without_consent_where_law_allows",
            inferred(
                "consent",
                "the section says data are not shared without consent unless the law allows it",
                consent,
                confidence=0.6,
            ),
        )
    if age := _FROM_AGE.search(quote.text):
        entity.state(
            "applies_from_age", int(age.group(1)), stated("applies_from_age", quote, confidence=0.7)
        )
    if block.kind != "para" and (found := conditions(context, quote)):
        entity.state("conditions", found, stated("conditions", quote, confidence=0.6))


def _law(context: Context, entity: Entity, words: Quote) -> None:
    law = [e for e in legislation.cited_in(context, words) if e.fields.get("kind") != "group"]
    _link(
        entity,
        "legislation",
        [e.slug for e in law],
        [stated(f"legislation/{e.slug}", words) for e in law],
    )
    found_bases = bases.bases_in(words)
    _link(
        entity,
        "lawful_bases",
        [slug for slug, _named in found_bases],
        [
            stated(f"lawful_bases/{slug}", words)
            if named
            else inferred(
                f"lawful_bases/{slug}",
                "the words state a duty in law: UK GDPR Article 6(1)(c) legal obligation",
                words,
            )
            for slug, named in found_bases
        ],
    )


def _purposes(
    context: Context, entity: Entity, block: Block, words: Quote | None, parent: Quote | None
) -> None:
    aims: list[Entity] = []
    if block.kind == "item" and context.topics.get(block.index) is Topic.PURPOSES:
        aim = purposes.from_item(context, block)  # the purpose the flow serves
        aims = [aim] if aim else []
    elif block.kind != "para" and words is not None:
        aims = purposes.clauses(context, words)
        if (
            not aims
            and block.kind == "row"
            and (aim := purposes.make(context, words, labelled=True))
        ):
            aims = [aim]
        if parent is not None:
            entity.add_quote(parent)
            aims += purposes.clauses(context, parent)
    _link(
        entity,
        "purposes",
        [p.slug for p in aims],
        [stated(f"purposes/{p.slug}", p.quotes[0]) for p in aims],
    )


def _data(context: Context, entity: Entity, block: Block, words: Quote) -> None:
    """Data categories the words name: drafted ones by name; in a table's
    column of data, each item named (drafted if new)."""
    found: list[str] = []
    for category in context.draft.entities("data-categories"):
        if mentions(words.text, category.name):
            found.append(category.slug)
    if block.kind == "row":
        for part in split(words):
            found.append(categories.named(context, part).slug)
    found = list(dict.fromkeys(found))
    if found and _OPEN_LIST.search(words.text):  # "such as their contact details": examples
        entity.facts["data_categories"] = stated("data_categories", words, exhaustive=False)
    _link(
        entity,
        "data_categories",
        found,
        [stated(f"data_categories/{s}", words, confidence=0.6) for s in found],
    )
