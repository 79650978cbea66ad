"""``migrate`` and ``seed``: the schema brought up to date, the seed loaded."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import func, select

from app.cli.sessions import session_factory
from app.config import Settings
from app.db import session_scope
from app.interchange.loading import LoadError
from app.interchange.progress import on_terminal
from app.interchange.seed import load_seed
from app.migrate import upgrade
from app.register.models import Controller


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    upgrade(settings.database_url)
    print("database at the latest schema")
    return 0


def seed(settings: Settings, *, only_if_empty: bool) -> int:
    factory = session_factory(settings)
    try:
        with session_scope(factory) as session, on_terminal("seed") as progress:
            if only_if_empty and session.scalar(select(func.count()).select_from(Controller)):
                print("register already holds data: seed not loaded")
                return 0
            summary = load_seed(session, settings.seed_dir, progress=progress)
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
