"""Legislation the notice cites: Acts and regulations resolved through the
gazetteer, their sections and parts, and names the gazetteer does not know
kept as the notice words them."""

from __future__ import annotations

import re

from app.drafting import gazetteer
from app.drafting.context import Context
from app.drafting.model import Entity, Quote, inferred, stated
from app.drafting.phrases import slug
from app.drafting.segment import Block, sentences
from app.drafting.topics import Topic

TYPE = "legislation"
_PROVISION = re.compile(
    r"\b(sections?|parts?|regulations?|schedules?)\s+(\d+[A-Z]*(?:\(\d+\))*(?:\s*(?:,|and|&|or)\s*"
    r"\d+[A-Z]*(?:\(\d+\))*)*)\s+(?:of|to)\s+(?:the\s+)?$",
    re.I,
)
_PROVISION_AFTER = re.compile(
    r"^,?\s*\(?(sections?|s\.|parts?|regulations?|reg\.|schedules?)\s*(\d+[A-Z]*)\b", re.I
)
_MORE_YEARS = re.compile(r"^\s*(?:and|&|,)\s*(\d{4})\b")
_GROUP = re.compile(r"\b([A-Z][\w’']*(?:\s+[A-Z][\w’']*)*\s+Acts)\b")


def _sentence_of(context: Context, start: int) -> Quote:
    for block in context.blocks:
        if block.start <= start < block.end:
            for sentence in sentences(block):
                if sentence.start <= start < sentence.end:
                    return sentence
            return block.quote
    return context.quote_at(start, start + 1)


def _balanced(title: str) -> str:
    """A title as cited, less an opening bracket it does not close."""
    if title.startswith("(") and title.count("(") > title.count(")"):
        return title[1:]
    return title


def work_entity(context: Context, title: str, year: int, kind: str, quote: Quote) -> Entity:
    """The entity of an Act or regulations, identified where the gazetteer knows it."""
    work = gazetteer.lookup(title)
    name = work.title if work else _balanced(title)
    entity = Entity(TYPE, slug(name, 120), name, [quote])
    entity.fields.update(kind=work.kind if work else kind, year=year, cited_as=title)
    entity.facts["kind"] = stated("kind", quote, confidence=0.9)
    entity.facts["year"] = stated("year", quote, confidence=0.95)
    entity.facts["cited_as"] = stated("cited_as", quote, confidence=0.95)
    if work:
        entity.fields["legislation_gov_uk_id"] = work.path
        entity.references = [(work.source, work.quote)]
    else:
        entity.confidence = 0.5
    return context.draft.add(entity)


def provision_entity(
    context: Context, act: Entity, unit: str, number: str, cited: str, quote: Quote
) -> Entity:
    unit_word = {"s.": "section", "reg.": "regulation"}.get(unit.lower(), unit.lower().rstrip("s"))
    work = gazetteer.lookup(act.name)
    official_unit = unit_word
    if work and unit_word == "section" and work.kind == "regulations":
        official_unit = "regulation"
    name = f"{act.name}, {official_unit} {number}"
    entity = Entity(TYPE, slug(f"{act.name} {official_unit} {number}", 120), name, [quote])
    entity.fields.update(kind="provision", part_of=act.slug, provision=f"{official_unit} {number}")
    entity.fields["cited_as"] = cited
    entity.facts["part_of"] = stated("part_of", quote)
    entity.facts["provision"] = stated("provision", quote)
    entity.facts["cited_as"] = stated("cited_as", quote)
    path = gazetteer.provision_path(work, unit_word, number) if work else None
    if work and path:
        entity.fields["legislation_gov_uk_id"] = path
        entity.references = [
            (work.source, work.quote),
            (gazetteer.LEGISLATION_SOURCE, gazetteer.PATTERN_QUOTE),
        ]
    return context.draft.add(entity)


def cited_in(context: Context, quote: Quote) -> list[Entity]:
    """The legislation cited within a quote (Acts, regulations, provisions)."""
    found: list[Entity] = []
    local = quote.text
    for citation in gazetteer.citations(local):
        sentence = _sentence_of(context, quote.start + citation.start)
        act = work_entity(context, citation.title, citation.year, citation.kind, sentence)
        found.append(act)
        tail = local[citation.end :]
        if more := _MORE_YEARS.match(tail):
            base = re.sub(r"\d{4}$", more.group(1), citation.title)
            found.append(work_entity(context, base, int(more.group(1)), citation.kind, sentence))
        if after := _PROVISION_AFTER.match(tail):
            cited = local[citation.start : citation.end + after.end()]
            found.append(
                provision_entity(context, act, after.group(1), after.group(2), cited, sentence)
            )
        before = local[max(0, citation.start - 80) : citation.start]
        if provision := _PROVISION.search(before):
            unit = provision.group(1)
            numbers = re.split(r"\s*(?:,|and|&|or)\s*", provision.group(2))
            cited = (provision.group(0) + citation.title).strip()
            for number in numbers:
                found.append(provision_entity(context, act, unit, number, cited, sentence))
    return found


def extract(context: Context) -> None:
    """Every citation in the text; list items about legislation that name
    no Act with a year (``Children's Acts``) kept as a group, as written."""
    for block in context.blocks:
        if block.kind in ("para", "item", "row", "heading"):
            cited_in(context, block.quote)
    for block in context.items(Topic.LEGISLATION):
        _uncited_item(context, block)
    _gdpr(context)


def _gdpr(context: Context) -> None:
    """The UK GDPR, where the notice names it."""
    for _block, sentence in context.sentences():
        if match := gazetteer.GDPR_NAMES.search(sentence.text):
            work = gazetteer.GDPR
            entity = Entity(TYPE, "uk-gdpr", work.title, [sentence], confidence=0.8)
            entity.fields.update(
                kind="regulations", cited_as=match.group(), legislation_gov_uk_id=work.path
            )
            entity.facts["kind"] = stated("kind", sentence)
            entity.facts["cited_as"] = stated("cited_as", sentence)
            entity.references = [(work.source, work.quote)]
            context.draft.add(entity)


def _uncited_item(context: Context, block: Block) -> None:
    head = re.split(r"\s[:–—-]\s|:\s", block.text, maxsplit=1)[0]
    if gazetteer.citations(head) or len(head.split()) > 8:
        return
    if match := _GROUP.search(head):
        quote = Quote(block.start + match.start(), block.start + match.end(), match.group(1))
        entity = Entity(TYPE, slug(quote.text, 120), quote.text, [quote], confidence=0.5)
        entity.fields.update(kind="group", cited_as=quote.text)
        entity.facts["kind"] = inferred(
            "kind", "a plural name of Acts with no year: which Acts is not stated", quote
        )
        entity.facts["cited_as"] = stated("cited_as", quote)
        context.draft.add(entity)
