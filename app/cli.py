"""The ``sharing-register`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sqlalchemy import func, select

from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.migrate import upgrade
from app.register.loading import LoadError
from app.register.models import Controller
from app.register.seed import load_seed


def _session_factory(settings: Settings):  # type: ignore[no-untyped-def]
    return make_sessionmaker(make_engine(settings.database_url, pool_size=1, max_overflow=0))


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    upgrade(settings.database_url)
    print("database at the latest schema")
    return 0


def seed(settings: Settings, *, only_if_empty: bool) -> int:
    factory = _session_factory(settings)
    try:
        for session in session_scope(factory):
            if only_if_empty and session.scalar(select(func.count()).select_from(Controller)):
                print("register already holds data: seed not loaded")
                return 0
            summary = load_seed(session, settings.seed_dir)
    except LoadError as exc:
        print(f"seed not loaded: {exc.detail}", file=sys.stderr)
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return 1
    print(
        f"seed loaded from {settings.seed_dir}: {summary.created} created, "
        f"{summary.updated} updated, {summary.deleted} deleted"
    )
    return 0


def cmd_seed(settings: Settings, args: argparse.Namespace) -> int:
    return seed(settings, only_if_empty=args.if_empty)


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    upgrade(settings.database_url)
    if not args.no_seed and seed(settings, only_if_empty=True) != 0:
        return 1
    uvicorn.run(
        "app.main:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
        proxy_headers=True,
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sharing-register", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("migrate", help="bring the database schema to the latest version")

    seed_parser = commands.add_parser("seed", help="load seed_data/ (idempotent)")
    seed_parser.add_argument(
        "--if-empty", action="store_true", help="only when the register holds no controller yet"
    )

    serve = commands.add_parser("serve", help="migrate, seed an empty database, serve")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--no-seed", action="store_true")
    serve.add_argument("--access-log", action="store_true")
    return parser


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "migrate": cmd_migrate,
    "seed": cmd_seed,
    "serve": cmd_serve,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](get_settings(), args)


if __name__ == "__main__":
    sys.exit(main())
