"""How much of a reader's record of a notice a draft recovers.

Entries are matched one to one by name: both names are reduced to their
content words (lowercase, singular, no articles, prepositions or filler such
as "information"), and a pair matches when the shared words are at least half
of the longer name's, or when one name's words (two or more) are all in the
other (a name trimmed to its noun phrase); the best-scoring pairs are taken
first. Legislation is matched by its legislation.gov.uk identifier where both
sides have one; sharing arrangements by their recipient, through the
recipients' matching. Recall = matched / recorded; precision = matched /
drafted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.drafting.writer import REVIEW_FILE

Entry = dict[str, Any]
_STOP = frozenset(
    re.split(
        r"\s+",
        "the a an of for and or to our their your its in on with by about from at as s "
        "information details whether",
    )
)


@dataclass(frozen=True)
class Figures:
    file: str
    recorded: int
    drafted: int
    matched: int
    missed: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def recall(self) -> float:
        return self.matched / self.recorded if self.recorded else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.drafted if self.drafted else 1.0


def _stem(word: str) -> str:
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def words(name: str) -> frozenset[str]:
    text = name.lower().replace("’", "").replace("'", "")
    return frozenset(_stem(w) for w in re.findall(r"[a-z0-9]+", text) if w not in _STOP)


def score(a: str, b: str) -> float:
    left, right = words(a), words(b)
    if not left or not right:
        return 0.0
    shared = len(left & right)
    overlap = shared / max(len(left), len(right))
    if overlap < 0.5 and shared == min(len(left), len(right)) and shared >= 2:
        return 0.5
    return overlap


def _by_id(recorded: Entry, drafted: Entry) -> bool | None:
    if recorded.get("legislation_gov_uk_id") and drafted.get("legislation_gov_uk_id"):
        return bool(recorded["legislation_gov_uk_id"] == drafted["legislation_gov_uk_id"])
    return None


def match(
    recorded: list[Entry],
    drafted: list[Entry],
    same: Callable[[Entry, Entry], bool | None] | None = None,
) -> dict[str, str]:
    """Recorded slug -> drafted slug, one to one, best pairs first."""
    pairs = []
    for r in recorded:
        for d in drafted:
            decided = same(r, d) if same else None
            value = (
                (1.0 if decided else 0.0) if decided is not None else score(r["name"], d["name"])
            )
            pairs.append((value, r["slug"], d["slug"]))
    pairs.sort(key=lambda p: -p[0])
    taken: set[str] = set()
    result: dict[str, str] = {}
    for value, r_slug, d_slug in pairs:
        if value >= 0.5 and r_slug not in result and d_slug not in taken:
            result[r_slug] = d_slug
            taken.add(d_slug)
    return result


def match_sharing(
    recorded: list[Entry], drafted: list[Entry], recipients: dict[str, str]
) -> dict[str, str]:
    result: dict[str, str] = {}
    taken: set[str] = set()
    for r in recorded:
        wanted = recipients.get(r["recipient"])
        for d in drafted:
            if wanted is not None and d["slug"] not in taken and d["recipient"] == wanted:
                result[r["slug"]] = d["slug"]
                taken.add(d["slug"])
                break
    return result


def figures(
    file: str, recorded: list[Entry], drafted: list[Entry], matched: dict[str, str]
) -> Figures:
    found = set(matched.values())
    return Figures(
        file,
        len(recorded),
        len(drafted),
        len(matched),
        tuple(r["name"] for r in recorded if r["slug"] not in matched),
        tuple(d["name"] for d in drafted if d["slug"] not in found),
    )


def load(folder: Path, file: str) -> list[Entry]:
    path = folder / f"{file}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return list(data or [])


def compare_folders(recorded: Path, drafted: Path, files: Iterable[str]) -> list[Figures]:
    """A drafted folder against a hand-made one, file by file."""
    files = list(files)
    ours = {f: load(recorded, f) for f in {*files, "recipients"}}
    theirs = {f: load(drafted, f) for f in {*files, "recipients"}}
    recipients = match(ours["recipients"], theirs["recipients"])
    result = []
    for file in files:
        if file == "sharing":
            matched = match_sharing(ours[file], theirs[file], recipients)
        else:
            matched = match(ours[file], theirs[file], _by_id if file == "legislation" else None)
        result.append(figures(file, ours[file], theirs[file], matched))
    return result


def compare_names(record: dict[str, list[str]], drafted: Path) -> list[Figures]:
    """A drafted folder against a reader's record of names, file by file."""
    result = []
    for file, names in record.items():
        ours = [{"slug": str(n), "name": name} for n, name in enumerate(names)]
        theirs = load(drafted, file)
        result.append(figures(file, ours, theirs, match(ours, theirs)))
    return result


def verbatim(folder: Path, notice: str) -> tuple[int, int]:
    """(quotes checked, quotes not verbatim): every notice quote of the folder
    occurs in the notice; every offset of the review file points at its quote."""
    flat = re.sub(r"\s+", " ", notice)
    checked = bad = 0
    for path in folder.glob("*.yaml"):
        if path.name == REVIEW_FILE:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for entry in data if isinstance(data, list) else [data]:
            for source in entry.get("sources", []):
                if source["kind"] == "notice":
                    checked += 1
                    bad += re.sub(r"\s+", " ", source["quote"]) not in flat
    review = yaml.safe_load((folder / REVIEW_FILE).read_text(encoding="utf-8"))
    for entity in review["entities"]:
        for quote in entity["quotes"] + [q for f in entity["facts"] for q in f["quotes"]]:
            checked += 1
            bad += notice[quote["start"] : quote["end"]] != quote["text"]
    return checked, bad
