"""JSON responses with validators (ETag) and cache headers."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from app.api.services import services
from app.etags import none_match

JSON = "application/json"


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


CODING_SUFFIXES = ('-gzip"', '-br"')


def identity_etag(tag: str) -> str:
    """The identity representation's tag for a tag of one of its content codings."""
    for suffix in CODING_SUFFIXES:
        if tag.endswith(suffix):
            return tag[: -len(suffix)] + '"'
    return tag


def weak_etag(*parts: str) -> str:
    """A validator for a document whose bytes may differ in details that do
    not matter (a generation time) while its content stays the same: derived
    from the content's digest and stamps, so every worker gives the same one."""
    return 'W/"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32] + '"'


def if_none_match(request: Request, etag: str) -> bool:
    """Whether the client holds this representation already (answer 304)."""
    return none_match(request.headers.get("if-none-match"), etag)


def cache_control(request: Request) -> str:
    settings = services(request).settings
    return (
        f"public, max-age={settings.public_max_age}, "
        f"stale-while-revalidate={settings.public_stale_while_revalidate}"
    )


def body_response(
    request: Request,
    body: bytes,
    *,
    media_type: str = JSON,
    headers: dict[str, str] | None = None,
    public: bool = True,
    status_code: int = 200,
    etag: str | None = None,
) -> Response:
    """A response for ``body`` with its ETag; 304 when the client has it."""
    etag = etag or etag_for(body)
    all_headers = {"ETag": etag, "Vary": "Accept, Accept-Encoding"}
    all_headers["Cache-Control"] = cache_control(request) if public else "no-store"
    all_headers.update(headers or {})
    if if_none_match(request, etag):
        return Response(status_code=304, headers=all_headers)
    return Response(body, status_code=status_code, media_type=media_type, headers=all_headers)


def json_response(request: Request, data: Any, **kwargs: Any) -> Response:
    return body_response(request, orjson.dumps(data), **kwargs)


def checked_response(
    request: Request, model: type[BaseModel], data: dict[str, Any], **kwargs: Any
) -> Response:
    """``json_response`` for a body the route documents as ``model``: the
    body is validated against the model first, so one that drifts from its
    documentation fails (a 500, logged) instead of reaching clients, as
    ``response_model`` would check a returned value. The bytes sent are the
    body's own (ETags stay those of the unchecked routes). For reads served
    from pre-encoded caches this check is skipped: see their routes."""
    model.model_validate(data)
    return json_response(request, data, **kwargs)
