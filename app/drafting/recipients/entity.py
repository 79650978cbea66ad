"""The recipient entity a draft holds: made once per name (merged by slug or
abbreviation), its kind read from its name, its processor role when the
notice says so."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.drafting.context import Context
from app.drafting.model import Entity, Quote, inferred, stated
from app.drafting.phrases import abbreviation, clean_name, slug
from app.drafting.segment import Block, sentences

TYPE = "recipients"

_KINDS: tuple[tuple[str, str], ...] = (
    (
        "government_department",
        r"\bdepartment (for|of)\b|\bhm revenue|revenue and customs|\bhmrc\b|\bdwp\b"
        r"|\bdfe\b|\bhome office\b|\bcabinet office\b|\bministry\b",
    ),
    (
        "regulator",
        r"\bofsted\b|\bregulators?\b|\bcommissioner\b|\binspectorate\b|\bcare quality commission\b",
    ),
    ("police", r"\bpolice\b|\bconstabulary\b"),
    (
        "court_or_legal",
        r"\bcourts?\b|\bsolicitors?\b|\btribunals?\b|\bcafcass\b|\blegal services?\b",
    ),
    ("health_body", r"\bnhs\b|\bhealth\b|\bhospitals?\b|\bgps?\b|\bclinical\b|\bschool nurs"),
    ("charity", r"\bnspcc\b|\bbarnardo|\bcharit(y|ies)\b|\btrust\b(?!s)"),
    ("awarding_body", r"\bawarding bod|\bexam(ination)? boards?\b"),
    ("local_authority", r"\blocal authorit|\bdistrict authorit|\bcouncils?\b(?!’s)"),
    ("school", r"\bschools?\b|\bacadem(y|ies)\b|\bcolleges?\b|\bnurser(y|ies)\b|\bsettings?\b"),
    ("government_agency", r"\bagency\b|\bservice\b.*\b(border|passport|probation)\b|\bborder\b"),
    ("education_provider", r"\btraining providers?\b|\bproviders? of\b.*\beducation\b|\buniversit"),
    ("company", r"\bltd\b|\blimited\b|\bplc\b|\bcompan(y|ies)\b|\bsoftware\b|\bsuppliers?\b"),
    ("individual", r"\bfoster carers?\b|\bparents?\b|\bcarers?\b|\bchildminders?\b"),
    (
        "council_service",
        r"\b(our|the council’s|the council's|council)\b.*\bservices?\b|\bsocial care\b"
        r"|\bearly help\b|\byouth support\b|\bdesignated officer\b",
    ),
)
_PROCESSOR = re.compile(r"\bprocessors?\b|\bon (our|its|their) behalf\b|\bon behalf of\b", re.I)


@dataclass
class Received:
    """A recipient named in one block: the arrangement's seed."""

    recipient: Entity
    block: Block
    quote: Quote
    context: Quote | None = None
    """The words of the item a nested item belongs to ("Companies who ... include")."""


def _kind(name: str) -> tuple[str, str | None]:
    for kind, pattern in _KINDS:
        if match := re.search(pattern, name, re.I):
            return kind, match.group()
    return "other", None


def make(context: Context, name_quote: Quote, name: str, *, role_quote: Quote | None) -> Entity:
    """The recipient of that name (merged with one of the same slug or abbreviation)."""
    name = clean_name(name)
    short = abbreviation(name)
    entity_slug = slug(name)
    for existing in context.draft.entities(TYPE):
        if short and abbreviation(existing.name) == short:
            existing.add_quote(name_quote)
            return existing
        if existing.slug == entity_slug or slug(existing.name) == slug(name):
            existing.add_quote(name_quote)
            return existing
    entity = Entity(TYPE, entity_slug, name, [name_quote])
    kind, word = _kind(name)
    if word:
        entity.state(
            "kind",
            kind,
            inferred(
                "kind", f"the name says '{word}', read as {kind.replace('_', ' ')}", name_quote
            ),
        )
    if role_quote is not None:
        entity.state("role", "processor", stated("role", role_quote, confidence=0.8))
    return context.draft.add(entity)


def by_alias(context: Context, words: str) -> Entity | None:
    """A recipient already drafted that these words name (its name or abbreviation)."""
    wanted = slug(clean_name(words))
    bare = re.sub(r"^(the|our)\s+", "", words.strip(), flags=re.I)
    for existing in context.draft.entities(TYPE):
        if slug(existing.name) == wanted or abbreviation(existing.name) == bare:
            return existing
    return None


def _processor_quote(block: Block) -> Quote:
    for sentence in sentences(block):
        if _PROCESSOR.search(sentence.text):
            return sentence
    return block.quote


def _processor_quote_of(sentence: Quote) -> Quote | None:
    return sentence if _PROCESSOR.search(sentence.text) else None
