"""The ``import`` and ``audit`` subcommands of ``sharing-register``.

``audit`` exits 1 when a rule of severity "error" fails, so that a council
can run it in its own CI; 2 when the register cannot be read at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import orjson

from app.completeness import report
from app.config import Settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.errors import ProblemError
from app.exports.common import Export
from app.history.moments import parse_moment
from app.history.past import load_snapshot
from app.interchange import importing
from app.interchange.loading import LoadError
from app.interchange.progress import on_terminal
from app.trail.chain import Actor, begin_write


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importer = commands.add_parser(
        "import", help="load a register document (as GET /api/v1/register serves it)"
    )
    importer.add_argument("file", help="the JSON document; - reads standard input")
    audit = commands.add_parser(
        "audit", help="check the register's completeness; exit 1 when an error-rule fails"
    )
    audit.add_argument(
        "check",
        nargs="?",
        choices=["verify"],
        help="'verify': recompute the audit trail's hash chain instead",
    )
    audit.add_argument("--controller", help="controller slug (needed when there are several)")
    audit.add_argument("--as-of", help="audit the register as it was at this ISO 8601 time")
    audit.add_argument("--version", dest="published", help="audit a published version (slug)")
    audit.add_argument("--json", action="store_true", help="print the API's JSON instead")
    audit.add_argument(
        "--checkpoint", help="with verify: prove the log extends this saved checkpoint (JSON)"
    )


def cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    name = "standard input" if args.file == "-" else args.file
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        print(f"cannot read {name}: {exc.strerror}", file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url, pool_size=1, max_overflow=0)
    actor = Actor(type="system", name=f"sharing-register import {Path(name).name}")
    try:
        with (
            session_scope(make_sessionmaker(engine)) as session,
            on_terminal(f"import {Path(name).name}") as progress,
        ):
            begin_write(session)
            document = importing.parse_document(raw)
            result = importing.import_document(session, document, actor=actor, progress=progress)
    except LoadError as exc:
        print(f"{name}: not imported: {exc.detail}", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(
        f"imported {name} into {result.controller}: {result.created} created, "
        f"{result.updated} updated, {result.deleted} deleted; digest {result.digest}"
    )
    return 0


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    engine = make_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        with make_sessionmaker(engine)() as session:
            as_of = parse_moment(args.as_of, "as_of") if args.as_of else None
            snapshot = load_snapshot(session, args.controller, as_of=as_of, version=args.published)
    except ProblemError as exc:
        print(f"cannot audit: {exc.detail}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    result = report.run(Export(snapshot))
    if args.json:
        sys.stdout.write(orjson.dumps(result.as_dict(), option=orjson.OPT_INDENT_2).decode())
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report.as_table(result))
    return 0 if result.passed else 1
