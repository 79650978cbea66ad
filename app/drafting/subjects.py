"""Services the body lists, and the people the data are about."""

from __future__ import annotations

import re

from app.drafting.context import Context, row_subject
from app.drafting.model import Entity
from app.drafting.phrases import clean_name, slug, split
from app.drafting.segment import sub_quote
from app.drafting.topics import Topic

_ABOUT = re.compile(
    r"\b(?:(?:hold|collect|process|keep|use)s?(?:\s+and\s+(?:hold|collect|process|keep|use|share))?"
    r"\s+(?:the following\s+|some\s+)?(?:types\s+of\s+|categories\s+of\s+)?(?:personal\s+)?"
    r"(?:information|data)\s+(?:about|on)|(?:information|data) (?:we|it) "
    r"(?:hold|collect|process|keep)s? (?:about|on)|(?:notice|policy)\s+is\s+for)"
    r"\s+(?P<who>[^.;:]+)",
    re.I,
)
_PEOPLE = re.compile(
    r"\b(?:child|children|young people|young person|pupils?|students?|learners?|parents?|"
    r"carers?|parent/carers|guardians?|famil(?:y|ies)|staff|employees?|workforce|workers?|"
    r"governors?|trustees?|volunteers?|professionals?|visitors?|residents?|applicants?|"
    r"individuals?|people|persons?|those|teachers?|practitioners?|contractors?|customers?|"
    r"clients?|service users?|members?|adults?|claimants?|tenants?|patients?)\b",
    re.I,
)
_CLAUSE = re.compile(r"\s(?:who|which|that|is|are|was|were|will|may|can)\s|\s\(|,\s")
_TRIM = re.compile(
    r"\s(?:who|which|that|receiving|where|when|in|on|at|as|if|is|are|was|were|will|may|can)\s"
    r"|\s\(|,\s(?:\(|including)"
)


def services(context: Context) -> None:
    for block in context.items(Topic.SERVICES):
        subject = row_subject(block)
        cut = re.search(r"\s[–—]\s|:\s| through | via ", subject.text)
        quote = sub_quote(subject, 0, cut.start() if cut else len(subject.text))
        if quote.text:
            name = clean_name(quote.text)
            context.draft.add(Entity("services", slug(name, 70), name, [quote], confidence=0.75))


def subjects(context: Context) -> None:
    for _block, sentence in context.sentences():
        match = _ABOUT.search(sentence.text)
        if not match:
            continue
        for part in split(sub_quote(sentence, match.start("who"), match.end("who"))):
            trim = _CLAUSE if re.match(r"(?:those|people|anyone)\b", part.text, re.I) else _TRIM
            cut = trim.search(" " + part.text + " ")
            if cut and cut.start() > 0:  # offsets in the padded text are one on
                part = sub_quote(part, 0, cut.start() - 1)
            words = re.sub(r"^(?:all|the|our|their|your)\s+", "", part.text, flags=re.I)
            if not words or len(words.split()) > 8 or not re.search(r"[a-z]{3}", words):
                continue
            if re.match(r"(?:you|them|us|it)\b", words, re.I) or "information" in words:
                continue
            if not _PEOPLE.search(" ".join(words.split()[:4])):
                continue  # data subjects are people: a part naming none is a clause
            name = clean_name(words)
            same = next(
                (
                    e
                    for e in context.draft.entities("data-subjects")
                    if _singular(e.name) == _singular(name)
                ),
                None,
            )
            if same is not None:  # "Parent/carers" and "Parents/carers"
                same.add_quote(sentence)
                continue
            entity = Entity("data-subjects", slug(name, 60), name, [sentence], confidence=0.7)
            context.draft.add(entity)


def _singular(name: str) -> str:
    return " ".join(re.sub(r"s$", "", w) for w in re.findall(r"[a-z]+", name.lower()))
