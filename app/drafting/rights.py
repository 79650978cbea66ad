"""Rights of the people the data are about, from lists about rights and
from sentences ("you have the right to ...", complaints to the regulator);
each named right tied to its UK GDPR article (W3C DPV 2.3 eu-gdpr terms)."""

from __future__ import annotations

import re

from app.drafting.context import Context, row_subject
from app.drafting.model import Entity, Quote, stated
from app.drafting.phrases import clean_name, slug
from app.drafting.segment import sub_quote
from app.drafting.topics import Topic

TYPE = "rights"
DPV_SOURCE = "dpv-2.3/eu-gdpr.csv"

ARTICLES: tuple[tuple[str, str, str | None, str], ...] = (
    # pattern, article, DPV term, the DPV label the mapping rests on
    (r"\baccess\b|\bcopy of\b|subject access", "Article 15", "eu-gdpr:A15", "A15 Right of Access"),
    (r"\brectif|\bcorrect", "Article 16", "eu-gdpr:A16", "A16 Right to Rectification"),
    (r"\berasure\b|\bdelet|\bforgotten\b", "Article 17", "eu-gdpr:A17", "A17 Right to Erasure"),
    (r"\brestrict", "Article 18", "eu-gdpr:A18", "A18 Right to Restrict Processing"),
    (r"\bportab", "Article 20", "eu-gdpr:A20", "A20 Right to Data Portability"),
    (
        r"\bautomated|\bprofiling",
        "Article 22",
        "eu-gdpr:A22",
        "A22 Right to object to automated decision making",
    ),
    (r"\bobject\b", "Article 21", "eu-gdpr:A21", "A21 Right to object"),
    (r"\bwithdraw", "Article 7(3)", None, ""),
    (r"\binformed\b", "Article 13", "eu-gdpr:A13", "A13 Right to be Informed"),
    (r"\bcomplain|\bconcerns?\b", "Article 77", None, ""),
)
_RIGHT_TO = re.compile(r"\bright to\s*:?\s*$", re.I)
_QUALIFIER = re.compile(r"\s(?:that|which|who|in certain|in some)\s")
_CAN_ASK = re.compile(
    r"\b(?:you (?:can|may) |and )(?P<what>(?:ask|request)(?: us)? (?:for a copy|for access"
    r"|to (?:see|access|correct|change|delete|erase|restrict|stop|object))[^.;,]*)",
    re.I,
)
_RIGHT_SENTENCE = re.compile(r"\bha(?:ve|s) (?:also )?(?:the|a) right to (?P<what>[^.;]+)", re.I)
_NEXT_RIGHT = re.compile(r",\s*(?:and\s+)?to\s+|\s+and\s+to\s+")
_REGULATOR = re.compile(
    r"\b(?:complain\w*|report\w* concerns?|concerns?)\b[^.]*\bInformation Commissioner", re.I
)


def make(context: Context, quote: Quote, name: str) -> Entity:
    name = clean_name(name)
    entity = Entity(TYPE, slug(name, 60), name, [quote])
    for pattern, article, term, label in ARTICLES:
        if re.search(pattern, name, re.I):
            entity.state("gdpr_article", article, stated("gdpr_article", quote, confidence=0.8))
            if term:
                entity.fields["dpv_term"] = term
                entity.references.append((DPV_SOURCE, label))
            break
    return context.draft.add(entity)


def extract(context: Context) -> None:
    for block in context.items(Topic.RIGHTS):
        subject = row_subject(block, r"\bright")
        cut = re.search(r"\s\(|\s[–—-]\s|:\s|\.\s", subject.text)
        name = sub_quote(subject, 0, cut.start() if cut else len(subject.text))
        if len(name.text.split()) > 14 and "," in name.text:
            name = sub_quote(name, 0, name.text.index(","))
        if len(name.text.split()) > 8 and (clause := _QUALIFIER.search(name.text)):
            name = sub_quote(name, 0, clause.start())
        words = name.text
        if (
            block.intro
            and _RIGHT_TO.search(block.intro.text)
            and not words.lower().startswith("right")
        ):
            words = "Right to " + words  # "You also have the right to:" + "object to ..."
        if 1 <= len(name.text.split()) <= 14:
            make(context, name, words)
    for _block, sentence in context.sentences():
        if (match := _RIGHT_SENTENCE.search(sentence.text)) and not _RIGHT_TO.search(sentence.text):
            for what in _NEXT_RIGHT.split(match.group("what")):
                what = re.split(r",|\s\(", what)[0]
                what = re.sub(r"\s+at any time$", "", what)
                if clause := _QUALIFIER.search(what):
                    what = what[: clause.start()]
                if _REGULATOR.search(sentence.text) and re.search(r"complain|concern", what):
                    continue  # the complaint to the regulator: named below, once
                if what.strip():
                    make(context, sentence, "Right to " + what.strip())
        if not _RIGHT_SENTENCE.search(sentence.text) and re.search(
            r"\byou (?:can|may) ", sentence.text, re.I
        ):
            for ask in _CAN_ASK.finditer(sentence.text):
                make(context, sentence, "Right to " + re.split(r",|\s\(", ask.group("what"))[0])
        if _REGULATOR.search(sentence.text):
            make(context, sentence, "Right to complain to the Information Commissioner’s Office")
