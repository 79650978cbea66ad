"""Lawful bases: UK GDPR Article 6(1) and Article 9(2) conditions named in
words ("public task", "legal obligation") or numbers ("6(1)(e)")."""

from __future__ import annotations

import re

from app.drafting.model import Quote

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
