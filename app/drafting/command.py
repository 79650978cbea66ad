"""``sharing-register draft``: a register folder drafted from a notice."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from app.config import Settings
from app.drafting.pipeline import draft_file
from app.drafting.report import write_report
from app.drafting.sources import NoticeError
from app.drafting.writer import LAWFUL_BASES_FILE, write
from app.register.schemas import SLUG_PATTERN


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "draft", help="draft a register folder (seed_data/ format) from a privacy notice"
    )
    parser.add_argument("notice", type=Path, help="the notice: .txt, .md, .html or .pdf")
    parser.add_argument("--controller", required=True, help="the controller's slug")
    parser.add_argument("--name", help="the controller's name (default: read from the notice)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (SEED_DIR form)")
    parser.add_argument("--report", type=Path, help="also write an HTML review report here")


def cmd_draft(settings: Settings, args: argparse.Namespace) -> int:
    if not re.fullmatch(SLUG_PATTERN, args.controller):
        print("error: --controller must be a slug (lowercase words joined by '-')", file=sys.stderr)
        return 2
    lawful = settings.seed_dir / LAWFUL_BASES_FILE
    if not lawful.is_file():
        print(f"error: {lawful} not found (SEED_DIR holds the lawful bases)", file=sys.stderr)
        return 2
    started = time.perf_counter()
    try:
        draft = draft_file(args.notice, args.controller, args.name, show_progress=True)
    except NoticeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        counts = write(draft, args.out, lawful)
        if args.report:
            write_report(draft, args.out / args.controller, args.report)
    except (OSError, ValueError) as exc:
        print(f"error: the draft could not be written: {exc}", file=sys.stderr)
        return 2
    took = time.perf_counter() - started
    listed = ", ".join(f"{n} {file}" for file, n in counts.items() if n)
    print(f"drafted {args.out / args.controller} in {took:.1f}s: {listed}")
    print(
        "every fact is pending review: see draft-review.yaml"
        + (f" and {args.report}" if args.report else "")
    )
    return 0
