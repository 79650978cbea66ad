"""Sharing arrangements: one per recipient an item or sentence names, with
what the same words say of it: how often, consent, ages, the law, the
lawful basis, the purposes and the data categories named."""

from __future__ import annotations

import re

from app.drafting import bases, legislation, purposes
from app.drafting.context import Context
from app.drafting.model import Entity, Fact, Quote, inferred, stated
from app.drafting.phrases import key
from app.drafting.recipients import Received
from app.drafting.segment import Block, sentences
from app.drafting.topics import Topic

TYPE = "sharing"
_ROUTINE = re.compile(r"\b(routinely|regularly|termly|annually|each term|every term)\b", re.I)
_ON_REQUEST = re.compile(r"\b(on request|when (?:asked|requested)|if (?:asked|requested))\b", re.I)
_WITHOUT_CONSENT = re.compile(
    r"\bwithout (?:your )?consent unless\b|\bwithout consent\b[^.]*\b(?:law|legal)\b", re.I
)
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


def extract(context: Context, received: list[Received]) -> None:
    counts: dict[str, int] = {}
    category_names = {key(c.name): c.slug for c in context.draft.entities("data-categories")}
    for seed in received:
        recipient, block, quote = seed.recipient, seed.block, seed.quote
        counts[recipient.slug] = counts.get(recipient.slug, 0) + 1
        number = counts[recipient.slug]
        arrangement_slug = recipient.slug if number == 1 else f"{recipient.slug}-{number}"
        entity = Entity(TYPE, arrangement_slug, recipient.name, [quote], confidence=0.8)
        entity.fields["recipient"] = recipient.slug
        entity.facts["recipient"] = stated("recipient", quote)
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
        if consent is not None and block.kind == "item":
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
                "applies_from_age",
                int(age.group(1)),
                stated("applies_from_age", quote, confidence=0.7),
            )
        law = [e for e in legislation.cited_in(context, quote) if e.fields.get("kind") != "group"]
        _link(
            entity,
            "legislation",
            [e.slug for e in law],
            [stated(f"legislation/{e.slug}", quote) for e in law],
        )
        found_bases = bases.bases_in(quote)
        _link(
            entity,
            "lawful_bases",
            [slug for slug, _named in found_bases],
            [
                stated(f"lawful_bases/{slug}", quote)
                if named
                else inferred(
                    f"lawful_bases/{slug}",
                    "the words state a duty in law: UK GDPR Article 6(1)(c) legal obligation",
                    quote,
                )
                for slug, named in found_bases
            ],
        )
        aims = []
        if block.kind != "para":
            aims = purposes.clauses(context, quote)
            if seed.context is not None:
                entity.add_quote(seed.context)
                aims += purposes.clauses(context, seed.context)
        _link(
            entity,
            "purposes",
            [p.slug for p in aims],
            [stated(f"purposes/{p.slug}", quote) for p in aims],
        )
        named = [slug for name, slug in category_names.items() if _mentions(quote.text, name)]
        _link(
            entity,
            "data_categories",
            named,
            [stated(f"data_categories/{s}", quote, confidence=0.6) for s in named],
        )
        if block.kind == "item" and context.topics.get(block.index) is Topic.RECIPIENTS:
            entity.description = quote.text
        context.draft.add(entity)


def _mentions(text: str, name_key: str) -> bool:
    words = name_key.replace("-", " ")
    return (
        len(words) > 3
        and re.search(rf"\b{re.escape(words)}\b", text.lower().replace("-", " ")) is not None
    )
