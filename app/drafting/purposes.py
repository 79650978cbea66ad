"""Purposes: items of lists about why data are used, and purpose clauses
("to ...", "in order to ...", "for ... purposes", "underpins ...") in the
words about a sharing arrangement or a national data collection."""

from __future__ import annotations

import re

from app.drafting.context import Context, row_cell, row_subject
from app.drafting.model import Entity, Quote, stated
from app.drafting.phrases import clean_name, slug
from app.drafting.segment import Block, sentences, sub_quote
from app.drafting.topics import Topic, topic_of

TYPE = "purposes"
_TRIGGER = re.compile(
    r"\b(?:in order to|so (?:that|as) (?:we|they) can|(?:to )?enables? (?:them|us|it) to"
    r"|to help (?:us|them) to|to|for(?= \w+ purposes)|for(?= \w+ing\b))\s+",
    re.I,
)
_VERBISH = re.compile(
    r"^(?:support|identify|manage|monitor|report|provide|assess|carry|plan|promote|produce|"
    r"determine|evaluate|enable|check|deliver|improve|protect|safeguard|meet|comply|"
    r"allocate|administer|contact|inform|investigate|prevent|detect|calculate|arrange|"
    r"engage|conduct|research|statistical|ensure|maintain|track|offer|record|claim|"
    r"verify|respond|analyse|audit|organise|communicate|fund|target|develop|celebrate|write|"
    r"review|make|pay|decide|consider|book|invoice|process|handle|apply|award|issue|notify|"
    r"register|recruit|employ|train|inspect|enforce|collect|publish|help|run)\w*\b"
    r"|^(?:care for|look after)\b",
    re.I,
)
_UNDERPINS = re.compile(r"\bunderpins?\s+(?P<what>[^.;]+)", re.I)
_END = re.compile(
    r"[.;:()]|\s(?:under section|under part|under the|as they have|but|because|as well as"
    r"|so that)\b|,\s(?:which|where|when|if|unless)\b"
)
_OBLIGED = re.compile(
    r"\b(?:required|obliged|expected|need|needs|have|has|must|requires? (?:us|them|schools))\s*$",
    re.I,
)
_SPLIT_VERBS = re.compile(
    r",\s*(?:and\s+)?(?:to\s+)?|\s+(?:and|or)\s+(?:to\s+|enables? (?:them|us) to\s+)?"
)
_LONG = 14
_PURPOSE_HEADER = r"purpose|\bwhy\b|\breason"


def make(
    context: Context, quote: Quote, *, kind: str | None = None, labelled: bool = False
) -> Entity | None:
    """A purpose of these words; one word only where a table labels it a purpose."""
    name = clean_name(quote.text)
    if not labelled and len(name.split()) < 2 and not re.search(r"statistic|research", name, re.I):
        return None
    if len(name) > 200:
        name = name[:197].rsplit(" ", 1)[0] + "…"
    entity = Entity(TYPE, slug(name, 70), name, [quote])
    if kind:
        entity.state("kind", kind, stated("kind", quote, confidence=0.7))
    return context.draft.add(entity)


def from_item(context: Context, block: Block) -> Entity | None:
    """A list item or table cell about why data are used: the aim it names,
    without the clause qualifying a long one ("... services that improve ...")."""
    labelled = row_cell(block, _PURPOSE_HEADER)
    if labelled is not None and (aims := clauses(context, labelled, kind=None)):
        return aims[0]  # "To offer and confirm school places": the aim the clause names
    subject = labelled or row_subject(block)
    text = subject.text
    cut = re.search(r"\s[–—]\s", text)
    end = cut.start() if cut else len(text)
    lead = re.match(r"(?:to|in order to)\s+(?=\w)", text, re.I)
    if lead and _VERBISH.match(text[lead.end() :]):  # "to support pupil learning"
        subject = sub_quote(subject, lead.end(), len(text))
        text, end = subject.text, end - lead.end()
    if len(text[:end].split()) > _LONG and (
        clause := re.search(r"\s(?:that|which|so that)\s", text)
    ):
        end = min(end, clause.start())
    return make(context, sub_quote(subject, 0, end), labelled=labelled is not None)


def clauses(context: Context, quote: Quote, *, kind: str | None = "sharing") -> list[Entity]:
    """Purpose clauses within the quote's sentences: each coordinated aim its own."""
    found: list[Entity] = []
    for sentence in sentences_of(quote):
        text = sentence.text
        for match in _UNDERPINS.finditer(text):
            found.extend(_coordinated(context, sentence, match.start("what"), kind, nouns=True))
        position = 0
        for match in _TRIGGER.finditer(text):
            if match.start() < position or not _VERBISH.match(text[match.end() :]):
                continue
            if match.group().strip().lower() == "to" and _OBLIGED.search(text[: match.start()]):
                continue  # "required to provide": a duty, not an aim
            position = _end_of(text, match.end())
            found.extend(_coordinated(context, sentence, match.end(), kind, nouns=False))
    return found


def _end_of(text: str, start: int) -> int:
    stop = _END.search(text, start)
    return stop.start() if stop else len(text)


def sentences_of(quote: Quote) -> list[Quote]:
    return sentences(Block("para", quote.start, quote.end, quote.text))


def _coordinated(
    context: Context, sentence: Quote, start: int, kind: str | None, *, nouns: bool
) -> list[Entity]:
    """``A, B and enables them to C`` as A, B and C: cut where the next words
    start another aim (a verb; for ``underpins`` also a noun phrase)."""
    end = _end_of(sentence.text, start)
    text = sentence.text[start:end]
    pieces, begin = [], 0
    for cut in _SPLIT_VERBS.finditer(text):
        after = text[cut.end() :]
        single = not nouns and len(text[begin : cut.start()].split()) < 2  # "write and review X"
        if not single and (
            (_VERBISH.match(after) and not after.startswith("help"))
            or re.match(r"enables?\b", after)
            or (nouns and "," in cut.group())
        ):
            pieces.append((begin, cut.start()))
            begin = cut.end()
    pieces.append((begin, len(text)))
    found = []
    for a, b in pieces:
        piece = sub_quote(sentence, start + a, start + b)
        lead = re.match(r"(?:and\s+)?enables? (?:them|us) to\s+", piece.text)
        if lead:
            piece = Quote(piece.start + lead.end(), piece.end, piece.text[lead.end() :])
        if piece.text and (entity := make(context, piece, kind=kind)):
            found.append(entity)
    return found


_ACTIVITY = re.compile(
    r"\s[–—-]\s(?:we|the council|the school|the trust)\s+(?:must\s+|may\s+|need to\s+|have to\s+)?"
    r"(?P<what>[a-z]\w*\b[^.;:]*)",
    re.I,
)


def _basis_activity(context: Context, block: Block) -> None:
    """A lawful basis and what it covers ("Public task – we assess housing
    benefit"): the activity is a purpose."""
    match = _ACTIVITY.search(block.text)
    if not match or not _VERBISH.match(match.group("what")):
        return
    end = _end_of(block.text, match.start("what"))
    make(context, sub_quote(block.quote, match.start("what"), end))


_USES_DATA = re.compile(
    r"\b(?:collect|use|process|hold|keep)s?\b[^.]*\b(?:information|data)\b", re.I
)


def _opening(context: Context) -> None:
    """The notice's opening paragraphs, before any section on a topic: a
    sentence saying the body uses data "to run school admissions" states a purpose."""
    for block in context.blocks:
        if block.kind == "heading" and topic_of(block.text) is not Topic.OTHER:
            return
        if block.kind != "para":
            continue
        for sentence in sentences(block):
            if _USES_DATA.search(sentence.text):
                clauses(context, sentence, kind=None)


def extract(context: Context) -> None:
    """List items about purposes, and purpose clauses in the paragraphs of a
    section about why data are used."""
    for block in context.items(Topic.PURPOSES):
        from_item(context, block)
    _opening(context)
    for block in context.items(Topic.LEGISLATION):  # "Public task – we assess ..."
        _basis_activity(context, block)
    for block in context.blocks:  # tables of processing: a purpose per row
        if (
            block.kind == "row"
            and block.header
            and context.topics.get(block.index)
            in (
                Topic.RECIPIENTS,
                Topic.LEGISLATION,
                Topic.CATEGORIES,
            )
            and row_cell(block, _PURPOSE_HEADER)
        ):
            from_item(context, block)
    for block in context.blocks:
        if block.kind == "para" and context.topics.get(block.index) is Topic.PURPOSES:
            clauses(context, block.quote, kind=None)
