"""The audit trail as a Merkle log (RFC 9162's hashing) with signed checkpoints.

The events are the leaves, in sequence order (leaf index = seq - 1); a leaf
is the canonical JSON of the fields the hash chain covers. A checkpoint
states a tree size, its root hash and the time of its last event, signed with
the service's Ed25519 key: it depends on nothing but the log and the key, so
every worker, and every later request, gives the same checkpoint for the same
tree size. Inclusion and consistency proofs let anyone holding a checkpoint
check, without the database, that an event is in the log and that today's log
extends the one they saved. The verification side is ``app.trail.verifier``,
a standalone file auditors run.

Leaf hashes are kept per database (engine) and extended as events are
appended; the cache is checked against the chain head read in the request's
own transaction, and rebuilt when the events it was built from are no longer
those of the database (a restore, or a rewrite).
"""

from __future__ import annotations

import base64
import threading
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.errors import InvalidInput
from app.trail.chain import as_utc, canonical_json, hashed_fields
from app.trail.models import AuditEvent, ChainHead
from app.trail.verifier import checkpoint_message, key_id, leaf_hash, node_hash, root_of

INFO_KEY = "transparency_log"
DEFAULT_ORIGIN = "data-sharing-register"


# --- keys --------------------------------------------------------------------------------


def create_key_file(path: Path) -> str:
    """A new Ed25519 private key (PKCS#8 PEM, readable by its owner only); its key id."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=False)
    path.write_bytes(pem)
    return key_id(raw_public(key.public_key()))


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_private(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    """A retired key: its public half (PEM), or the private key it came from."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        return load_private(path).public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class LogKeys:
    """The signing key (``None``: checkpoints are served unsigned) and the
    public halves of retired keys, still listed so that checkpoints saved
    before a rotation can be checked."""

    origin: str = DEFAULT_ORIGIN
    signing: Ed25519PrivateKey | None = None
    retired: tuple[Ed25519PublicKey, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> LogKeys:
        key_file = settings.log_key_file
        return cls(
            origin=settings.log_origin,
            signing=load_private(key_file) if key_file else None,
            retired=tuple(load_public(p) for p in settings.log_retired_keys),
        )

    def public_keys(self) -> list[dict[str, Any]]:
        keys = [(self.signing.public_key(), True)] if self.signing else []
        keys += [(k, False) for k in self.retired]
        return [
            {
                "key_id": key_id(raw_public(k)),
                "algorithm": "Ed25519",
                "public_key": base64.b64encode(raw_public(k)).decode(),
                "current": current,
            }
            for k, current in keys
        ]

    def sign(self, unsigned: dict[str, Any]) -> dict[str, Any]:
        if self.signing is None:
            return {**unsigned, "key_id": None, "signature": None}
        signed = {**unsigned, "key_id": key_id(raw_public(self.signing.public_key()))}
        signature = self.signing.sign(checkpoint_message(signed))
        return {**signed, "signature": base64.b64encode(signature).decode()}


def attach(factory: sessionmaker[Session], keys: LogKeys) -> None:
    """Every session of ``factory`` signs checkpoints with ``keys``."""
    factory.configure(info={**(factory.kw.get("info") or {}), INFO_KEY: keys})


def keys_of(session: Session) -> LogKeys:
    keys = session.info.get(INFO_KEY)
    return keys if isinstance(keys, LogKeys) else LogKeys()


# --- the tree ----------------------------------------------------------------------------


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
            if cached is not None and 0 < cached.size < seq:
                last = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == cached.size))
                if last == cached.chain_hashes[-1]:
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


def tree_size_param(value: int | None, view: View, field: str) -> int:
    if value is None:
        return view.size
    if value > view.size:
        raise InvalidInput(
            f"{field} must be at most the log's size, {view.size}.",
            errors=[{"field": field, "msg": f"must be <= {view.size}", "type": "less_than_equal"}],
        )
    return value


def checkpoint(session: Session, tree_size: int | None = None) -> dict[str, Any]:
    """The signed checkpoint of the log at ``tree_size`` (default: now)."""
    view = TREES.view(session)
    size, tree = tree_size_param(tree_size, view, "tree_size"), view.tree
    return checkpoint_of(tree, size, keys_of(session))


def checkpoint_of(tree: Tree, size: int, keys: LogKeys) -> dict[str, Any]:
    unsigned = {
        "origin": keys.origin,
        "tree_size": size,
        "root_hash": tree.subtree(0, size).hex(),
        "timestamp": tree.times[size - 1] if size else "1970-01-01T00:00:00+00:00",
    }
    return keys.sign(unsigned)


def inclusion_proof(session: Session, seq: int, tree_size: int | None) -> dict[str, Any]:
    view = TREES.view(session)
    size, tree = tree_size_param(tree_size, view, "tree_size"), view.tree
    if not 1 <= seq <= size:
        raise InvalidInput(
            f"seq must be an event of the tree: 1 to {size}.",
            errors=[{"field": "seq", "msg": f"must be in 1..{size}", "type": "value_error"}],
        )
    return {
        "seq": seq,
        "leaf_index": seq - 1,
        "tree_size": size,
        "leaf_hash": tree.leaves[seq - 1].hex(),
        "proof": [h.hex() for h in tree.inclusion(seq - 1, size)],
        "checkpoint": checkpoint_of(tree, size, keys_of(session)),
    }


def consistency_proof(session: Session, first: int, second: int | None) -> dict[str, Any]:
    view = TREES.view(session)
    end, tree = tree_size_param(second, view, "second"), view.tree
    if first > end:
        raise InvalidInput(
            "first must not be larger than second.",
            errors=[{"field": "first", "msg": f"must be <= {end}", "type": "less_than_equal"}],
        )
    keys = keys_of(session)
    return {
        "first": first,
        "second": end,
        "proof": [h.hex() for h in tree.consistency(first, end)],
        "first_checkpoint": checkpoint_of(tree, first, keys),
        "second_checkpoint": checkpoint_of(tree, end, keys),
    }


def serve(session: Session, route: str, params: dict[str, Any]) -> dict[str, Any]:
    """What the log's endpoints answer, read straight from the database: the
    verifier's questions asked by the service's own command line."""
    if route == "/api/v1/log/keys":
        return {"keys": keys_of(session).public_keys()}
    if route == "/api/v1/log/checkpoint":
        return checkpoint(session, params.get("tree_size"))
    if route == "/api/v1/log/proof/consistency":
        return consistency_proof(session, int(params["first"]), params.get("second"))
    if route == "/api/v1/log/proof/inclusion":
        return inclusion_proof(session, int(params["seq"]), params.get("tree_size"))
    raise KeyError(route)
