"""The Merkle log's endpoints: checkpoints, proofs, keys and the verifier."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from starlette.responses import Response

from app.api.deps import ReadSession, only_params
from app.api.responses import body_response, checked_response
from app.errors import problem_responses
from app.history.moments import MAX_SEQ
from app.trail import log

router = APIRouter(prefix="/api/v1/log", tags=["log"])
VERIFIER = Path(log.__file__).with_name("verifier.py")

TreeSize = Annotated[
    int | None, Query(ge=0, le=MAX_SEQ, description="A tree size; default: the log's size now.")
]


class CheckpointOut(BaseModel):
    origin: str
    tree_size: int
    root_hash: str
    timestamp: str
    key_id: str | None
    signature: str | None


class InclusionOut(BaseModel):
    seq: int
    leaf_index: int
    tree_size: int
    leaf_hash: str
    proof: list[str]
    checkpoint: CheckpointOut


class ConsistencyOut(BaseModel):
    first: int
    second: int
    proof: list[str]
    first_checkpoint: CheckpointOut
    second_checkpoint: CheckpointOut


class PublicKeyOut(BaseModel):
    key_id: str
    algorithm: str
    public_key: str
    current: bool


class PublicKeysOut(BaseModel):
    keys: list[PublicKeyOut]


def _json(request: Request, model: type[BaseModel], body: dict[str, Any]) -> Response:
    return checked_response(request, model, body, public=False)


@router.get(
    "/checkpoint",
    response_model=CheckpointOut,
    summary="The signed checkpoint of the audit log",
    dependencies=[Depends(only_params("tree_size"))],
    responses=problem_responses(422),
)
def get_checkpoint(request: Request, session: ReadSession, tree_size: TreeSize = None) -> Response:
    """Tree size, Merkle root hash (RFC 9162) and the time of the last event,
    signed with Ed25519: save it, and later prove that the log still extends
    it (``/log/proof/consistency``, or the verifier)."""
    return _json(request, CheckpointOut, log.checkpoint(session, tree_size))


@router.get(
    "/proof/inclusion",
    response_model=InclusionOut,
    summary="Proof that an event is in the log",
    dependencies=[Depends(only_params("seq", "tree_size"))],
    responses=problem_responses(422),
)
def get_inclusion(
    request: Request,
    session: ReadSession,
    seq: Annotated[int, Query(ge=1, le=MAX_SEQ, description="The event's sequence number.")],
    tree_size: TreeSize = None,
) -> Response:
    """The audit path from the event's leaf to the root of the tree of
    ``tree_size`` events (RFC 9162, 2.1.3), and that tree's checkpoint."""
    return _json(request, InclusionOut, log.inclusion_proof(session, seq, tree_size))


@router.get(
    "/proof/consistency",
    response_model=ConsistencyOut,
    summary="Proof that the log extends an earlier one",
    dependencies=[Depends(only_params("first", "second"))],
    responses=problem_responses(422),
)
def get_consistency(
    request: Request,
    session: ReadSession,
    first: Annotated[int, Query(ge=0, le=MAX_SEQ, description="The earlier tree size.")],
    second: Annotated[
        int | None, Query(ge=0, le=MAX_SEQ, description="The later tree size; default: now.")
    ] = None,
) -> Response:
    """The nodes proving that the first ``first`` events of the tree of
    ``second`` events are those the checkpoint of ``first`` covered
    (RFC 9162, 2.1.4)."""
    return _json(request, ConsistencyOut, log.consistency_proof(session, first, second))


@router.get(
    "/keys",
    response_model=PublicKeysOut,
    summary="The public keys checkpoints are signed with",
    dependencies=[Depends(only_params())],
)
def get_keys(request: Request, session: ReadSession) -> Response:
    """The current key and retired ones (for checkpoints saved before a
    rotation); a key id is the first 16 hex digits of the SHA-256 of the raw
    32-byte Ed25519 public key."""
    return _json(request, PublicKeysOut, {"keys": log.keys_of(session).public_keys()})


@router.get(
    "/verifier.py",
    summary="The standalone verifier auditors run",
    response_class=Response,
    responses={200: {"content": {"text/x-python": {}}}},
    dependencies=[Depends(only_params())],
)
def get_verifier(request: Request) -> Response:
    return body_response(request, VERIFIER.read_bytes(), media_type="text/x-python; charset=utf-8")
