"""The audit trail as a signed Merkle log: RFC 9162 proofs checked against
the tree's definition, checkpoints signed with Ed25519, and the standalone
verifier catching forged leaves, truncated and rewritten logs and wrong keys
that the hash chain alone lets through."""

from __future__ import annotations

import base64
import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from app.api.services import services_of
from app.main import create_app
from app.trail import verifier as v
from app.trail.chain import event_hash, hashed_fields
from app.trail.log_keys import create_key_file
from app.trail.merkle_tree import Tree, leaf_input
from app.trail.models import AuditEvent, ChainHead
from tests.conftest import make_key, make_settings
from tests.helpers import assert_problem

API = "/api/v1"


# --- the tree against its definition ------------------------------------------------------


def mth(leaves: list[bytes]) -> bytes:
    """RFC 9162's recursive definition, written out."""
    if not leaves:
        return v.hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return v.node_hash(mth(leaves[:k]), mth(leaves[k:]))


def synthetic(n: int) -> Tree:
    tree = Tree()
    tree.leaves = [v.leaf_hash(str(i).encode()) for i in range(n)]
    return tree


def test_roots_and_proofs_follow_rfc_9162_for_every_small_tree() -> None:
    for n in range(1, 41):
        tree = synthetic(n)
        root = tree.subtree(0, n)
        assert root == mth(tree.leaves) == v.root_of(tree.leaves)
        for index in range(n):
            proof = tree.inclusion(index, n)
            assert len(proof) <= math.ceil(math.log2(n)) if n > 1 else not proof
            assert v.verify_inclusion(tree.leaves[index], index, n, proof, root)
            assert not v.verify_inclusion(v.leaf_hash(b"forged"), index, n, proof, root)
            if n > 1:
                assert not v.verify_inclusion(tree.leaves[index], (index + 1) % n, n, proof, root)
        for m in range(0, n + 1):
            proof = tree.consistency(m, n)
            assert len(proof) <= math.ceil(math.log2(n)) + 1
            old = tree.subtree(0, m)
            assert v.verify_consistency(m, n, old, root, proof), (m, n)
            if 0 < m < n:
                assert not v.verify_consistency(m, n, v.leaf_hash(b"other"), root, proof)
                rewritten = synthetic(n)
                rewritten.leaves[m - 1] = v.leaf_hash(b"rewritten")
                new_root = rewritten.subtree(0, n)
                assert not v.verify_consistency(m, n, old, new_root, rewritten.consistency(m, n)), (
                    m,
                    n,
                )


def test_proofs_stay_logarithmic_in_a_large_tree() -> None:
    n = 100_000
    tree = synthetic(n)
    root = tree.subtree(0, n)
    proof = tree.inclusion(77_777, n)
    assert len(proof) == math.ceil(math.log2(n))
    assert v.verify_inclusion(tree.leaves[77_777], 77_777, n, proof, root)
    consistency = tree.consistency(65_537, n)
    assert len(consistency) <= math.ceil(math.log2(n)) + 1
    assert v.verify_consistency(65_537, n, tree.subtree(0, 65_537), root, consistency)


# --- the service -------------------------------------------------------------------------


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "log-key.pem"
    create_key_file(path)
    return path


@pytest.fixture
def signed_app(seeded_db: str, key_file: Path) -> Iterator[FastAPI]:
    application = create_app(make_settings(seeded_db, log_key_file=key_file))
    yield application
    services_of(application).engine.dispose()


@pytest.fixture
def signed(signed_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(signed_app) as test_client:
        yield test_client


def fetcher(client: TestClient) -> v.Fetch:
    def fetch(path: str, params: dict[str, Any]) -> Any:
        response = client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    return fetch


def quiet(_line: str) -> None:
    return None


def write(client: TestClient, app: FastAPI, reference: str) -> None:
    key = make_key(app, "register:write", name="DP team")
    etag = client.get(f"{API}/recipients/nexus").headers["etag"]
    response = client.patch(
        f"{API}/recipients/nexus",
        json={"contract_reference": reference},
        headers={"Authorization": f"Bearer {key}", "If-Match": etag},
    )
    assert response.status_code == 200, response.text


def backend_of(engine: Engine) -> str:
    return engine.dialect.name


def rewrite(engine: Engine, statements: list[Any]) -> None:
    """Edit the trail behind the application's back (on PostgreSQL as the
    superuser who can switch the append-only trigger off)."""
    with engine.begin() as conn:
        if backend_of(engine) == "postgresql":
            conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        for statement in statements:
            conn.execute(statement)
        if backend_of(engine) == "postgresql":
            conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))


def rewrite_from(engine: Engine, seq: int, actor_name: str) -> None:
    """Change event ``seq`` and recompute its hash and every later one, and
    the chain head: the hash chain then verifies."""
    with Session(engine) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
        prev = events[seq - 2].hash if seq > 1 else "0" * 64
        statements: list[Any] = []
        for event in events[seq - 1 :]:
            if event.seq == seq:
                event.actor_name = actor_name
            new_hash = event_hash(prev, hashed_fields(event))
            statements.append(
                update(AuditEvent)
                .where(AuditEvent.seq == event.seq)
                .values(actor_name=event.actor_name, prev_hash=prev, hash=new_hash)
            )
            prev = new_hash
        session.rollback()
    statements.append(update(ChainHead).values(hash=prev))
    rewrite(engine, statements)


def test_a_leaf_is_what_the_change_feed_serves(client: TestClient, shared_app: FastAPI) -> None:
    """The verifier rebuilds each leaf from /changes with the standard
    library alone: byte for byte the service's leaf."""
    served = client.get(f"{API}/changes", params={"limit": 1000}).json()["items"]
    with services_of(shared_app).sessions() as session:
        first = select(AuditEvent).where(AuditEvent.seq <= 1000)
        events = {e.seq: e for e in session.scalars(first)}
    assert len(served) == min(1000, len(events))
    for change in served:
        expected = leaf_input(events[change["seq"]])
        assert v.leaf_of(change) == expected
        assert expected == orjson.dumps(orjson.loads(expected), option=orjson.OPT_SORT_KEYS)


def test_checkpoints_are_signed_and_the_verifier_accepts_an_honest_log(
    signed: TestClient, signed_app: FastAPI
) -> None:
    keys = signed.get(f"{API}/log/keys").json()["keys"]
    assert [k["current"] for k in keys] == [True]
    saved = signed.get(f"{API}/log/checkpoint").json()
    assert saved["signature"]
    assert saved["key_id"] == keys[0]["key_id"]
    assert saved["tree_size"] == signed.get(f"{API}/changes/verify").json()["chain"]["events"]
    assert v.verify_signature(saved, v.public_keys_of({"keys": keys})) is None
    # The same tree size always gives the same checkpoint (any worker, any time).
    assert signed.get(f"{API}/log/checkpoint").json() == saved

    write(signed, signed_app, "Contract 2026/1")
    write(signed, signed_app, "Contract 2026/2")
    latest = v.check(
        fetcher(signed), saved=saved, event=saved["tree_size"] - 3, full=True, say=quiet
    )
    assert latest["tree_size"] == saved["tree_size"] + 2
    at_saved = signed.get(f"{API}/log/checkpoint", params={"tree_size": saved["tree_size"]})
    assert at_saved.json() == saved


def test_a_truncated_log_is_detected(
    signed: TestClient, signed_app: FastAPI, engine_of_signed: Engine
) -> None:
    saved = signed.get(f"{API}/log/checkpoint").json()
    last = saved["tree_size"]
    with Session(engine_of_signed) as session:
        previous = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == last - 1))
    rewrite(
        engine_of_signed,
        [
            text("DELETE FROM audit_events WHERE seq = :seq").bindparams(seq=last),
            update(ChainHead).values(seq=last - 1, hash=previous),
        ],
    )
    # The chain alone still verifies: it proves itself, not its past.
    assert signed.get(f"{API}/changes/verify").json()["chain"]["ok"] is True
    with pytest.raises(v.Failure, match="shrank"):
        v.check(fetcher(signed), saved=saved, say=quiet)
    write(signed, signed_app, "Contract 2026/3")  # regrow to the same size
    assert signed.get(f"{API}/log/checkpoint").json()["tree_size"] == last
    with pytest.raises(v.Failure, match="rewritten"):
        v.check(fetcher(signed), saved=saved, say=quiet)


def test_history_rewritten_with_recomputed_hashes_is_detected(
    signed: TestClient, engine_of_signed: Engine, seeded_db: str, tmp_path: Path
) -> None:
    saved = signed.get(f"{API}/log/checkpoint").json()
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(saved))
    assert run_cli(seeded_db, signed, "audit", "verify", "--checkpoint", str(path)).returncode == 0

    rewrite_from(engine_of_signed, 5, "someone else")
    assert signed.get(f"{API}/changes/verify").json()["chain"]["ok"] is True
    with pytest.raises(v.Failure, match="rewritten"):
        v.check(fetcher(signed), saved=saved, say=quiet)
    command = run_cli(seeded_db, signed, "audit", "verify", "--checkpoint", str(path))
    assert command.returncode == 1
    assert "chain: intact" in command.stdout
    assert "rewritten" in command.stderr


def test_a_forged_leaf_is_not_included(signed: TestClient) -> None:
    change = signed.get(f"{API}/changes", params={"since": 9, "limit": 1}).json()["items"][0]
    proof = signed.get(f"{API}/log/proof/inclusion", params={"seq": 10}).json()
    root = bytes.fromhex(proof["checkpoint"]["root_hash"])
    path = [bytes.fromhex(h) for h in proof["proof"]]
    size = proof["tree_size"]
    honest = v.leaf_hash(v.leaf_of(change))
    assert honest.hex() == proof["leaf_hash"]
    assert v.verify_inclusion(honest, 9, size, path, root)
    forged = v.leaf_hash(v.leaf_of({**change, "actor": {**change["actor"], "name": "x"}}))
    assert not v.verify_inclusion(forged, 9, size, path, root)


def test_a_wrong_key_or_an_edited_checkpoint_fails(signed: TestClient) -> None:
    saved = signed.get(f"{API}/log/checkpoint").json()
    keys = v.public_keys_of(signed.get(f"{API}/log/keys").json())
    other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    assert v.verify_signature(saved, {saved["key_id"]: other}) is not None
    assert v.verify_signature(saved, {}) is not None
    edited = {**saved, "tree_size": saved["tree_size"] - 1}
    assert v.verify_signature(edited, keys) == "the signature does not match the checkpoint"
    with pytest.raises(v.Failure, match="saved checkpoint"):
        v.check(fetcher(signed), saved=edited, say=quiet)
    forged = Ed25519PrivateKey.generate()
    message = v.checkpoint_message(saved)
    impostor = {**saved, "signature": base64.b64encode(forged.sign(message)).decode()}
    with pytest.raises(v.Failure, match="saved checkpoint"):
        v.check(fetcher(signed), saved=impostor, say=quiet)


def test_documents_and_exports_embed_the_checkpoint_they_were_made_at(
    signed: TestClient, signed_app: FastAPI
) -> None:
    def checkpoint_at(size: int) -> dict[str, Any]:
        body: dict[str, Any] = signed.get(
            f"{API}/log/checkpoint", params={"tree_size": size}
        ).json()
        return body

    document = signed.get(f"{API}/register").json()
    assert document["checkpoint"] == checkpoint_at(document["data_version"])
    assert document["checkpoint"]["signature"]
    past = signed.get(f"{API}/register", params={"as_of": "2000-01-01T00:00:00Z"})
    if past.status_code == 200:
        assert past.json()["checkpoint"]["tree_size"] == past.json()["data_version"]
    csv = signed.get(f"{API}/register.csv").text
    assert document["checkpoint"]["root_hash"] in csv
    assert document["checkpoint"]["signature"] in csv
    tilt = signed.get(f"{API}/register.tilt.json").json()
    assert tilt["meta"]["x-checkpoint"] == document["checkpoint"]
    key = make_key(signed_app, "register:write", name="publisher")
    published = signed.post(
        f"{API}/versions",
        json={"name": "Checkpointed"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert published.status_code == 201, published.text
    write(signed, signed_app, "Contract 2026/4")
    frozen = signed.get(f"{API}/versions/{published.json()['slug']}/register").json()
    assert frozen["checkpoint"] == checkpoint_at(published.json()["data_version"])
    assert published.json()["checkpoint"] == frozen["checkpoint"]
    listed = signed.get(f"{API}/versions").json()["items"]
    assert [v["checkpoint"] for v in listed if v["slug"] == published.json()["slug"]] == [
        frozen["checkpoint"]
    ]
    assert (
        v.verify_signature(
            frozen["checkpoint"], v.public_keys_of(signed.get(f"{API}/log/keys").json())
        )
        is None
    )


def test_proof_parameters_are_bounded(client: TestClient) -> None:
    size = client.get(f"{API}/log/checkpoint").json()["tree_size"]
    for path, params, field in [
        ("/log/proof/inclusion", {"seq": size + 1}, "seq"),
        ("/log/proof/inclusion", {"seq": 1, "tree_size": size + 1}, "tree_size"),
        ("/log/proof/consistency", {"first": size + 1}, "first"),
        ("/log/proof/consistency", {"first": 2, "second": 1}, "first"),
        ("/log/checkpoint", {"tree_size": 2**63}, "tree_size"),
    ]:
        body = assert_problem(client.get(API + path, params=params), 422)
        assert field in json.dumps(body["errors"]), body


def test_unsigned_without_a_key(client: TestClient) -> None:
    checkpoint = client.get(f"{API}/log/checkpoint").json()
    assert checkpoint["signature"] is None
    assert checkpoint["key_id"] is None
    assert client.get(f"{API}/log/keys").json() == {"keys": []}


def test_the_verifier_runs_alone_from_the_served_file(client: TestClient, tmp_path: Path) -> None:
    served = client.get(f"{API}/log/verifier.py")
    assert served.status_code == 200
    assert served.content == Path(v.__file__).read_bytes()
    script = tmp_path / "verifier.py"
    script.write_bytes(served.content)
    run = subprocess.run(
        [sys.executable, "-I", str(script), "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "--checkpoint" in run.stdout
    source = served.text
    assert "import app" not in source
    assert "from app" not in source


@pytest.fixture
def engine_of_signed(signed_app: FastAPI) -> Engine:
    engine: Engine = services_of(signed_app).engine
    return engine


def run_cli(url: str, client: TestClient, *args: str) -> subprocess.CompletedProcess[str]:
    app = client.app
    assert isinstance(app, FastAPI)
    key = services_of(app).settings.log_key_file
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={"DATABASE_URL": url, "LOG_KEY_FILE": str(key), "PATH": os.defpath},
        capture_output=True,
        text=True,
        check=False,
    )
