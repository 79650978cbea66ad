"""Incremental verification: each pass extends the last verified point.

A full pass recomputes every event's hash and replays the whole trail, which
grows with the log. A process keeps, per database, the last point a pass
verified: its sequence number, that event's chain hash and the trail
replayed up to it. The next pass then

- checks that the event at the verified point is still the one verified (a
  truncated or rewritten log, even with every hash recomputed, no longer
  holds it) and that the log is not shorter;
- recomputes only the events after it, linked to the verified hash, and the
  chain head;
- re-checks a window of ``sweep_events`` older events, moving on in turn, so
  that an edit of an old event is found within a few passes;
- extends the kept replay by the new events and compares every controller's
  tables with it, as a full pass does.

Any broken link it finds makes it a full pass, so a failure is reported as a
full pass reports it; a failure leaves the point and the sweep where they
were, so it is reported again by every later pass. A full pass is made when
the last one is ``full_seconds`` old, and its chain is checked to extend the
point kept before it. On an untouched log every pass gives the chain and
state a full pass gives.

The point is kept per process and per database, like the Merkle log's
leaves: a worker process of ``app.workers`` keeps its own. A database
restored under a running process is reported as rewritten until the process
restarts (restore with the service stopped).
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app import workers
from app.audit.reconcile import compare
from app.audit.verification import Checked, Report, Span, consistent_view, now_iso
from app.history.replay import Replay, replay
from app.trail.chain import Verification, Walk, check_head, hash_at, walk
from app.trail.models import ChainHead


@dataclass(frozen=True)
class Point:
    """A verified point: the chain up to ``seq`` held, ending in ``hash``."""

    seq: int
    hash: str
    trail: Replay
    """The trail replayed up to ``seq``; extended in place by the next pass."""
    full_at: float
    """``time.monotonic()`` of the last full pass."""
    full_at_iso: str
    sweep_next: int = 1


def _head_seq(session: Session) -> int:
    return session.scalar(select(ChainHead.seq)) or 0


def still_holds(session: Session, point: Point, last_seq: int) -> Verification | None:
    """``None`` when the log of ``last_seq`` events still holds the verified
    point's event unchanged; else why not."""
    if last_seq < point.seq:
        return Verification(
            False,
            last_seq,
            last_seq + 1,
            f"the log holds {last_seq} events, fewer than the {point.seq} verified before: "
            "it was truncated",
        )
    if hash_at(session, point.seq) != point.hash:
        return Verification(
            False,
            point.seq - 1,
            point.seq,
            f"event {point.seq} is not the one verified before: the log was rewritten",
        )
    return None


class IncrementalVerifier:
    """The verified point of one database, and the passes that extend it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.point: Point | None = None

    def report(self, session: Session, *, sweep_events: int, full_seconds: float) -> Report:
        consistent_view(session)
        with self._lock:
            point = self.point
            if point is not None and time.monotonic() - point.full_at < full_seconds:
                found = self._incremental(session, point, sweep_events)
                if found is not None:
                    return found
            return self._full(session, point)

    def _full(self, session: Session, before: Point | None) -> Report:
        walked = walk(session)
        chain = walked.failure() if walked.broken_seq is not None else check_head(session, walked)
        if chain.ok and before is not None:
            chain = still_holds(session, before, walked.last_seq) or chain
        trail = replay(session)
        state = compare(session, trail)
        checked = Checked.full(chain, extends_seq=before.seq if before else None)
        if chain.ok:
            self.point = Point(
                walked.last_seq,
                walked.last_hash,
                trail,
                time.monotonic(),
                checked.last_full_pass_at,
            )
        return Report(chain=chain, state=state, checked=checked)

    def _incremental(self, session: Session, point: Point, sweep_events: int) -> Report | None:
        """The pass from ``point``; ``None`` when it finds a broken link."""
        if still_holds(session, point, _head_seq(session)) is not None:
            return None
        walked = walk(session, after_seq=point.seq, prev_hash=point.hash)
        if walked.broken_seq is not None:
            return None
        chain = check_head(session, walked)
        if not chain.ok:
            return None
        sweep = self._sweep(point, sweep_events)
        if sweep is not None and self._swept(session, sweep).broken_seq is not None:
            return None
        trail = replay(session, upto_seq=walked.last_seq, into=point.trail)
        state = compare(session, trail)
        self.point = Point(
            walked.last_seq,
            walked.last_hash,
            trail,
            point.full_at,
            point.full_at_iso,
            sweep_next=sweep.last + 1 if sweep is not None else point.sweep_next,
        )
        new = Span(point.seq + 1, walked.last_seq) if walked.last_seq > point.seq else None
        checked = Checked("incremental", new, point.full_at_iso, point.seq, sweep)
        return Report(chain=chain, state=state, checked=checked, verified_at=now_iso())

    @staticmethod
    def _sweep(point: Point, events: int) -> Span | None:
        """The next window of verified events to re-check, wrapping round."""
        if events <= 0 or point.seq == 0:
            return None
        first = point.sweep_next if point.sweep_next <= point.seq else 1
        return Span(first, min(first + events - 1, point.seq))

    @staticmethod
    def _swept(session: Session, sweep: Span) -> Walk:
        """The window recomputed, linked to the stored event before it (whose
        own hash the previous window checked)."""
        prev = hash_at(session, sweep.first - 1)
        if prev is None:
            return Walk(sweep.first - 1, "", sweep.first - 1, "missing event")
        return walk(session, after_seq=sweep.first - 1, prev_hash=prev, upto_seq=sweep.last)


class Verifiers:
    """One ``IncrementalVerifier`` per database (engine) of this process."""

    def __init__(self) -> None:
        self._verifiers: weakref.WeakKeyDictionary[Engine, IncrementalVerifier] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    def of(self, session: Session) -> IncrementalVerifier:
        engine = session.get_bind()
        assert isinstance(engine, Engine)
        with self._lock:
            found = self._verifiers.get(engine)
            if found is None:
                found = self._verifiers[engine] = IncrementalVerifier()
            return found


VERIFIERS = Verifiers()


def verify_incrementally(
    session: Session, sweep_events: int, full_seconds: float
) -> dict[str, Any]:
    """A pass of this process's verifier for the session's database, as the
    endpoint answers it: a task for ``app.workers`` (plain data out)."""
    verifier = VERIFIERS.of(session)
    return verifier.report(session, sweep_events=sweep_events, full_seconds=full_seconds).as_dict()


class VerificationCache:
    """The last pass's answer, reused while the chain head (sequence number
    and hash) is the same and it is at most ``max_age`` seconds old; else a
    pass, run on the session's expensive-work pool (``app.workers``). A write
    moves the head, so it is verified afresh; an edit behind the app's back
    moves nothing, so it is looked for again at most ``max_age`` seconds
    later. Callers arriving while a pass runs wait for it (one at a time per
    process), rather than each starting their own."""

    def __init__(self, max_age: float, *, sweep_events: int, full_seconds: float) -> None:
        self.max_age = max_age
        self.sweep_events = sweep_events
        self.full_seconds = full_seconds
        self._lock = threading.Lock()
        self._entry: tuple[tuple[int, str], float, dict[str, Any]] | None = None

    def report(self, session: Session) -> dict[str, Any]:
        consistent_view(session)
        head = session.execute(select(ChainHead.seq, ChainHead.hash)).one_or_none()
        key = (int(head[0]), str(head[1])) if head is not None else (0, "")
        with self._lock:
            entry = self._entry
            if entry is not None and entry[0] == key and time.monotonic() - entry[1] < self.max_age:
                return entry[2]
            found = workers.of(session).run(
                session, verify_incrementally, self.sweep_events, self.full_seconds
            )
            self._entry = (key, time.monotonic(), found)
            return found
