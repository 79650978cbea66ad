"""A fixed body served in every content coding the client accepts, each coding
with its own strong ETag (RFC 9110 8.8.3: the gzip bytes are another
representation than the identity bytes), revalidated with ``If-None-Match``."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response

from app.api.responses import if_none_match
from app.cache.encoding import CODINGS, IDENTITY, compress, negotiate
from app.cache.entry import coded_etag


@dataclass
class Encoded:
    """A body in each content coding, and each one's ETag."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    etags: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, body: bytes, *, compressible: bool = True) -> Encoded:
        encoded = cls()
        digest = hashlib.sha256(body).hexdigest()[:32]
        encoded.bodies[IDENTITY] = body
        encoded.etags[IDENTITY] = f'"{digest}"'
        for coding in CODINGS if compressible else ():
            encoded.bodies[coding] = compress(body, coding)
            encoded.etags[coding] = coded_etag(encoded.etags[IDENTITY].encode(), coding).decode()
        return encoded


def serve(request: Request, encoded: Encoded, media_type: str, cache_control: str) -> Response:
    coding = negotiate(request.headers.get("accept-encoding", "").encode("latin-1"))
    if coding not in encoded.bodies:
        coding = IDENTITY
    etag = encoded.etags[coding]
    headers = {"ETag": etag, "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    if if_none_match(request, etag):
        return Response(status_code=304, headers=headers)
    if coding != IDENTITY:
        headers["Content-Encoding"] = coding
    return Response(encoded.bodies[coding], media_type=media_type, headers=headers)
