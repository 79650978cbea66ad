"""One verification of the register: the trail's hash chain and the tables'
agreement with the trail, read from one consistent view of the database."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.audit.chain import Verification, verify
from app.audit.reconcile import StateVerification, verify_state


@dataclass(frozen=True)
class Report:
    chain: Verification
    state: StateVerification

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.state.ok

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "chain": asdict(self.chain), "state": asdict(self.state)}


def consistent_view(session: Session) -> None:
    """Read everything that follows from one snapshot: on PostgreSQL a
    repeatable-read transaction (SQLite's read transaction already is one),
    so a write committed meanwhile cannot look like tampering. Call first."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def verify_register(session: Session) -> Report:
    consistent_view(session)
    return Report(chain=verify(session), state=verify_state(session))
