"""Content-coding negotiation (RFC 9110 section 12.5.3) and compression."""

from __future__ import annotations

import gzip

import brotli

from app.accept import weighted

IDENTITY = "identity"
GZIP = "gzip"
BR = "br"
CODINGS = (BR, GZIP)

_negotiated: dict[bytes, str] = {}


def negotiate(accept_encoding: bytes) -> str:
    """The best coding the client accepts: br, then gzip, else identity.

    Clients send a handful of distinct headers, so answers are memoised."""
    found = _negotiated.get(accept_encoding)
    if found is None:
        found = _negotiate(accept_encoding)
        if len(_negotiated) > 512:
            _negotiated.clear()
        _negotiated[accept_encoding] = found
    return found


def _negotiate(accept_encoding: bytes) -> str:
    weights = dict(weighted(accept_encoding.decode("latin-1")))
    best, best_weight = IDENTITY, 0.0
    for coding in CODINGS:
        weight = weights.get(coding, weights.get("*", 0.0))
        if weight > best_weight:
            best, best_weight = coding, weight
    return best


def compress(body: bytes, coding: str) -> bytes:
    # Once per cached entry, so a good ratio is worth a few milliseconds;
    # brotli's top qualities would cost seconds on a large register.
    if coding == BR:
        result: bytes = brotli.compress(body, quality=6)
        return result
    if coding == GZIP:
        return gzip.compress(body, compresslevel=6, mtime=0)
    raise ValueError(coding)


def compressible(content_type: bytes) -> bool:
    media = content_type.split(b";", 1)[0].strip().lower()
    return (
        media.startswith(b"text/")
        or media.endswith((b"/json", b"+json", b"/xml", b"+xml"))
        or media in (b"application/javascript", b"application/x-ndjson")
    )
