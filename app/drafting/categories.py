"""Data categories, grouped as the notice groups them: a list item is a
category, its examples ("such as ...") the categories inside it; special
category data flagged where the words name a kind UK GDPR Article 9(1) lists."""

from __future__ import annotations

import re

from app.drafting.context import Context, row_cell, row_subject
from app.drafting.model import Entity, Quote, inferred, stated
from app.drafting.phrases import clean_name, examples, slug, split
from app.drafting.segment import Block, sentences, sub_quote
from app.drafting.topics import Topic

TYPE = "data-categories"
ARTICLE_9 = "UK GDPR Article 9(1)"

SPECIAL: tuple[tuple[str, str], ...] = (
    (r"\bethnic|\bracial\b|\brace\b", "racial or ethnic origin"),
    (r"\breligio|\bbeliefs?\b", "religious or philosophical beliefs"),
    (r"\bpolitical opinion", "political opinions"),
    (r"\btrade union", "trade union membership"),
    (r"\bgenetic", "genetic data"),
    (r"\bbiometric|\bfingerprint|\bfacial recognition", "biometric data"),
    (
        r"\bhealth\b(?! (?:and social care )?(?:professionals?|visitors?|services?|agenc|trusts?"
        r"|workers?|bodies|partners))|\bmedical\b|\bdisabilit|\bspecial educational needs\b"
        r"|\bsend\b|\ballerg|\bmental\b",
        "data concerning health",
    ),
    (r"\bsex life\b|\bsexual orientation\b|\bsexuality\b", "sex life or sexual orientation"),
)
_GROUP_INTRO = re.compile(
    r"\binformation (?:about|on|relating to) (?P<whom>(?:the )?[\w\s’'-]+?)\s*:?$", re.I
)
_LEAD = re.compile(r"^(?:where [^,]+,\s*)?(?:information (?:about |on |of )?(?=\w))?", re.I)


def special(name: str) -> str | None:
    for pattern, what in SPECIAL:
        if re.search(pattern, name, re.I):
            return what
    return None


def _category(context: Context, quote: Quote, name: str, group: str | None) -> Entity:
    entity = Entity(TYPE, slug(name), clean_name(name), [quote])
    if group:
        entity.state("group", group, stated("group", quote, confidence=0.85))
    what = special(name)
    if what:
        entity.state(
            "special_category",
            True,
            inferred(
                "special_category",
                f"the words name {what}, which {ARTICLE_9} makes special category data",
                quote,
                confidence=0.75,
            ),
        )
    entity.confidence = 0.8 if len(name.split()) <= 10 else 0.6
    existing = context.draft.find(TYPE, entity.slug)
    return existing if existing else context.draft.add(entity)


def named(context: Context, quote: Quote) -> Entity:
    """The category these words name: a drafted one of that name, or a new one."""
    return _category(context, quote, quote.text, None)


def _name_of(quote: Quote) -> Quote:
    """An item's name: without a leading "where ..." clause or "information about"."""
    lead = _LEAD.match(quote.text)
    start = lead.end() if lead else 0
    cut = re.search(r"\s[–—-]\s|:\s|\.\s|,\s(?:for|where|when|if|as)\s", quote.text[start:])
    end = start + cut.start() if cut else len(quote.text)
    return sub_quote(quote, start, end)


_CLAUSE = re.compile(
    r"\s(?:who|which|that|whose|where|when|such as|for those|for people|for staff)\s|\s\((?!\w+\))"
)


_COMMA_CLAUSE = re.compile(_CLAUSE.pattern + r"|,\s(?:where|when|if|for|as|which|who)\b")


def _without_clause(quote: Quote, *, comma: bool = False) -> Quote:
    """A category's name without the clause that qualifies it (kept in the
    quote); ``comma``: also without a clause after a comma (", where ...")."""
    match = (_COMMA_CLAUSE if comma else _CLAUSE).search(quote.text)
    if match and len(quote.text[: match.start()].split()) >= 2:
        return sub_quote(quote, 0, match.start())
    return quote


_PROSE = re.compile(
    r"^(?:We|The (?:Council|school|trust|academy|setting))(?: also)?(?: may)? "
    r"(?:collect|hold|keep|process|record|ask for|ask you for)(?:s)?(?: and \w+)? (?P<what>.+?)\.?$"
)
_ABOUT_WHOM = re.compile(
    r"^(?:(?:personal|some|the) )?(?:information|data|details) (?:about|on|relating to|from)\b"
    r"|^(?:the following|this|these|it|them)\b",
    re.I,
)


def _prose(context: Context) -> None:
    """``We collect your name, address and bank details.`` in a section about
    the data held: each named item a category."""
    for block in context.blocks:
        if block.kind != "para" or context.topics.get(block.index) is not Topic.CATEGORIES:
            continue
        for sentence in sentences(block):
            match = _PROSE.match(sentence.text)
            if not match or _ABOUT_WHOM.match(match.group("what")):
                continue
            what = sub_quote(sentence, match.start("what"), match.end("what"))
            stop = re.search(r",?\s(?:where|when|if|to|so|because|for|from|which|who)\s", what.text)
            what = sub_quote(what, 0, stop.start() if stop else len(what.text))
            for part in split(what):
                name = re.sub(
                    r"^(?:information about\s+)?(?:(?:your|their|our|the|any|all)\s+)?",
                    "",
                    part.text,
                )
                name = re.sub(r"^own\s+", "", name)
                if name and len(name.split()) <= 6:
                    _category(context, part, name, None)


def extract(context: Context) -> None:
    _prose(context)
    groups: dict[int, str] = {}
    for block in context.items(Topic.CATEGORIES):
        group = _intro_group(context, block, groups)
        if block.parent is not None:
            parent = context.draft.find(TYPE, slug(_name_of(row_subject(block.parent)).text))
            group = parent.slug if parent else group
        _item(context, block, group)


def _intro_group(context: Context, block: Block, groups: dict[int, str]) -> str | None:
    """A list introduced by "... information about the education workforce"
    belongs to a category of that name."""
    intro = block.intro
    if intro is None:
        return None
    if intro.start in groups:
        return groups[intro.start]
    match = _GROUP_INTRO.search(intro.text)
    if not match or len(match.group("whom").split()) > 6:
        return None
    quote = sub_quote(intro, match.start(), match.end())
    name = "Information about " + re.sub(r"^the\s+", "", match.group("whom").strip())
    entity = _category(context, quote, name, None)
    groups[intro.start] = entity.slug
    return entity.slug


_POSSESSIVE = re.compile(r"^[\w ]{0,40}?(?:’s|'s|s’|s')\s+", re.I)


def _enumeration(quote: Quote) -> list[Quote]:
    """``name, date of birth and home address``: three categories, where the
    item is a short list of short nouns (three or more, or two with a comma)."""
    lead = _POSSESSIVE.match(quote.text)
    body = sub_quote(quote, lead.end(), len(quote.text)) if lead else quote
    parts = split(body)
    if len(parts) < 3 or any(len(p.text.split()) > 4 for p in parts):
        return []
    if all(len(p.text.split()) == 1 for p in parts[:-1]) and len(parts[-1].text.split()) > 1:
        return []  # "attainment, education and training history": the head may be shared
    return parts


def _item(context: Context, block: Block, group: str | None) -> None:
    subject = row_subject(block, r"categor|type|information|\bdata\b")
    named = _name_of(subject)
    whole, listed = examples(named, strict=True)
    qualified = _without_clause(whole)
    trimmed = qualified.text != whole.text
    whole = qualified
    if not whole.text or len(whole.text.split()) > 25:
        return
    cell = row_cell(block, r"example|includ|such as|detail|what") if block.kind == "row" else None
    if cell is not None and cell is not subject:
        listed = split(_without_clause(cell, comma=True))
    if not listed and not trimmed and (parts := _enumeration(whole)):
        for part in parts:
            child = _category(context, part, part.text, group)
            child.add_quote(subject)
        return
    parent = _category(context, named, whole.text, group)
    if listed:
        parent.facts["name"] = stated("name", named)
        for part in listed:
            for piece in split(part) or [part]:
                name = re.sub(r"^(?:whether|if)\s+", "", piece.text)
                if len(name.split()) <= 10:
                    child = _category(context, named, name, parent.slug)
                    child.add_quote(subject)
