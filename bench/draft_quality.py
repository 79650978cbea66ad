"""How much of a hand-made register folder a draft of its notice recovers.

    .venv/bin/python bench/draft_quality.py [--seed seed_data] [--controller SLUG] [-v]

Drafts ``<seed>/<controller>/notice.txt`` with ``app.drafting`` and compares
the written folder with the hand-made one, type by type:

- entities are matched one to one by name: both names are reduced to their
  content words (lowercase, singular, no articles or prepositions) and a
  pair matches when the shared words are at least half of the longer name's,
  or when one name's words (two or more) are all in the other (a name
  trimmed to its noun phrase); the best-scoring pairs are taken first;
- legislation is matched by its legislation.gov.uk identifier where both
  have one, otherwise by name;
- sharing arrangements are matched one to one by recipient (through the
  recipients' matching).

Recall = matched / hand-made entries; precision = matched / drafted entries.
Every notice quote of the draft is also checked to occur in the notice, and
every offset of draft-review.yaml to point at its quote.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.drafting.pipeline import draft_file  # noqa: E402
from app.drafting.writer import REVIEW_FILE, write  # noqa: E402

TARGETS = {
    "recipients": 0.95,
    "legislation": 0.95,
    "rights": 0.95,
    "purposes": 0.95,
    "data-categories": 0.90,
    "sharing": 0.90,
}
PRECISION = 0.95
OTHERS = ("services", "data-subjects", "retention-rules", "data-collections")
"""Measured too, with no target."""
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "for",
        "and",
        "or",
        "to",
        "our",
        "their",
        "your",
        "its",
        "in",
        "on",
        "with",
        "by",
        "about",
        "from",
        "at",
        "as",
        "s",
        "information",
        "details",
        "whether",
    ]
)


def _stem(word: str) -> str:
    if word.endswith("sses") or word.endswith("ies"):
        return word[:-2] if word.endswith("sses") else word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def words(name: str) -> frozenset[str]:
    text = name.lower().replace("’", "").replace("'", "")
    return frozenset(_stem(w) for w in re.findall(r"[a-z0-9]+", text) if w not in _STOP)


def score(a: str, b: str) -> float:
    """Shared words over the longer name's; a name whose every word the other
    has (one trimmed to its noun phrase) scores 0.5 when it has two or more."""
    left, right = words(a), words(b)
    if not left or not right:
        return 0.0
    shared = len(left & right)
    overlap = shared / max(len(left), len(right))
    if overlap < 0.5 and shared == min(len(left), len(right)) and shared >= 2:
        return 0.5
    return overlap


def match(
    hand: list[dict[str, Any]], draft: list[dict[str, Any]], key: Any = None
) -> dict[str, str]:
    """hand slug -> draft slug, one to one, best pairs first."""
    pairs = []
    for h in hand:
        for d in draft:
            if key is not None:
                same = key(h, d)
                if same is not None:
                    pairs.append((1.0 if same else 0.0, h["slug"], d["slug"]))
                    continue
            pairs.append((score(h["name"], d["name"]), h["slug"], d["slug"]))
    pairs.sort(key=lambda p: -p[0])
    taken_h: set[str] = set()
    taken_d: set[str] = set()
    result = {}
    for value, h_slug, d_slug in pairs:
        if value < 0.5 or h_slug in taken_h or d_slug in taken_d:
            continue
        taken_h.add(h_slug)
        taken_d.add(d_slug)
        result[h_slug] = d_slug
    return result


def _by_id(h: dict[str, Any], d: dict[str, Any]) -> bool | None:
    if h.get("legislation_gov_uk_id") and d.get("legislation_gov_uk_id"):
        return bool(h["legislation_gov_uk_id"] == d["legislation_gov_uk_id"])
    return None


def match_sharing(
    hand: list[dict[str, Any]], draft: list[dict[str, Any]], recipients: dict[str, str]
) -> dict[str, str]:
    result: dict[str, str] = {}
    taken: set[str] = set()
    for h in hand:
        wanted = recipients.get(h["recipient"])
        for d in draft:
            if d["slug"] not in taken and wanted is not None and d["recipient"] == wanted:
                result[h["slug"]] = d["slug"]
                taken.add(d["slug"])
                break
    return result


def load(folder: Path, file: str) -> list[dict[str, Any]]:
    path = folder / f"{file}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
    return list(data or [])


def verbatim(folder: Path, notice: str) -> tuple[int, int]:
    """(quotes checked, quotes not found verbatim) over the draft's notice
    quotes and the review file's offsets."""
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
        quotes = entity["quotes"] + [q for f in entity["facts"] for q in f["quotes"]]
        for quote in quotes:
            checked += 1
            bad += notice[quote["start"] : quote["end"]] != quote["text"]
    return checked, bad


def _unmatched(
    hand: list[dict[str, Any]], drafted: list[dict[str, Any]], matched: dict[str, str]
) -> None:
    found = set(matched.values())
    for entry in hand:
        if entry["slug"] not in matched:
            print(f"    missed: {entry['name']}")
    for entry in drafted:
        if entry["slug"] not in found:
            print(f"    extra:  {entry['name']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=Path, default=ROOT / "seed_data")
    parser.add_argument("--controller", default="cambridgeshire-county-council")
    parser.add_argument("-v", "--verbose", action="store_true", help="list unmatched entries")
    args = parser.parse_args()
    hand_folder = args.seed / args.controller
    notice_path = hand_folder / "notice.txt"
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        draft = draft_file(notice_path, args.controller)
        write(draft, Path(tmp), args.seed / "lawful-bases.yaml")
        took = time.perf_counter() - started
        folder = Path(tmp) / args.controller
        drafted = {file: load(folder, file) for file in (*TARGETS, *OTHERS)}
        checked, bad = verbatim(folder, draft.text)
    hand = {file: load(hand_folder, file) for file in (*TARGETS, *OTHERS)}
    matches = {
        "recipients": match(hand["recipients"], drafted["recipients"]),
        "legislation": match(hand["legislation"], drafted["legislation"], _by_id),
        "rights": match(hand["rights"], drafted["rights"]),
        "purposes": match(hand["purposes"], drafted["purposes"]),
        "data-categories": match(hand["data-categories"], drafted["data-categories"]),
    }
    matches["sharing"] = match_sharing(hand["sharing"], drafted["sharing"], matches["recipients"])
    for file in OTHERS:
        matches[file] = match(hand[file], drafted[file])
    print(f"draft of {notice_path} in {took:.2f}s")
    print(
        f"{'type':<16} {'hand':>5} {'draft':>5} {'match':>5} {'recall':>7} {'precision':>9}  target"
    )
    failed = False
    for file, target in TARGETS.items():
        n_hand, n_draft, n_match = len(hand[file]), len(drafted[file]), len(matches[file])
        recall = n_match / n_hand if n_hand else 1.0
        precision = n_match / n_draft if n_draft else 1.0
        ok = recall >= target and precision >= PRECISION
        failed |= not ok
        print(
            f"{file:<16} {n_hand:>5} {n_draft:>5} {n_match:>5} {recall:>7.1%} {precision:>9.1%}  "
            f"recall >= {target:.0%}, precision >= {PRECISION:.0%}: {'met' if ok else 'NOT MET'}"
        )
        if args.verbose:
            _unmatched(hand[file], drafted[file], matches[file])
    for file in OTHERS:
        n_hand, n_draft, n_match = len(hand[file]), len(drafted[file]), len(matches[file])
        recall = n_match / n_hand if n_hand else 1.0
        precision = n_match / n_draft if n_draft else 1.0
        print(
            f"{file:<16} {n_hand:>5} {n_draft:>5} {n_match:>5} {recall:>7.1%} {precision:>9.1%}  "
            "(no target)"
        )
        if args.verbose:
            _unmatched(hand[file], drafted[file], matches[file])
    print(f"quotes verbatim: {checked - bad} of {checked}")
    return 1 if failed or bad else 0


if __name__ == "__main__":
    sys.exit(main())
