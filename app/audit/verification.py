"""One verification of the register: the trail's hash chain and the tables'
agreement with the trail, read from one consistent view of the database, with
what it checked. A full pass (``verify_register``: the command line, backups)
recomputes everything; ``app.audit.incremental`` extends a verified point."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from app.audit.reconcile import StateVerification, verify_state
from app.trail.chain import Verification, verify


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(frozen=True)
class Span:
    """Events ``first`` to ``last``, both included."""

    first: int
    last: int


@dataclass(frozen=True)
class Checked:
    """What a pass recomputed. ``events``: the events whose hashes and links
    were recomputed in sequence (a full pass: all of them; an incremental
    one: those after the verified point). ``extends_seq``: the verified point
    whose event was checked to be still the one verified. ``sweep``: older
    events re-checked by an incremental pass, in turn."""

    kind: Literal["full", "incremental"]
    events: Span | None
    last_full_pass_at: str
    extends_seq: int | None = None
    sweep: Span | None = None

    @classmethod
    def full(cls, chain: Verification, *, extends_seq: int | None = None) -> Checked:
        walked = chain.events if chain.ok else (chain.first_broken_seq or 1)
        return cls("full", Span(1, walked) if walked else None, now_iso(), extends_seq=extends_seq)

    def as_dict(self) -> dict[str, Any]:
        return {
            "events": asdict(self.events) if self.events else None,
            "extends_seq": self.extends_seq,
            "sweep": asdict(self.sweep) if self.sweep else None,
            "last_full_pass_at": self.last_full_pass_at,
        }


@dataclass(frozen=True)
class Report:
    chain: Verification
    state: StateVerification
    checked: Checked
    verified_at: str = field(default_factory=now_iso)

    @classmethod
    def full(cls, chain: Verification, state: StateVerification) -> Report:
        return cls(chain=chain, state=state, checked=Checked.full(chain))

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.state.ok

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "verified_at": self.verified_at,
            "pass": self.checked.kind,
            "checked": self.checked.as_dict(),
            "chain": asdict(self.chain),
            "state": asdict(self.state),
        }


def consistent_view(session: Session) -> None:
    """Read everything that follows from one snapshot: on PostgreSQL a
    repeatable-read transaction (SQLite's read transaction already is one),
    so a write committed meanwhile cannot look like tampering. Call first;
    in a transaction already begun (by an earlier call), nothing changes."""
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def verify_register(session: Session) -> Report:
    """A full pass: every event, every controller."""
    consistent_view(session)
    return Report.full(verify(session), verify_state(session))
