"""Cutting items into names: heads, enumerations, examples, slugs."""

from __future__ import annotations

import re

from app.drafting.model import Quote
from app.drafting.segment import sub_quote
from app.register.schemas import slugify

_HEAD_END = re.compile(
    r"\s[–—-]\s|\s:\s?|:\s|\s\((?:for|to|where|which|who|if|when|e\.g\.|such as|including)\b"
    r"|,?\s(?:where|which|who|whom|when|whose|if|so that|in order to|to help|as they|because|"
    r"under section|under part|on a statutory basis|on behalf of|through|via)\s"
    r"|,?\s(?:with|without) (?:your|their|parental|the)\b[\w ]{0,20}\bconsent\b"
)
_EXAMPLES = re.compile(
    r"\s?\(?\s*(?:such as|for example|for instance|e\.g\.|eg|including|includes|like)[\s:,]+",
    re.I,
)
_STRICT_EXAMPLES = re.compile(
    r"\s?\(?\s*(?:such as|for example|for instance|e\.g\.|eg)[\s:,]+|,\s*including\s+", re.I
)
_SPLIT = re.compile(r"\s*(?:,|;)\s*(?:and\s+|or\s+)?|\s+(?:and|or|&|and/or)\s+")
_DETERMINERS = re.compile(r"^(?:the|our|your|their|its|a|an|any|all|with|to)\s+", re.I)
_NO_SPLIT_AFTER = re.compile(r"\b(?:of|for)\s+\S+$", re.I)
_SHARED_NOUN = re.compile(r"[A-Z]\w* (?:services?|departments?|teams?|agencies)\b", re.I)
_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)")

KNOWN_NAMES_WITH_AND = (
    "children and young people",
    "Revenue and Customs",
    "Work and Pensions",
    "Disclosure and Barring",
    "Education and Skills",
    "Standards and Testing",
    "Health and Social Care",
    "Health and Safety",
    "Children and Family Court",
    "Advisory and Support",
    "Immigration and",
    "Levelling Up, Housing and Communities",
    "Culture, Media and Sport",
    "Energy Security and Net Zero",
    "Science, Innovation and Technology",
    "Food and Rural Affairs",
    "Trading Standards and",
    "Fire and Rescue",
    "Police and Crime",
    "Courts and Tribunals",
    "Safeguarding Children and",
    "Skills and",
)


def head(quote: Quote) -> Quote:
    """The name part of an item: the words before a dash, a colon or a clause."""
    match = _HEAD_END.search(quote.text)
    end = match.start() if match else len(quote.text)
    return sub_quote(quote, 0, end)


def examples(quote: Quote, *, strict: bool = False) -> tuple[Quote, list[Quote]]:
    """``X (such as A, B and C)`` as X and [A, B, C]; no examples: (quote, []).
    ``strict``: only "such as", "for example", "e.g.", and only in brackets
    or right after a short head (further on they qualify a later noun)."""
    match = (_STRICT_EXAMPLES if strict else _EXAMPLES).search(quote.text)
    if not match or match.start() == 0:
        return quote, []
    bracketed = "(" in match.group()
    if strict and not bracketed and len(quote.text[: match.start()].split()) > 6:
        return quote, []
    inner_end = len(quote.text)
    if "(" in quote.text[match.start() : match.end()]:
        close = quote.text.find(")", match.end())
        inner_end = close if close != -1 else inner_end
    whole = sub_quote(quote, 0, match.start())
    inner = sub_quote(quote, match.end(), inner_end)
    return whole, split(inner)


def _protected(text: str) -> list[tuple[int, int]]:
    spans = [(m.start(), m.end()) for m in re.finditer(r"\([^()]*\)|“[^”]*”|\"[^\"]*\"", text)]
    for name in KNOWN_NAMES_WITH_AND:
        spans.extend((m.start(), m.end()) for m in re.finditer(re.escape(name), text, re.I))
    return spans


def split(quote: Quote) -> list[Quote]:
    """An enumeration's members: ``A, B and C`` as three quotes. ``X and other
    Y`` stays one; ``Legal and IT Services`` stays one quote (see
    ``distributed``); ``X of A and B`` stays one when B is a bare word."""
    text = quote.text
    protected = _protected(text)
    cuts: list[tuple[int, int]] = []
    for match in _SPLIT.finditer(text):
        if any(a <= match.start() < b for a, b in protected):
            continue
        after = text[match.end() :]
        before = text[: match.start()]
        if re.match(r"other\b|\d", after, re.I):
            continue
        if match.group().strip() in ("and", "or", "&", "and/or"):
            right_words = re.split(r"[\s,;]", after.strip(), maxsplit=3)
            if _NO_SPLIT_AFTER.search(before) and len(right_words) <= 1 and "," not in after:
                continue
            if re.search(r"\b[A-Z]\w*$", before) and _SHARED_NOUN.match(after):
                continue  # "Legal and IT Services": one quote, two names
        cuts.append((match.start(), match.end()))
    parts, begin = [], 0
    for start, end in cuts:
        parts.append(sub_quote(quote, begin, start))
        begin = end
    parts.append(sub_quote(quote, begin, len(text)))
    return [p for p in parts if p.text and re.search(r"\w", p.text)]


def distributed(text: str) -> list[str]:
    """``Legal and IT Services`` as ["Legal Services", "IT Services"]."""
    match = re.fullmatch(r"(.*?\s)?(\w+) and (\w+) (\w+)", text)
    if not match or len(text.split()) > 6:
        return [text]
    lead, first, second, noun = (
        (match.group(1) or ""),
        match.group(2),
        match.group(3),
        match.group(4),
    )
    if not (first[:1].isupper() and second[:1].isupper() and noun[:1].isupper()):
        return [text]
    if noun.lower() not in ("services", "service", "departments", "teams", "team", "agencies"):
        return [text]
    return [f"{lead}{first} {noun}".strip(), f"{lead}{second} {noun}".strip()]


def clean_name(text: str) -> str:
    """A name from a notice phrase: no long brackets, quotes or trailing marks,
    a capital first letter."""
    text = re.sub(r"\((?![A-Z])[^()]*\)", "", text)  # "(for monitoring ...)", not "(DfE)"
    text = re.sub(r"[“”\"]", "", text)
    text = re.sub(r"\s+", " ", text).strip(" ,;:.–-")
    return text[:1].upper() + text[1:] if text else text


def abbreviation(text: str) -> str | None:
    match = _ABBREVIATION.search(text)
    return match.group(1) if match else None


def slug(text: str, limit: int = 80) -> str:
    """A stable slug from a name: its words without a leading article or
    brackets, cut at a word boundary."""
    base = re.sub(r"\s*\((?=\w*[A-Z]\w*[A-Z])\w+\)", "", text)  # "(DfE)", not "(England)"
    base = re.sub(r"^(the|a|an|our)\s+", "", base.strip(), flags=re.I)
    value = slugify(base.replace("’", "").replace("'", "")) or slugify(text) or "entry"
    if len(value) > limit:
        value = value[:limit].rsplit("-", 1)[0]
    return value


def mentions(text: str, name: str) -> bool:
    """Whether the text names this entry (its words, singular or plural)."""
    words = key(name).replace("-", " ")
    if len(words) <= 3:
        return False
    forms = {words, re.sub(r"(?:es|s)$", "", words), words + "s", words + "es"}
    lowered = text.lower().replace("-", " ").replace("’", "").replace("'", "")
    return any(re.search(rf"\b{re.escape(form)}\b", lowered) for form in forms if len(form) > 3)


def key(text: str) -> str:
    """Words of a name for matching: lowercase, no articles or brackets."""
    return slug(text, limit=200)
