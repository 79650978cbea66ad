"""``backup`` and ``restore``: a copy of the database with its manifest, and a
restore verified against it."""

from __future__ import annotations

import argparse
import sys

from app.cli.audit import print_report
from app.cli.sessions import session_factory
from app.config import Settings


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
    with session_factory(settings)() as session:
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
