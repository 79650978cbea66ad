"""Lawful bases: UK GDPR Article 6(1) and Article 9(2) conditions named in
words ("public task", "legal obligation") or numbers ("6(1)(e)")."""

from __future__ import annotations

import re

from app.drafting.categories import SPECIAL, special
from app.drafting.context import Context
from app.drafting.model import Entity, Quote, inferred
from app.drafting.segment import Block
from app.drafting.topics import Topic

_NUMBERED = re.compile(
    r"\b(?:Article|Art\.?)?\s*(?P<article>6|9)\s*\(\s*(?P<para>[12])\s*\)\s*\(\s*(?P<point>[a-j])\s*\)",
    re.I,
)
_WORDED: tuple[tuple[str, str], ...] = (
    (
        r"\bpublic task\b|\bpublic interest or in the exercise of official authority\b"
        r"|\bofficial authority\b",
        "article-6-1-e",
    ),
    (
        r"\blegal obligation\b|\bstatutory (?:basis|duty|duties|obligation)\b"
        r"|\b(?:required|obliged) (?:to do this )?by law\b|\blaw requires\b",
        "article-6-1-c",
    ),
    (r"\bvital interests?\b", "article-6-1-d"),
    (r"\blegitimate interests?\b", "article-6-1-f"),
    (r"\bperformance of a contract\b|\bcontractual\b", "article-6-1-b"),
    (r"\bsubstantial public interest\b", "article-9-2-g"),
    (r"\bexplicit consent\b", "article-9-2-a"),
    (r"\bemployment,? social security\b", "article-9-2-b"),
    (r"\bpublic health\b.*\b(?:interest|condition|basis)\b", "article-9-2-i"),
)
INFERRED_FROM_WORDS = frozenset({"article-6-1-c"})
"""Bases read from words about a duty in law rather than named as a basis."""


def bases_in(quote: Quote) -> list[tuple[str, bool]]:
    """(lawful-basis slug, named outright) for every basis the words give."""
    found: dict[str, bool] = {}
    for match in _NUMBERED.finditer(quote.text):
        found[
            f"article-{match.group('article')}-{match.group('para')}-{match.group('point').lower()}"
        ] = True
    for pattern, slug in _WORDED:
        if slug not in found and (worded := re.search(pattern, quote.text, re.I)):
            named = not re.match(r"statutory|required|obliged|law requires", worded.group(), re.I)
            found[slug] = named
    return list(found.items())


_GENERAL = re.compile(
    r"\b(?:lawful|legal) bas[ie]s\b|\bbasis for (?:processing|sharing|using)\b", re.I
)
GENERAL_REASONING = (
    "the notice states this basis for the processing it describes as a whole, not for this "
    "arrangement alone"
)


def general(context: Context) -> None:
    """Bases stated for the processing as a whole (a section on the lawful
    basis, or such a sentence): Article 6 bases given to arrangements that
    state none (within the section, where it is about sharing); Article 9
    conditions to special category data with none."""
    stated_own = {a.slug for a in context.draft.entities("sharing") if a.fields.get("lawful_bases")}
    for block, sentence in context.sentences():
        heading = block.heading.text if block.heading else ""
        if not (_GENERAL.search(sentence.text) or _GENERAL.search(heading)):
            continue
        found = bases_in(sentence)
        if not found:
            continue
        section_only = context.topics.get(block.index) is Topic.RECIPIENTS
        for arrangement in context.draft.entities("sharing"):
            if arrangement.slug in stated_own:
                continue  # its own words state its basis
            if section_only and not _in_section(context, arrangement, block):
                continue
            for slug, _named in found:
                if slug.startswith("article-6"):
                    _give(arrangement, "lawful_bases", slug, sentence)
        condition = next((slug for slug, _ in found if slug.startswith("article-9")), None)
        named = {kind for pattern, kind in SPECIAL if re.search(pattern, sentence.text, re.I)}
        if condition:
            for category in context.draft.entities("data-categories"):
                if named and special(category.name) not in named:
                    continue  # the sentence names the data the condition is for
                if category.fields.get("special_category") and not category.fields.get(
                    "article9_condition"
                ):
                    category.state(
                        "article9_condition",
                        condition,
                        inferred("article9_condition", GENERAL_REASONING, sentence, confidence=0.5),
                    )
                    category.add_quote(sentence)


def _in_section(context: Context, arrangement: Entity, block: Block) -> bool:
    starts = {q.start for q in arrangement.quotes}
    return any(other.heading is block.heading and other.start in starts for other in context.blocks)


def _give(entity: Entity, field: str, slug: str, sentence: Quote) -> None:
    values = entity.fields.setdefault(field, [])
    if slug not in values:
        values.append(slug)
        entity.facts[f"{field}/{slug}"] = inferred(
            f"{field}/{slug}", GENERAL_REASONING, sentence, confidence=0.5
        )
        entity.add_quote(sentence)
