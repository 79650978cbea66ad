"""What rendering each export of the seed register costs, in CPU milliseconds.

Each export (JSON-LD, TILT, the ICO record as CSV and as XLSX) is rendered
from one snapshot of the seed register, in-process, with no HTTP and no
cache: the work a request pays when the register changed since the export
was last asked for. With ``--trees`` several source trees (a worktree of an
earlier commit, this one) are measured in the same run, in rounds that
alternate between them, each in a fresh process, and the ratios printed
against the first tree.

    .venv/bin/python bench/exports.py
    .venv/bin/python bench/exports.py --trees /path/to/worktree-of-before . --rounds 3
"""

# ruff: noqa: E402
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py is named like the standard library's ``http``: run as a script,
# this folder must not shadow it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import gc
import json
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("jsonld", "tilt", "csv", "xlsx")


def renderers(export: Any) -> dict[str, Callable[[], bytes]]:
    """Each format's rendering of ``export``, through the tree's own functions."""
    import orjson

    from app.exports.ico.csv_file import render_csv
    from app.exports.ico.workbook import render_xlsx
    from app.exports.jsonld.document import build as jsonld
    from app.exports.tilt.document import build as tilt

    return {
        "jsonld": lambda: orjson.dumps(jsonld(export, "http://127.0.0.1:8000/")),
        "tilt": lambda: orjson.dumps(tilt(export)),
        "csv": lambda: render_csv(export),
        "xlsx": lambda: render_xlsx(export),
    }


def measure(tree: Path, renders: int) -> dict[str, dict[str, float]]:
    """CPU milliseconds per render (median of ``renders``) and bytes, per format,
    with the code of ``tree``."""
    sys.path.insert(0, str(tree))
    from sqlalchemy import select

    from app.db import make_engine, make_sessionmaker, session_scope
    from app.exports.common import Export
    from app.history.past import load_snapshot
    from app.interchange.seed import load_seed
    from app.migrate import upgrade
    from app.register import models as m

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/register.db"
        upgrade(url)
        engine = make_engine(url)
        factory = make_sessionmaker(engine)
        with session_scope(factory) as session:
            load_seed(session, tree / "seed_data")
        with factory() as session:
            slug = session.scalars(select(m.Controller.slug)).first()
            export = Export(load_snapshot(session, slug))
        engine.dispose()
    results: dict[str, dict[str, float]] = {}
    gc.collect()
    gc.freeze()  # as the server does once started
    for name, render in renderers(export).items():
        size = len(render())  # warm: imports, caches
        times = []
        for _ in range(renders):
            started = time.process_time()
            render()
            times.append((time.process_time() - started) * 1000)
        results[name] = {"ms": statistics.median(times), "bytes": size}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trees", nargs="+", type=Path, default=[ROOT])
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure.resolve(), args.renders)))
        return 0
    trees = [tree.resolve() for tree in args.trees]
    runs: dict[Path, list[dict[str, dict[str, float]]]] = {tree: [] for tree in trees}
    for round_ in range(args.rounds):
        order = trees if round_ % 2 == 0 else trees[::-1]
        for tree in order:
            command = [sys.executable, __file__, "--measure", str(tree)]
            command += ["--renders", str(args.renders)]
            found = subprocess.run(command, check=True, capture_output=True, text=True)
            runs[tree].append(json.loads(found.stdout.splitlines()[-1]))
    print("CPU ms per render (median of the rounds' medians), bytes")
    first = trees[0]
    for name in FORMATS:
        cells = []
        for tree in trees:
            ms = statistics.median(run[name]["ms"] for run in runs[tree])
            base = statistics.median(run[name]["ms"] for run in runs[first])
            ratio = f" ({base / ms:.2f}x)" if tree != first else ""
            cells.append(
                f"{tree.name}: {ms:6.2f} ms{ratio}, {int(runs[tree][0][name]['bytes']):,} B"
            )
        print(f"  {name:7} " + " | ".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main())
