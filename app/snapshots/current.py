"""The register content a request asks for: current, at a past moment, or a
published version. Every output format (JSON document, exports, pages) starts
from a ``Snapshot`` so that all of them show exactly the same facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from app.cache.lru import ByteLRU
from app.register import models as m
from app.register.data_versions import controller_version
from app.register.document import canonical_content, digest_of, document, register_content
from app.snapshots.advancing import advanced, events_between
from app.trail import log


@dataclass(frozen=True)
class Snapshot:
    controller: str
    content: dict[str, Any]
    stamps: dict[str, Any] = field(default_factory=dict)
    """What the content is: ``data_version`` (current), ``as_of`` or ``version``."""

    @cached_property
    def _canonical(self) -> tuple[str, int]:
        canonical = canonical_content(self.content)
        return digest_of(canonical), len(canonical)

    @property
    def digest(self) -> str:
        return self._canonical[0]

    @property
    def size(self) -> int:
        """The bytes it holds, estimated: its decoded JSON takes about 2.5
        times the canonical text (``tracemalloc`` on a synthetic register of
        200 arrangements: 3.2 MB for 1.3 MB of JSON)."""
        return self._canonical[1] * 5 // 2

    def document(self) -> dict[str, Any]:
        return document(self.content, digest=self.digest, **self.stamps)


class RecentSnapshots:
    """The current register of the most recently asked controllers.

    The response cache builds ``/register`` once per data version, but when
    it cannot trust its reading of the version (a slow database, a saturated
    event loop) requests go to the route; rebuilding the document for each
    (12-50 ms of CPU) would slow a worker most exactly when it is overloaded.
    The key is read in the request's own transaction: controller, and the
    controller's data version with the hash of its event (a database restored
    from a backup reaches the same number with another hash), so a kept
    snapshot is always the one the request would have built, and a write to
    another controller leaves it in place. After a write to the controller,
    its next snapshot is the kept one with the events in between applied
    (``app.snapshots.advancing``), not the tables read again: so every
    controller read since its last write should stay kept, which is why the
    bound is bytes (``Snapshot.size``), not a count. One snapshot per
    controller, the latest seen; shared read-only. Thread-safe: sync routes
    run in the thread pool.
    """

    def __init__(self, max_bytes: int) -> None:
        self.lru = ByteLRU(max_bytes)

    def current(self, session: Session, controller: m.Controller) -> Snapshot:
        version = controller_version(session, controller.slug)
        seq = version.seq
        kept: tuple[int, str, Snapshot] | None = self.lru.get(controller.id)
        if kept is not None and (kept[0], kept[1]) == (seq, version.hash):
            return kept[2]
        snapshot = None
        if kept is not None and kept[0] < seq:
            snapshot = _advanced(session, kept[2], (kept[0], kept[1]), seq)
        if snapshot is None:
            snapshot = current(session, controller, seq)
        if kept is None or kept[0] <= seq:  # never replace a later one with an earlier
            self.lru.put(controller.id, (seq, version.hash, snapshot), snapshot.size)
        return snapshot


def _advanced(
    session: Session, previous: Snapshot, old: tuple[int, str], seq: int
) -> Snapshot | None:
    """The snapshot at ``seq`` built from an earlier one of the same
    controller (``app.snapshots.advancing``), or ``None`` to read the tables."""
    events = events_between(session, previous.controller, old, seq)
    content = None if events is None else advanced(previous.content, events)
    return None if content is None else _stamped(session, previous.controller, content, seq)


def current(session: Session, controller: m.Controller, seq: int | None = None) -> Snapshot:
    """The controller's register now, stamped with its data version (the
    last change to it or to reference data): the same content keeps the same
    stamps, whatever happens to other controllers."""
    version = controller_version(session, controller.slug).seq if seq is None else seq
    return _stamped(session, controller.slug, register_content(session, controller), version)


def _stamped(session: Session, controller: str, content: dict[str, Any], seq: int) -> Snapshot:
    return Snapshot(
        controller=controller,
        content=content,
        stamps={"data_version": seq, "checkpoint": log.checkpoint(session, seq)},
    )
