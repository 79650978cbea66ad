"""The audit trail's Merkle tree (RFC 9162's hashing), cached per database.

The events are the leaves, in sequence order (leaf index = seq - 1); a leaf
is the canonical JSON of the fields the hash chain covers. The tree computes
roots and the inclusion and consistency proofs; ``app.trail.log`` serves them.

Leaf hashes are kept per database (engine) and extended as events are
appended; the cache is checked against the chain head read in the request's
own transaction, and rebuilt when the events it was built from are no longer
those of the database (a restore, or a rewrite).
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.trail.chain import as_utc, canonical_json, hash_at, hashed_fields
from app.trail.models import AuditEvent, ChainHead
from app.trail.verifier import leaf_hash, node_hash, root_of


def leaf_input(event: AuditEvent) -> bytes:
    return canonical_json(hashed_fields(event))


@dataclass
class Tree:
    """Leaf hashes of the events 1..size, with each event's chain hash and
    time (to know the cache still describes the database, and for
    checkpoints' timestamps)."""

    leaves: list[bytes] = field(default_factory=list)
    chain_hashes: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    _roots: dict[tuple[int, int], bytes] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.leaves)

    def add(self, event: AuditEvent) -> None:
        # The leaf last: ``size`` counts leaves, and a reader trusts that
        # every list holds at least ``size`` entries.
        self.chain_hashes.append(event.hash)
        self.times.append(as_utc(event.occurred_at).isoformat())
        self.leaves.append(leaf_hash(leaf_input(event)))

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]), split as RFC 9162 splits it; every subtree is
        kept (the leaves never change), so a root or proof after a few new
        events costs only the nodes they add."""
        key = (start, end)
        found = self._roots.get(key)
        if found is None:
            if end - start == 0:
                found = root_of([])
            elif end - start == 1:
                found = self.leaves[start]
            else:
                k = self._split(end - start)
                found = node_hash(self.subtree(start, start + k), self.subtree(start + k, end))
            self._roots[key] = found
        return found

    def _split(self, n: int) -> int:
        return 1 << ((n - 1).bit_length() - 1)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        """PATH(index, D[0:size]) (RFC 9162, 2.1.3.1)."""
        proof: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = self._split(end - start)
            if index < start + k:
                proof.append(self.subtree(start + k, end))
                end = start + k
            else:
                proof.append(self.subtree(start, start + k))
                start += k
        return list(reversed(proof))

    def consistency(self, first: int, second: int) -> list[bytes]:
        """PROOF(first, D[0:second]) (RFC 9162, 2.1.4.1)."""
        if first in (0, second):
            return []
        proof: list[bytes] = []
        start, end, m, whole = 0, second, first, True
        while m != end - start:
            k = self._split(end - start)
            if m <= k:
                proof.append(self.subtree(start + k, end))
                end = start + k
            else:
                proof.append(self.subtree(start, start + k))
                start += k
                m -= k
                whole = False
        if not whole:
            proof.append(self.subtree(start, end))
        return list(reversed(proof))


@dataclass(frozen=True)
class View:
    """The tree as one transaction sees it: its first ``size`` leaves."""

    tree: Tree
    size: int


class TreeCache:
    """One ``Tree`` per database, extended in place as the log grows: a
    reader only looks below its own view's size, so appending never disturbs
    it. One thread extends or rebuilds at a time."""

    def __init__(self) -> None:
        self._trees: weakref.WeakKeyDictionary[Engine, Tree] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def view(self, session: Session) -> View:
        """The log as this session's transaction sees it. A cached tree serves
        when it holds the transaction's chain head; it is extended when its
        last event is still the database's; otherwise rebuilt."""
        head = session.execute(select(ChainHead.seq, ChainHead.hash)).one_or_none()
        seq, head_hash = head if head is not None else (0, "")
        engine = session.get_bind()
        assert isinstance(engine, Engine)
        found = self._serves(self._trees.get(engine), seq, head_hash)
        if found is not None:
            return found
        with self._lock:
            cached = self._trees.get(engine)
            found = self._serves(cached, seq, head_hash)
            if found is not None:
                return found
            tree = Tree()
            if (
                cached is not None
                and 0 < cached.size < seq
                and hash_at(session, cached.size) == cached.chain_hashes[-1]
            ):
                tree = cached
            self._extend(session, tree, seq)
            self._trees[engine] = tree
            return View(tree, tree.size)

    @staticmethod
    def _serves(cached: Tree | None, seq: int, head_hash: str) -> View | None:
        if (
            cached is not None
            and cached.size >= seq
            and (seq == 0 or cached.chain_hashes[seq - 1] == head_hash)
        ):
            return View(cached, seq)
        return None

    @staticmethod
    def _extend(session: Session, tree: Tree, seq: int) -> None:
        query = (
            select(AuditEvent)
            .where(AuditEvent.seq > tree.size, AuditEvent.seq <= seq)
            .order_by(AuditEvent.seq)
            .execution_options(yield_per=1000)
        )
        for event in session.scalars(query):
            tree.add(event)


TREES = TreeCache()
