"""The command line's parser, and the dispatch of each command to its function."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from sqlalchemy.exc import OperationalError, ProgrammingError

from app.cli.audit import cmd_audit
from app.cli.backup import cmd_backup, cmd_restore
from app.cli.database import cmd_migrate, cmd_seed
from app.cli.keys import cmd_keys
from app.cli.log import cmd_log
from app.cli.serve import cmd_serve
from app.config import Settings, get_settings
from app.drafting import command as drafting
from app.interchange import exports as interchange

DESCRIPTION = "The ``sharing-register`` command."


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sharing-register", description=DESCRIPTION)
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
