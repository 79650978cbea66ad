#!/usr/bin/env python3
"""Check a Data Sharing Register's audit log from outside, trusting nothing
the server says that cannot be proved.

Standalone: the Python standard library and the ``cryptography`` package,
nothing of the register's code. The server serves this very file at
``/api/v1/log/verifier.py``; read it, keep a copy, run it::

    python verifier.py --server https://register.example --save today.json
    python verifier.py --server https://register.example --checkpoint today.json \\
        --public-key pinned.json [--event 120] [--full]

The log is a Merkle tree (RFC 9162, section 2.1: leaf hash
``SHA-256(0x00 || leaf)``, node hash ``SHA-256(0x01 || left || right)``) whose
leaves are the audit events in sequence order (leaf index = seq - 1); a leaf
is the canonical JSON (keys sorted, no spaces, UTF-8) of the event's fields
below. A checkpoint states a tree size, its root hash and the time of its last
event, signed with Ed25519 over the text of ``checkpoint_message``.

With ``--checkpoint``, the saved checkpoint's signature is checked, then the
consistency proof from its tree size to today's: it proves that today's log
holds, unchanged, every event the saved one did. ``--event`` checks an
inclusion proof; ``--full`` downloads every event, recomputes each leaf and the
hash chain, and compares the root with today's checkpoint. Exit status 0 when
everything holds, 1 when anything does not.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any

LEAF_FIELDS = (
    "seq",
    "occurred_at",
    "actor_type",
    "actor_id",
    "actor_name",
    "action",
    "entity_type",
    "controller",
    "slug",
    "before",
    "after",
    "request_id",
)
CHECKPOINT_FORMAT = "data-sharing-register/checkpoint/v1"
EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


# --- RFC 9162 hashing --------------------------------------------------------------------


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def leaf_of(change: dict[str, Any]) -> bytes:
    """The leaf of an event as ``/api/v1/changes`` lists it."""
    actor = change["actor"]
    fields = {
        **{name: change.get(name) for name in LEAF_FIELDS},
        "actor_type": actor["type"],
        "actor_id": actor["id"],
        "actor_name": actor["name"],
    }
    return canonical(fields)


def _largest_power_of_two_below(n: int) -> int:
    return 1 << ((n - 1).bit_length() - 1)


def root_of(hashes: Sequence[bytes]) -> bytes:
    """The Merkle tree hash of leaf hashes (RFC 9162, 2.1.1)."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    level = list(hashes)
    while len(level) > 1:  # pairing left to right builds the same tree
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162, 2.1.3.2."""
    if index >= tree_size or index < 0:
        return False
    fn, sn, r = index, tree_size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162, 2.1.4.2 (and: a log extends the empty log and itself)."""
    if first > second or first < 0:
        return False
    if first == second:
        return not proof and first_root == second_root
    if first == 0:
        return not proof and first_root == hashlib.sha256(b"").digest()
    path = list(proof)
    if first & (first - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0


# --- checkpoints -------------------------------------------------------------------------


def checkpoint_message(checkpoint: dict[str, Any]) -> bytes:
    """The signed text: format, origin, tree size, root hash, timestamp."""
    lines = [
        CHECKPOINT_FORMAT,
        str(checkpoint["origin"]),
        str(int(checkpoint["tree_size"])),
        str(checkpoint["root_hash"]),
        str(checkpoint["timestamp"]),
    ]
    return ("\n".join(lines) + "\n").encode()


def key_id(public_key_raw: bytes) -> str:
    return hashlib.sha256(public_key_raw).hexdigest()[:16]


def verify_signature(checkpoint: dict[str, Any], public_keys: dict[str, bytes]) -> str | None:
    """``None`` when the checkpoint is signed by one of ``public_keys`` (key id
    -> raw Ed25519 public key), else why not."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if not checkpoint.get("signature"):
        return "the checkpoint is not signed"
    raw = public_keys.get(str(checkpoint.get("key_id")))
    if raw is None:
        return f"no public key {checkpoint.get('key_id')!r} to check the signature with"
    try:
        Ed25519PublicKey.from_public_bytes(raw).verify(
            base64.b64decode(checkpoint["signature"]), checkpoint_message(checkpoint)
        )
    except (InvalidSignature, ValueError):
        return "the signature does not match the checkpoint"
    return None


def public_keys_of(document: dict[str, Any]) -> dict[str, bytes]:
    """Key id -> raw key, from ``/api/v1/log/keys`` (or a pinned copy of it),
    each key id recomputed from its key."""
    found = {}
    for entry in document.get("keys", []):
        raw = base64.b64decode(entry["public_key"])
        found[key_id(raw)] = raw
    return found


# --- talking to the server ---------------------------------------------------------------

Fetch = Callable[[str, dict[str, Any]], Any]


def http_fetch(server: str) -> Fetch:
    def fetch(path: str, params: dict[str, Any]) -> Any:
        query = ("?" + urllib.parse.urlencode(params)) if params else ""
        request = urllib.request.Request(
            server.rstrip("/") + path + query, headers={"Accept": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)

    return fetch


def _hex(value: str) -> bytes:
    return bytes.fromhex(value)


class Failure(Exception):
    pass


def check(
    fetch: Fetch,
    *,
    saved: dict[str, Any] | None = None,
    pinned_keys: dict[str, bytes] | None = None,
    event: int | None = None,
    full: bool = False,
    signed: bool = True,
    say: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Every check asked for; the server's latest checkpoint when all hold,
    else ``Failure`` naming the first that does not. ``signed=False`` (only
    for the service checking itself without a key) skips the signatures."""
    keys = pinned_keys if pinned_keys is not None else public_keys_of(fetch("/api/v1/log/keys", {}))
    latest: dict[str, Any] = fetch("/api/v1/log/checkpoint", {})
    problem = verify_signature(latest, keys) if signed else None
    if problem:
        raise Failure(f"today's checkpoint: {problem}")
    size, root = int(latest["tree_size"]), _hex(latest["root_hash"])
    say(f"today's checkpoint: {size} events, root {latest['root_hash']}")
    if saved is not None:
        problem = verify_signature(saved, keys) if signed else None
        if problem:
            raise Failure(f"saved checkpoint: {problem}")
        old = int(saved["tree_size"])
        if old > size:
            raise Failure(f"the log shrank: {old} events saved, {size} today")
        proof = fetch("/api/v1/log/proof/consistency", {"first": old, "second": size})
        if not verify_consistency(
            old, size, _hex(saved["root_hash"]), root, [_hex(h) for h in proof["proof"]]
        ):
            raise Failure(
                f"today's log does not extend the saved checkpoint of {old} events: "
                "history before it was rewritten"
            )
        say(f"consistent: today's log extends the saved checkpoint of {old} events")
    if event is not None:
        changes = fetch("/api/v1/changes", {"since": event - 1, "limit": 1})["items"]
        if not changes or changes[0]["seq"] != event:
            raise Failure(f"event {event} is not served")
        proof = fetch("/api/v1/log/proof/inclusion", {"seq": event, "tree_size": size})
        leaf = leaf_hash(leaf_of(changes[0]))
        if not verify_inclusion(leaf, event - 1, size, [_hex(h) for h in proof["proof"]], root):
            raise Failure(f"event {event} as served is not in the signed log")
        say(f"included: event {event} as served is in the signed log")
    if full:
        hashes: list[bytes] = []
        prev, since = "0" * 64, 0
        while len(hashes) < size:
            page = fetch("/api/v1/changes", {"since": since, "limit": 1000})["items"]
            if not page:
                break
            for change in page:
                if change["seq"] > size:
                    break
                if change["seq"] != len(hashes) + 1 or change["prev_hash"] != prev:
                    raise Failure(f"the hash chain breaks at event {change['seq']}")
                chained = hashlib.sha256(prev.encode() + leaf_of(change)).hexdigest()
                if chained != change["hash"]:
                    raise Failure(f"event {change['seq']} does not match its chain hash")
                hashes.append(leaf_hash(leaf_of(change)))
                prev = change["hash"]
            since = page[-1]["seq"]
        if len(hashes) != size or root_of(hashes) != root:
            raise Failure("the events served do not make the signed root")
        say(f"full: {size} events served make the signed root; the hash chain holds")
    return latest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True, help="the register's base URL")
    parser.add_argument("--checkpoint", help="a checkpoint saved earlier (JSON file)")
    parser.add_argument("--public-key", help="a pinned copy of /api/v1/log/keys (JSON file)")
    parser.add_argument("--event", type=int, help="also prove this event is in the log")
    parser.add_argument("--full", action="store_true", help="recompute the whole log")
    parser.add_argument("--save", help="write today's checkpoint to this file")
    args = parser.parse_args(argv)

    def load(path: str) -> Any:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    try:
        latest = check(
            http_fetch(args.server),
            saved=load(args.checkpoint) if args.checkpoint else None,
            pinned_keys=public_keys_of(load(args.public_key)) if args.public_key else None,
            event=args.event,
            full=args.full,
        )
    except Failure as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    if args.save:
        with open(args.save, "w", encoding="utf-8") as handle:
            json.dump(latest, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
