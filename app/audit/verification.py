"""One verification of the register: the trail's hash chain and the tables'
agreement with the trail, read from one consistent view of the database;
and its cache, so that a public endpoint costs one verification per chain
head and period however often it is called."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit.reconcile import StateVerification, verify_state
from app.trail.chain import Verification, verify
from app.trail.models import ChainHead


@dataclass(frozen=True)
class Report:
    chain: Verification
    state: StateVerification
    verified_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.state.ok

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "verified_at": self.verified_at,
            "chain": asdict(self.chain),
            "state": asdict(self.state),
        }


def consistent_view(session: Session) -> None:
    """Read everything that follows from one snapshot: on PostgreSQL a
    repeatable-read transaction (SQLite's read transaction already is one),
    so a write committed meanwhile cannot look like tampering. Call first."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def verify_register(session: Session) -> Report:
    consistent_view(session)
    return Report(chain=verify(session), state=verify_state(session))


class VerificationCache:
    """The last verification, reused while the chain head (sequence number
    and hash) is the same and it is at most ``max_age`` seconds old. A write
    moves the head, so it is verified afresh; an edit behind the app's back
    moves nothing, so it is reported at most ``max_age`` seconds later.
    Callers arriving while a verification runs wait for it (one at a time per
    worker), rather than each starting their own."""

    def __init__(self, max_age: float) -> None:
        self.max_age = max_age
        self._lock = threading.Lock()
        self._entry: tuple[tuple[int, str], float, Report] | None = None

    def report(self, session: Session) -> Report:
        consistent_view(session)
        head = session.execute(select(ChainHead.seq, ChainHead.hash)).one_or_none()
        key = (int(head[0]), str(head[1])) if head is not None else (0, "")
        with self._lock:
            entry = self._entry
            if entry is not None and entry[0] == key and time.monotonic() - entry[1] < self.max_age:
                return entry[2]
            report = Report(chain=verify(session), state=verify_state(session))
            self._entry = (key, time.monotonic(), report)
            return report
