"""Official identifiers of legislation, and finding citations in prose.

Every entry comes from an official reference: the legislation.gov.uk paths
read from legislation.gov.uk pages (listed in the project's shared reference
``legislation.md``, from The National Archives), and the W3C DPV 2.3 UK legal
vocabulary (``dpv-2.3/legal-gb.csv``) for the data protection laws. A
citation the gazetteer does not hold is kept as text, with no identifier:
an identifier is never made up. Provision paths follow legislation.gov.uk's
pattern (``/section/N`` of an Act, ``/regulation/N`` of regulations,
``/part/N``), stated in the same reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LEGISLATION_SOURCE = "legislation.md"
PATTERN_QUOTE = "with `/section/N`, `/part/N` or `/regulation/N` appended for a provision"


@dataclass(frozen=True)
class Work:
    title: str
    path: str
    year: int
    kind: str  # act | regulations
    source: str
    quote: str  # the reference's words the entry rests on


def _work(title: str, path: str, kind: str = "act", source: str = LEGISLATION_SOURCE) -> Work:
    year = int(re.search(r"\d{4}", path).group())  # type: ignore[union-attr]
    return Work(title, path, year, kind, source, path)


WORKS: tuple[Work, ...] = (
    _work("Education Act 1996", "ukpga/1996/56"),
    _work("Education Act 2002", "ukpga/2002/32"),
    _work("Education and Inspections Act 2006", "ukpga/2006/40"),
    _work("Childcare Act 2006", "ukpga/2006/21"),
    _work("School Standards and Framework Act 1998", "ukpga/1998/31"),
    _work("Teaching and Higher Education Act 1998", "ukpga/1998/30"),
    _work("Education and Skills Act 2008", "ukpga/2008/25"),
    _work(
        "The School Governance (Constitution) (England) Regulations 2012",
        "uksi/2012/1034",
        "regulations",
    ),
    _work("Welfare Reform and Work Act 2016", "ukpga/2016/7"),
    _work("Health and Social Care Act 2012", "ukpga/2012/7"),
    _work(
        "The Education (Information About Individual Pupils) (England) Regulations 2013",
        "uksi/2013/2094",
        "regulations",
    ),
    _work(
        "The Education (Information About Children in Alternative Provision) (England) "
        "Regulations 2007",
        "uksi/2007/1065",
        "regulations",
    ),
    _work("Children Act 1989", "ukpga/1989/41"),
    _work("Children Act 2004", "ukpga/2004/31"),
    _work("Data Protection Act 2018", "ukpga/2018/12"),
)

GDPR = Work("UK GDPR", "eur/2016/679", 2016, "regulations", LEGISLATION_SOURCE, "eur/2016/679")
"""The UK GDPR: cited by name, with no year ("UK GDPR", "General Data
Protection Regulation"); legislation.gov.uk keeps it as retained EU law."""
GDPR_NAMES = re.compile(
    r"\b(?:the )?(?:UK |United Kingdom )?(?:General Data Protection Regulation|GDPR)\b"
    r"(?: \(GDPR\))?"
)

ALIASES: dict[str, str] = {
    # The name without its opening words, as notices often cite regulations.
    "information about children in alternative provision england regulations 2007": (
        "The Education (Information About Children in Alternative Provision) (England) "
        "Regulations 2007"
    ),
}


def normal(title: str) -> str:
    """A title for lookup: lowercase words, no article, brackets or apostrophes."""
    text = title.lower().replace("’", "").replace("'", "")
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


_INDEX: dict[str, Work] = {normal(w.title): w for w in WORKS}
_INDEX.update({normal(k): _INDEX[normal(v)] for k, v in ALIASES.items()})


def lookup(title: str) -> Work | None:
    return _INDEX.get(normal(title))


PATTERN_UNITS = frozenset({"section", "part", "regulation"})
"""The provisions whose path pattern the reference states."""


def provision_path(work: Work, unit: str, number: str) -> str | None:
    """legislation.gov.uk path of a provision: a "section" of regulations is
    their regulation (``uksi`` works have regulations, not sections); none
    for a kind of provision the reference gives no pattern for."""
    unit = unit.lower().rstrip("s")
    if unit == "section" and work.kind == "regulations":
        unit = "regulation"
    if unit not in PATTERN_UNITS:
        return None
    return f"{work.path}/{unit}/{number}"


# --- finding citations ------------------------------------------------------------

_CONNECTORS = frozenset({"and", "of", "for", "the", "about", "in", "on", "to", "with", "&"})
_TITLE_END = re.compile(r"\b(Act|Regulations|Order|Rules|Measure)\s+(\d{4})\b")
_TOKEN = re.compile(r"\([^()]*\)|[\w’'.-]+")
_STOP_WORDS = frozenset(
    {"under", "by", "see", "in", "of", "the", "and", "as", "per", "within", "section", "part"}
)


@dataclass(frozen=True)
class Citation:
    start: int
    end: int
    title: str
    year: int
    kind: str  # act | regulations


def citations(text: str) -> list[Citation]:
    """Every "<Title> Act|Regulations|Order YYYY" in the text: the longest
    run of title words, or the shortest tail of it the gazetteer knows."""
    found = []
    for match in _TITLE_END.finditer(text):
        starts = _title_starts(text, match.start())
        if not starts:
            continue
        start = next((s for s in starts if lookup(text[s : match.end()])), starts[0])
        kind = "act" if match.group(1) == "Act" else "regulations"
        title = text[start : match.end()]
        found.append(Citation(start, match.end(), title, int(match.group(2)), kind))
    return found


def _title_starts(text: str, end: int) -> list[int]:
    """Where the title may start, longest first: walking back over
    capitalised words, bracketed groups and the connectors between them."""
    base = max(0, end - 250)
    tokens = list(_TOKEN.finditer(text[base:end]))
    starts: list[int] = []
    position = end
    for token in reversed(tokens):
        if text[base + token.end() : position].strip():
            break
        word = token.group()
        position = base + token.start()
        if word == "The":
            starts.append(position)
            break
        if word[0] == "(" or word[:1].isupper() or word[:1].isdigit():
            if word.lower() in _STOP_WORDS:
                break
            starts.append(position)
        elif word.lower() not in _CONNECTORS or word.lower() == "the":
            break
    return sorted(starts)
