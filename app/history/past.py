"""Past states of a register: ``as_of`` a moment and published versions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from app.errors import ProblemError
from app.register.snapshots import Snapshot


def as_of(session: Session, controller_slug: str | None, moment: datetime) -> Snapshot:
    raise ProblemError("History is not available yet.", status=501)


def published(session: Session, controller_slug: str | None, version: str) -> Snapshot:
    raise ProblemError("Published versions are not available yet.", status=501)
