"""The audit trail as a Merkle log with signed checkpoints: what the log's
endpoints answer.

A checkpoint states a tree size, its root hash and the time of its last
event, signed with the service's Ed25519 key (``app.trail.log_keys``).
Inclusion and consistency proofs, computed on the cached tree
(``app.trail.merkle_tree``), let anyone holding a checkpoint check, without
the database, that an event is in the log and that today's log extends the
one they saved. The verification side is ``app.trail.verifier``, a
standalone file auditors run.

The keys' names are also this module's, the face of the signed log to the
rest of the application.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.errors import InvalidInput
from app.trail.log_keys import INFO_KEY, LogKeys, attach, create_key_file, keys_of
from app.trail.merkle_tree import TREES, Tree, View

__all__ = [
    "INFO_KEY",
    "LogKeys",
    "attach",
    "checkpoint",
    "checkpoint_of",
    "consistency_proof",
    "create_key_file",
    "inclusion_proof",
    "keys_of",
    "serve",
    "tree_size_param",
]


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
