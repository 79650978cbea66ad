"""``log key`` and ``log checkpoint``: the signed Merkle log of the audit trail."""

from __future__ import annotations

import argparse
import sys

from app.cli.sessions import session_factory
from app.config import Settings


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
    with session_factory(settings)() as session:
        print(json.dumps(log.checkpoint(session), indent=2))
    return 0
