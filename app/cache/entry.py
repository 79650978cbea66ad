"""A cached response: the routed path's exact status line, headers and body,
plus its compressed variants, built once and replayed as is."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes

from app.cache.encoding import IDENTITY, compressible, negotiate
from app.etags import none_match

Headers = list[tuple[bytes, bytes]]
CACHEABLE_VARY = frozenset({b"accept", b"accept-encoding"})
ENTRY_OVERHEAD = 512
"""Bytes counted per entry on top of its bodies (key, headers, objects)."""


@dataclass
class Variant:
    headers: Headers
    body: bytes


@dataclass
class Entry:
    version: int
    """The data version the answer depends on (``app.cache.scope``)."""
    headers: Headers
    """The routed headers, in their order."""
    etag: bytes | None
    compress: bool
    variants: dict[str, Variant] = field(default_factory=dict)
    not_modified: Headers = field(default_factory=list)
    controller: str | None = None
    """The one controller the answer depends on; None: the whole register."""
    generation: int = 0
    replays: dict[Hashable, Headers] = field(default_factory=dict)
    """The complete headers every layer sent with an answer from this entry,
    request id aside, by (request kind, coding, status): what ``app.fast_hits``
    replays without running those layers again."""

    @property
    def size(self) -> int:
        return ENTRY_OVERHEAD + sum(len(v.body) for v in self.variants.values())

    def answer(self, if_none_match: bytes | None, accept_encoding: bytes) -> tuple[int, str]:
        """The status (200, or 304 for a matching ``If-None-Match``) and coding
        this entry answers a request with."""
        coding = negotiate(accept_encoding) if self.compress else IDENTITY
        etag = self.coded_etag(coding)
        if if_none_match is not None and etag is not None and none_match(if_none_match, etag):
            return 304, coding
        return 200, coding

    def coded_etag(self, coding: str) -> bytes | None:
        return None if self.etag is None else coded_etag(self.etag, coding)

    def not_modified_headers(self, coding: str) -> Headers:
        """What the routed path answers to a matching If-None-Match, for this coding."""
        return _with_etag(self.not_modified, self.coded_etag(coding))

    def variant_headers(self, body: bytes, coding: str) -> Headers:
        length = (b"content-length", str(len(body)).encode())
        headers = [length if k.lower() == b"content-length" else (k, v) for k, v in self.headers]
        headers = _with_etag(headers, self.coded_etag(coding))
        if length not in headers:
            headers.append(length)
        if coding != IDENTITY:
            headers.append((b"content-encoding", coding.encode()))
        return headers

    def add(self, coding: str, body: bytes) -> Variant:
        variant = Variant(self.variant_headers(body, coding), body)
        self.variants[coding] = variant
        return variant


def coded_etag(etag: bytes, coding: str) -> bytes:
    """The ETag of the ``coding`` variant: a strong ETag names one sequence of
    bytes (RFC 9110 8.8.3), and the gzip and br bodies are other ones, so each
    gets its own tag (the identity tag with ``-gzip`` or ``-br``). A weak tag
    already says "equivalent content" and stays as it is."""
    if coding == IDENTITY or etag.startswith(b"W/") or not etag.endswith(b'"'):
        return etag
    return etag[:-1] + b"-" + coding.encode() + b'"'


def _with_etag(headers: Headers, etag: bytes | None) -> Headers:
    if etag is None:
        return headers
    return [(k, etag) if k.lower() == b"etag" else (k, v) for k, v in headers]


def header(headers: Headers, name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


def cacheable(status: int, headers: Headers) -> bool:
    """Only what the routed path marked public, for every client alike."""
    if status != 200:
        return False
    control = (header(headers, b"cache-control") or b"").lower()
    if b"public" not in control or b"no-store" in control or b"private" in control:
        return False
    if header(headers, b"set-cookie") is not None:
        return False
    if header(headers, b"content-encoding") is not None:
        return False
    vary = header(headers, b"vary") or b""
    tokens = {t.strip().lower() for t in vary.split(b",") if t.strip()}
    return tokens <= CACHEABLE_VARY


def make_entry(
    version: int,
    headers: Headers,
    body: bytes,
    min_compress: int,
    *,
    controller: str | None = None,
    generation: int = 0,
) -> Entry:
    vary = (header(headers, b"vary") or b"").lower()
    content_type = header(headers, b"content-type") or b""
    entry = Entry(
        version=version,
        controller=controller,
        generation=generation,
        headers=headers,
        etag=header(headers, b"etag"),
        compress=(
            len(body) >= min_compress and b"accept-encoding" in vary and compressible(content_type)
        ),
        # What the routed path answers to a matching If-None-Match.
        not_modified=[
            (k, v)
            for k, v in headers
            if k.lower() not in (b"content-type", b"content-length", b"content-encoding")
        ],
    )
    entry.add(IDENTITY, body)
    return entry


def normalise_query(query: bytes) -> bytes:
    """Parameters in a canonical order: stable-sorted by decoded name, so the
    values of one name keep their order and every parse of the result gives
    the same multidict as the original. Empty pairs are dropped, as parsers do."""
    if not query:
        return query
    parts: list[bytes] = [part for part in query.split(b"&") if part]
    if len(parts) < 2:
        return b"&".join(parts)
    return b"&".join(sorted(parts, key=_decoded_name))


def _decoded_name(part: Any) -> bytes:
    name: bytes = bytes(part).partition(b"=")[0]
    if b"%" in name or b"+" in name:
        return unquote_to_bytes(name.replace(b"+", b" "))
    return name
