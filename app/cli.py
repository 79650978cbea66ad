"""The ``sharing-register`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker, session_scope
from app.drafting import command as drafting
from app.errors import ProblemError
from app.interchange import exports as interchange
from app.interchange.loading import LoadError
from app.interchange.progress import on_terminal
from app.interchange.seed import load_seed
from app.migrate import upgrade
from app.register.models import Controller

if TYPE_CHECKING:
    from app.audit.verification import Report


def _session_factory(settings: Settings):  # type: ignore[no-untyped-def]
    from app.trail import log

    factory = make_sessionmaker(make_engine(settings.database_url, pool_size=1, max_overflow=0))
    log.attach(factory, log.LogKeys.from_settings(settings))
    return factory


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    upgrade(settings.database_url)
    print("database at the latest schema")
    return 0


def seed(settings: Settings, *, only_if_empty: bool) -> int:
    factory = _session_factory(settings)
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


def where(host: str, port: int) -> str:
    """The first line ``serve`` prints: where to look."""
    shown = f"[{host}]" if ":" in host else host
    base = f"http://{'127.0.0.1' if host == '0.0.0.0' else shown}:{port}"
    return (
        f"Data Sharing Register: pages {base}/ · API docs {base}/docs · "
        f"the whole register {base}/api/v1/register"
    )


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import logging.config

    import uvicorn

    print(where(args.host, args.port), flush=True)

    from app.observability.logs import logging_config
    from app.observability.metrics import multiprocess_metrics

    log_config = logging_config(settings.log_level, access_log=args.access_log)
    logging.config.dictConfig(log_config)
    upgrade(settings.database_url)
    if not args.no_seed and seed(settings, only_if_empty=True) != 0:
        return 1
    with multiprocess_metrics(args.workers):  # /metrics then sums every worker
        uvicorn.run(
            "app.main:app",
            host=args.host,
            port=args.port,
            workers=args.workers,
            access_log=False,  # JSON access lines come from the app (app.access)
            log_config=log_config,
            proxy_headers=False,  # the app trusts FORWARDED_ALLOW_IPS itself (app.main)
        )
    return 0


def cmd_keys(settings: Settings, args: argparse.Namespace) -> int:
    from app.auth import keys

    factory = _session_factory(settings)
    try:
        with session_scope(factory) as session:
            if args.keys_command == "create":
                new = keys.create_key(
                    session, name=args.name, scopes=args.scope, controller=args.controller
                )
                print(
                    f"created key {new.key.key_id} ({new.key.name}): "
                    f"scopes {', '.join(new.key.scopes)}; shown once, store it now:"
                )
                print(new.secret)
            elif args.keys_command == "revoke":
                key = keys.revoke_key(session, args.key_id)
                print(f"revoked key {key.key_id} ({key.name})")
            else:
                from app.auth.models import ApiKey

                rows = session.execute(
                    select(ApiKey, Controller.slug)
                    .outerjoin(Controller, Controller.id == ApiKey.controller_id)
                    .order_by(ApiKey.id)
                )
                for key, controller in rows:
                    state = "revoked" if key.revoked_at else "active"
                    scope = controller or "all controllers"
                    print(
                        f"{key.key_id}  {state:8} {','.join(key.scopes):28} {scope:32} {key.name}"
                    )
    except ProblemError as exc:
        print(f"error: {exc.detail}", file=sys.stderr)
        return 2
    return 0


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    """``audit``: the completeness report; ``audit verify``: the hash chain."""
    if args.check == "verify":
        return cmd_audit_verify(settings, args)
    return interchange.cmd_audit(settings, args)


def cmd_audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    """The chain and the state, each on a line of its own, and with
    ``--checkpoint`` the log against a saved checkpoint; 1 when any fails."""
    from app.audit.verification import verify_register

    with _session_factory(settings)() as session:
        report = verify_register(session)
        saved = _saved_checkpoint(session, args.checkpoint) if args.checkpoint else 0
    print_report(report)
    return 0 if report.ok and saved == 0 else 1


def print_report(report: Report) -> None:
    """The chain and the state, each on a line of its own (failures on stderr)."""
    chain, state = report.chain, report.state
    if chain.ok:
        print(f"chain: intact, {chain.events} events")
    else:
        print(
            f"chain: BROKEN at event {chain.first_broken_seq}: {chain.reason} "
            f"({chain.events} events verified before it)",
            file=sys.stderr,
        )
    if state.ok:
        count = len(state.controllers)
        noun = "controller" if count == 1 else "controllers"
        print(f"state: matches the trail at event {state.seq}, {count} {noun}")
    else:
        bad = [c.controller for c in state.controllers if not c.ok]
        diff = state.first_difference
        where = (
            f"{diff.entity_type}/{diff.slug} of {diff.controller} {diff.reason}"
            + (f" ({', '.join(diff.fields)})" if diff.fields else "")
            if diff
            else ""
        )
        print(
            f"state: DIFFERS from the trail at event {state.seq} for {', '.join(bad)}; "
            f"first: {where}",
            file=sys.stderr,
        )


def _saved_checkpoint(session: Session, path: str) -> int:
    """Whether today's log extends the checkpoint saved in ``path``: 0 or 1."""
    import json

    from app.trail import log
    from app.trail.verifier import Failure, check

    def fetch(route: str, params: dict[str, object]) -> object:
        return log.serve(session, route, params)

    try:
        with open(path, encoding="utf-8") as handle:
            saved = json.load(handle)
        signed = log.keys_of(session).signing is not None
        check(fetch, saved=saved, signed=signed, say=lambda line: print(f"log: {line}"))
    except (OSError, ValueError, KeyError) as exc:
        print(f"log: cannot read the checkpoint {path}: {exc}", file=sys.stderr)
        return 1
    except Failure as failure:
        print(f"log: FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    """``backup --out PATH``: the database copied to PATH, its manifest beside it."""
    import sqlite3
    from pathlib import Path

    from app import backup
    from app.trail import log

    try:
        out = Path(args.out)
        manifest = backup.backup(settings.database_url, out, log.LogKeys.from_settings(settings))
    except (backup.BackupError, OSError, sqlite3.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    count = len(manifest.controllers)
    print(
        f"backup of {manifest.events} events, {count} controller{'s' * (count != 1)} "
        f"written to {out} ({manifest.dump_bytes} bytes); manifest {backup.manifest_path(out)}"
    )
    print(
        f"checkpoint: tree size {manifest.checkpoint['tree_size']}, "
        f"root {manifest.checkpoint['root_hash']}"
    )
    if not manifest.verified:
        print("warning: the database did not verify when backed up", file=sys.stderr)
        return 1
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    """``restore PATH [--force]``: the backup PATH into DATABASE_URL, then the
    chain, the state, the digests and the checkpoint checked against its
    manifest; 1 when any differs."""
    import sqlite3
    from pathlib import Path

    from app import backup

    try:
        manifest = backup.restore(Path(args.dump), settings.database_url, force=args.force)
    except (backup.BackupError, OSError, sqlite3.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"restored {args.dump} (made {manifest.created_at})")
    with _session_factory(settings)() as session:
        result = backup.compare(session, manifest)
    print_report(result.report)
    count = len(manifest.controllers)
    if result.differing:
        print(
            f"digests: DIFFER from the backup's for {', '.join(result.differing)}",
            file=sys.stderr,
        )
    else:
        print(f"digests: match the backup's for {count} controller{'s' * (count != 1)}")
    restored, saved = result.checkpoint, manifest.checkpoint
    if result.checkpoint_ok:
        print(
            f"checkpoint: tree size {restored['tree_size']}, root {restored['root_hash']}, "
            "as at the backup"
        )
    else:
        print(
            f"checkpoint: DIFFERS from the backup's: tree size {restored['tree_size']} root "
            f"{restored['root_hash']}, was {saved.get('tree_size')} {saved.get('root_hash')}",
            file=sys.stderr,
        )
    return 0 if result.ok else 1


def cmd_log(settings: Settings, args: argparse.Namespace) -> int:
    """``log key --out PATH``: a new signing key; ``log checkpoint``: the
    signed checkpoint of the log now, as JSON."""
    import json
    from pathlib import Path

    from app.trail import log

    if args.log_command == "key":
        try:
            key_id = log.create_key_file(Path(args.out))
        except FileExistsError:
            print(f"error: {args.out} exists; a key is never overwritten", file=sys.stderr)
            return 2
        print(f"created Ed25519 key {key_id} in {args.out}; set LOG_KEY_FILE={args.out}")
        return 0
    with _session_factory(settings)() as session:
        print(json.dumps(log.checkpoint(session), indent=2))
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
    serve.add_argument("--access-log", action="store_true", help="a JSON line per request")

    keys_parser = commands.add_parser("keys", help="create, revoke and list API keys")
    keys_commands = keys_parser.add_subparsers(dest="keys_command", required=True)
    create = keys_commands.add_parser(
        "create", help="create a key; prints it alone on the last line"
    )
    create.add_argument("--name", required=True)
    create.add_argument(
        "--scope", action="append", required=True, choices=["register:write", "keys:admin"]
    )
    create.add_argument("--controller", help="limit the key to one controller (slug)")
    revoke = keys_commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    keys_commands.add_parser("list", help="list keys (never the keys themselves)")

    log_parser = commands.add_parser("log", help="the signed Merkle log of the audit trail")
    log_commands = log_parser.add_subparsers(dest="log_command", required=True)
    key = log_commands.add_parser("key", help="create the Ed25519 key that signs checkpoints")
    key.add_argument("--out", required=True, help="where to write the private key (PEM)")
    log_commands.add_parser("checkpoint", help="print the signed checkpoint of the log now")

    backup = commands.add_parser("backup", help="copy the database, with a manifest beside it")
    backup.add_argument("--out", required=True, help="the dump's path")
    restore = commands.add_parser("restore", help="restore a backup into DATABASE_URL, verified")
    restore.add_argument("dump", help="the dump's path (its manifest beside it)")
    restore.add_argument("--force", action="store_true", help="replace a database holding data")

    interchange.add_parsers(commands)
    drafting.add_parser(commands)
    return parser


COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "migrate": cmd_migrate,
    "seed": cmd_seed,
    "serve": cmd_serve,
    "keys": cmd_keys,
    "import": interchange.cmd_import,
    "audit": cmd_audit,
    "log": cmd_log,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "draft": drafting.cmd_draft,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](get_settings(), args)
    except (OperationalError, ProgrammingError) as exc:
        print(
            f"database error ({type(exc.orig).__name__}): is DATABASE_URL right and the "
            "database migrated? Run `sharing-register migrate`.",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
