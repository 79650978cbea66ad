"""Purposes: items of lists about why data are used, and purpose clauses
("to ...", "for ...", "underpins ...") in sentences about sharing and
national collections."""

from __future__ import annotations

import re

from app.drafting.context import Context, row_cell, row_subject
from app.drafting.model import Entity, Quote, stated
from app.drafting.phrases import clean_name, slug
from app.drafting.segment import Block, sentences, sub_quote
from app.drafting.topics import Topic

TYPE = "purposes"
_CLAUSE = re.compile(
    r"\b(?:in order to|so (?:that|as) (?:we|they) can|to enable (?:them|us) to"
    r"|to help (?:us|them) to|"
    r"enables? (?:them|us) to|to|for the purposes? of|for)\s+"
    r"(?P<what>(?:[a-z][\w’'-]*)(?:\s+(?!(?:we|and we|but|which|where|if)\b)[^.;:()]*)?)",
)
_VERBISH = re.compile(
    r"^(?:support|identify|manage|monitor|report|provide|assess|carry|plan|promote|produce|"
    r"determine|evaluate|enable|help|check|deliver|improve|protect|safeguard|keep|meet|comply|"
    r"allocate|administer|process|contact|inform|investigate|prevent|detect|calculate|arrange|"
    r"engage|conduct|conducting|producing|providing|monitoring|supporting|planning|assessing|"
    r"research|statistical|underpin|inform|ensure|maintain|track|run|offer|give|record|claim|"
    r"verify|deal|respond|answer|share|analyse|audit|organise|celebrate|communicate)\w*\b",
    re.I,
)
_UNDERPINS = re.compile(r"\bunderpins?\s+(?P<what>[^.;]+)", re.I)
_SPLIT_VERBS = re.compile(
    r",\s*(?:and\s+)?(?:to\s+)?|\s+and\s+(?:to\s+|enables? (?:them|us) to\s+)"
)


def make(context: Context, quote: Quote, *, sharing: bool = False) -> Entity | None:
    name = clean_name(quote.text)
    if len(name.split()) < 2 and not re.search(r"statistic|research", name, re.I):
        return None
    if len(name) > 200:
        name = name[:197].rsplit(" ", 1)[0] + "…"
    entity = Entity(TYPE, slug(name, 70), name, [quote])
    if sharing:
        entity.state("kind", "sharing", stated("kind", quote, confidence=0.7))
    return context.draft.add(entity)


def from_item(context: Context, block: Block) -> Entity | None:
    subject = row_cell(block, r"purpose|why|use") or row_subject(block)
    text = subject.text
    cut = re.search(r"\s[–—]\s", text)
    quote = sub_quote(subject, 0, cut.start() if cut else len(text))
    return make(context, quote)


def clauses(context: Context, quote: Quote, *, sharing: bool = True) -> list[Entity]:
    """Purpose clauses within a sentence: each coordinated aim its own purpose."""
    found: list[Entity] = []
    for sentence in sentences_of(quote):
        for match in _UNDERPINS.finditer(sentence.text):
            found.extend(
                _coordinated(context, sentence, match.start("what"), match.end("what"), sharing)
            )
        for match in _CLAUSE.finditer(sentence.text):
            what = match.group("what")
            if not _VERBISH.match(what):
                continue
            found.extend(
                _coordinated(context, sentence, match.start("what"), match.end("what"), sharing)
            )
    return found


def sentences_of(quote: Quote) -> list[Quote]:
    block = Block("para", quote.start, quote.end, quote.text)
    return sentences(block)


def _coordinated(
    context: Context, sentence: Quote, start: int, end: int, sharing: bool
) -> list[Entity]:
    text = sentence.text[start:end]
    stop = re.search(
        r"\s(?:under section|under part|under the|as they have|which|who|where)\b", text
    )
    if stop:
        end = start + stop.start()
        text = text[: stop.start()]
    pieces, begin = [], 0
    for cut in _SPLIT_VERBS.finditer(text):
        after = text[cut.end() :]
        if _VERBISH.match(after) or re.match(r"enables?\b", after):
            pieces.append((begin, cut.start()))
            begin = cut.end()
    pieces.append((begin, len(text)))
    found = []
    for a, b in pieces:
        piece = sub_quote(sentence, start + a, start + b)
        piece_text = re.sub(r"^enables? (?:them|us) to\s+", "", piece.text)
        if piece_text != piece.text:
            offset = piece.text.index(piece_text)
            piece = Quote(piece.start + offset, piece.end, piece_text)
        if piece.text and (entity := make(context, piece, sharing=sharing)):
            found.append(entity)
    return found


def extract(context: Context) -> None:
    for block in context.items(Topic.PURPOSES):
        if block.parent is None or context.topics.get(block.parent.index) is not Topic.PURPOSES:
            from_item(context, block)
        else:
            from_item(context, block)


__all__ = ["clauses", "extract", "make"]
