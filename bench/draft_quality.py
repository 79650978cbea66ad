"""How much of a hand-made register a draft of its notice recovers.

    .venv/bin/python bench/draft_quality.py [--seed seed_data] [--controller SLUG] [-v]
    .venv/bin/python bench/draft_quality.py --notices [-v]

The first form drafts ``<seed>/<controller>/notice.txt`` and compares the
written folder with the hand-made one, type by type, against the targets of
the drafting brief. ``--notices`` drafts every test notice of
``tests/fixtures/notices`` and compares each with what a reader records of it
(``expected.yaml``). Matching rules: ``app/drafting/quality.py``. Every notice
quote of a draft is also checked to occur in the notice, and every offset of
its review file to point at its quote.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.drafting.pipeline import draft_file  # noqa: E402
from app.drafting.quality import Figures, compare_folders, compare_names, verbatim  # noqa: E402
from app.drafting.writer import write  # noqa: E402

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
NOTICES = ROOT / "tests" / "fixtures" / "notices"


def _row(found: Figures, note: str, verbose: bool) -> None:
    print(
        f"{found.file:<16} {found.recorded:>5} {found.drafted:>5} {found.matched:>5} "
        f"{found.recall:>7.1%} {found.precision:>9.1%}  {note}"
    )
    if verbose:
        for name in found.missed:
            print(f"    missed: {name}")
        for name in found.extra:
            print(f"    extra:  {name}")


def _header() -> None:
    print(f"{'type':<16} {'hand':>5} {'draft':>5} {'match':>5} {'recall':>7} {'precision':>9}")


def seed(folder: Path, lawful: Path, controller: str, verbose: bool) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        draft = draft_file(folder / "notice.txt", controller)
        write(draft, Path(tmp), lawful)
        took = time.perf_counter() - started
        drafted = Path(tmp) / controller
        found = compare_folders(folder, drafted, [*TARGETS, *OTHERS])
        checked, bad = verbatim(drafted, draft.text)
    print(f"draft of {folder / 'notice.txt'} in {took:.2f}s")
    _header()
    met = True
    for figures in found:
        target = TARGETS.get(figures.file)
        if target is None:
            _row(figures, "(no target)", verbose)
            continue
        ok = figures.recall >= target and figures.precision >= PRECISION
        met &= ok
        note = f"recall >= {target:.0%}, precision >= {PRECISION:.0%}: "
        _row(figures, note + ("met" if ok else "NOT MET"), verbose)
    print(f"quotes verbatim: {checked - bad} of {checked}")
    return met and not bad


def notices(lawful: Path, verbose: bool) -> bool:
    record = yaml.safe_load((NOTICES / "expected.yaml").read_text(encoding="utf-8"))
    totals: dict[str, list[int]] = {}
    all_verbatim = True
    for name, expected in record.items():
        with tempfile.TemporaryDirectory() as tmp:
            draft = draft_file(NOTICES / name, "notice")
            write(draft, Path(tmp), lawful)
            found = compare_names(expected, Path(tmp) / "notice")
            checked, bad = verbatim(Path(tmp) / "notice", draft.text)
            all_verbatim &= not bad
        print(f"\n{name} (quotes verbatim: {checked - bad} of {checked})")
        _header()
        for figures in found:
            _row(figures, "", verbose)
            total = totals.setdefault(figures.file, [0, 0, 0])
            total[0] += figures.recorded
            total[1] += figures.drafted
            total[2] += figures.matched
    print("\nall test notices")
    _header()
    for file, (recorded, drafted, matched) in totals.items():
        _row(Figures(file, recorded, drafted, matched, (), ()), "", False)
    return all_verbatim


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=Path, default=ROOT / "seed_data")
    parser.add_argument("--controller", default="cambridgeshire-county-council")
    parser.add_argument("--notices", action="store_true", help="the test notices instead")
    parser.add_argument("-v", "--verbose", action="store_true", help="list unmatched entries")
    args = parser.parse_args()
    lawful = args.seed / "lawful-bases.yaml"
    if args.notices:
        return 0 if notices(lawful, args.verbose) else 1
    return 0 if seed(args.seed / args.controller, lawful, args.controller, args.verbose) else 1


if __name__ == "__main__":
    sys.exit(main())
