"""``audit``: the completeness report, or (``audit verify``) the hash chain,
the state and the Merkle log against a saved checkpoint."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from app.cli.sessions import session_factory
from app.config import Settings
from app.interchange import exports as interchange

if TYPE_CHECKING:
    from app.audit.verification import Report


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    """``audit``: the completeness report; ``audit verify``: the hash chain."""
    if args.check == "verify":
        return cmd_audit_verify(settings, args)
    return interchange.cmd_audit(settings, args)


def cmd_audit_verify(settings: Settings, args: argparse.Namespace) -> int:
    """The chain and the state, each on a line of its own, and with
    ``--checkpoint`` the log against a saved checkpoint; 1 when any fails."""
    from app.audit.verification import verify_register

    with session_factory(settings)() as session:
        report = verify_register(session)
        saved = saved_checkpoint(session, args.checkpoint) if args.checkpoint else 0
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


def saved_checkpoint(session: Session, path: str) -> int:
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
