"""The register content a request asks for: current, at a past moment, or a
published version. Every output format (JSON document, exports, pages) starts
from a ``Snapshot`` so that all of them show exactly the same facts."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy.orm import Session

from app.register import models as m
from app.register.data_versions import controller_version
from app.register.document import content_digest, document, register_content
from app.snapshots.advancing import advanced, events_between
from app.trail import log


@dataclass(frozen=True)
class Snapshot:
    controller: str
    content: dict[str, Any]
    stamps: dict[str, Any] = field(default_factory=dict)
    """What the content is: ``data_version`` (current), ``as_of`` or ``version``."""

    @cached_property
    def digest(self) -> str:
        return content_digest(self.content)

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
    (``app.snapshots.advancing``), not the tables read again. Shared
    read-only; bounded by count. Thread-safe: sync routes run in the thread
    pool.
    """

    def __init__(self, max_entries: int = 16) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple[int, int, str], Snapshot] = OrderedDict()
        self._lock = threading.Lock()

    def current(self, session: Session, controller: m.Controller) -> Snapshot:
        version = controller_version(session, controller.slug)
        seq = version.seq
        key = (controller.id, seq, version.hash)
        with self._lock:
            snapshot = self._entries.get(key)
            if snapshot is not None:
                self._entries.move_to_end(key)
                return snapshot
            earlier = [k for k in self._entries if k[0] == controller.id and k[1] < seq]
            base = max(earlier, default=None)
            previous = None if base is None else self._entries[base]
        snapshot = None
        if base is not None and previous is not None:
            snapshot = _advanced(session, previous, (base[1], base[2]), seq)
        if snapshot is None:
            snapshot = current(session, controller, seq)
        _ = snapshot.digest  # computed once, outside the lock
        with self._lock:
            self._entries[key] = snapshot
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
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
