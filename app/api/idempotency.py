"""Idempotent POSTs: a retried request with the same ``Idempotency-Key``
gets the stored answer instead of creating twice.

Records are read and written inside the write transaction, after the
writers' lock is taken, so two concurrent retries cannot both create.
"""

from __future__ import annotations

import hashlib

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from app.api.write_access import Principal
from app.auth.models import IdempotencyRecord
from app.errors import ProblemError, Problems

REPLAYED_HEADER = "Idempotent-Replayed"
STORED_HEADERS = ("etag", "location", "content-type")


def request_fingerprint(request: Request, body: object) -> str:
    canonical = orjson.dumps(
        [request.method, request.url.path, sorted(request.query_params.multi_items()), body],
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(canonical).hexdigest()


def replay(session: Session, principal: Principal, key: str, fingerprint: str) -> Response | None:
    record = session.scalars(
        select(IdempotencyRecord).where(
            IdempotencyRecord.api_key_id == principal.pk, IdempotencyRecord.key == key
        )
    ).one_or_none()
    if record is None:
        return None
    if record.request_hash != fingerprint:
        raise ProblemError(
            "This Idempotency-Key was already used for a different request.",
            problem=Problems.IDEMPOTENCY_KEY_REUSED,
        )
    headers = dict(record.headers)
    headers[REPLAYED_HEADER] = "true"
    return Response(record.body, status_code=record.status_code, headers=headers)


def remember(
    session: Session,
    principal: Principal,
    key: str,
    fingerprint: str,
    request: Request,
    response: Response,
) -> None:
    session.add(
        IdempotencyRecord(
            api_key_id=principal.pk,
            key=key,
            method=request.method,
            path=request.url.path,
            request_hash=fingerprint,
            status_code=response.status_code,
            headers={k: v for k, v in response.headers.items() if k in STORED_HEADERS},
            body=bytes(response.body),
        )
    )
    session.flush()
