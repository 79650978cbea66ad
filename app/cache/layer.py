"""The response cache: a pure ASGI layer directly around FastAPI's router.

A GET under the public API prefix is answered from the cache when an entry
for the same path, canonical query string and ``Accept`` exists for the
current data version. Entries are only ever made from a 200 that the routed
path itself answered to that exact request (so query validation, 404s and
422s stay the router's), and replayed with the routed headers and bytes,
compressed on demand once per entry and coding. Everything else goes to the
router, through an admission gate sized to the database pool (see
``app.cache.admission``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import anyio
import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.cache.admission import Gate
from app.cache.encoding import IDENTITY, compress, negotiate
from app.cache.entry import (
    Entry,
    Headers,
    Variant,
    cacheable,
    make_entry,
    normalise_query,
)
from app.cache.lru import ByteLRU
from app.cache.version import VersionWatcher
from app.etags import none_match

INLINE_COMPRESS_LIMIT = 16 * 1024
"""Bodies above this are compressed in a worker thread, off the event loop."""

BYPASS_HEADERS = frozenset({b"authorization", b"cookie"})


class ResponseCache:
    def __init__(
        self,
        app: ASGIApp,
        *,
        lru: ByteLRU,
        watcher: VersionWatcher,
        gate: Gate,
        prefix: str = "/api/",
        max_entry_bytes: int,
        min_compress_bytes: int,
    ) -> None:
        self.app = app
        self.lru = lru
        self.watcher = watcher
        self.gate = gate
        self.prefix = prefix
        self.max_entry_bytes = max_entry_bytes
        self.min_compress_bytes = min_compress_bytes
        self._inflight: dict[Hashable, anyio.Event] = {}
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] != "GET" or not scope["path"].startswith(self.prefix):
            await self.gate.run(self.app, scope, receive, send)
            return
        accept = accept_encoding = host = b""
        if_none_match: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value
            elif name == b"host":  # exports carry absolute IRIs built from it
                host = value
            elif name == b"accept-encoding":
                accept_encoding = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name in BYPASS_HEADERS:
                await self.gate.run(self.app, scope, receive, send)
                return
        version = self.watcher.fresh()
        if version is None:
            version = await self.watcher.current()
            if version is None:
                await self.gate.run(self.app, scope, receive, send)
                return
        key = (host, scope["path"], normalise_query(scope["query_string"]), accept)
        entry: Entry | None = self.lru.get(key)
        if entry is None or entry.version != version:
            pending = self._inflight.get(key)
            if pending is not None:  # the same miss is being answered: share it
                await pending.wait()
                entry = self.lru.get(key)
            if entry is None or entry.version != version:
                await self._miss(scope, receive, send, key, version, if_none_match, accept_encoding)
                return
        self.hits += 1
        await self._serve(entry, key, if_none_match, accept_encoding, send)

    async def _miss(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        key: Hashable,
        version: int,
        if_none_match: bytes | None,
        accept_encoding: bytes,
    ) -> None:
        self.misses += 1
        done = anyio.Event()
        self._inflight.setdefault(key, done)
        try:
            capture = Capture(send, self.max_entry_bytes)
            # The router must answer in full (not 304) so that the entry is complete.
            headers = [(k, v) for k, v in scope["headers"] if k != b"if-none-match"]
            await self.gate.run(self.app, {**scope, "headers": headers}, receive, capture.send)
            if not capture.complete:
                return
            entry = make_entry(version, capture.headers, capture.body, self.min_compress_bytes)
            if self.watcher.version == version:
                self.lru.put(key, entry, entry.size)
        finally:
            if self._inflight.get(key) is done:
                del self._inflight[key]
            done.set()
        await self._serve(entry, key, if_none_match, accept_encoding, send)

    async def _serve(
        self,
        entry: Entry,
        key: Hashable,
        if_none_match: bytes | None,
        accept_encoding: bytes,
        send: Send,
    ) -> None:
        coding = negotiate(accept_encoding) if entry.compress else IDENTITY
        etag = entry.coded_etag(coding)
        if if_none_match is not None and etag is not None and none_match(if_none_match, etag):
            headers = entry.not_modified_headers(coding)
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        variant = entry.variants.get(coding)
        if variant is None:
            variant = await self._compress(entry, key, coding)
        await send({"type": "http.response.start", "status": 200, "headers": variant.headers})
        await send({"type": "http.response.body", "body": variant.body})

    async def _compress(self, entry: Entry, key: Hashable, coding: str) -> Variant:
        body = entry.variants[IDENTITY].body
        if len(body) > INLINE_COMPRESS_LIMIT:
            compressed = await anyio.to_thread.run_sync(compress, body, coding)
        else:
            compressed = compress(body, coding)
        if coding in entry.variants:  # another request got there first
            return entry.variants[coding]
        variant = entry.add(coding, compressed)
        self.lru.grow(key, len(compressed))
        return variant


class Capture:
    """Holds back a cacheable response until it is complete; forwards any
    other response (or one that grows past the entry limit) as it comes."""

    def __init__(self, send: Send, limit: int) -> None:
        self._send = send
        self._limit = limit
        self._start: Message | None = None
        self._chunks: list[bytes] = []
        self._size = 0
        self.passing = False
        self.complete = False
        self.headers: Headers = []
        self.body = b""

    async def send(self, message: Message) -> None:
        if self.passing:
            await self._send(message)
            return
        kind = message["type"]
        if kind == "http.response.start":
            headers: Any = message.get("headers", [])
            self.headers = [(bytes(k), bytes(v)) for k, v in headers]
            if cacheable(message["status"], self.headers) and not message.get("trailers"):
                self._start = message
            else:
                self.passing = True
                await self._send(message)
            return
        if kind == "http.response.body" and self._start is not None:
            chunk: bytes = message.get("body", b"")
            self._chunks.append(chunk)
            self._size += len(chunk)
            if self._size > self._limit:
                await self._flush(more_body=message.get("more_body", False))
            elif not message.get("more_body", False):
                self.body = b"".join(self._chunks)
                self.complete = True
            return
        await self._flush(more_body=True)
        await self._send(message)

    async def _flush(self, *, more_body: bool) -> None:
        self.passing = True
        if self._start is not None:
            await self._send(self._start)
            body = b"".join(self._chunks)
            await self._send({"type": "http.response.body", "body": body, "more_body": more_body})
            self._start = None
            self._chunks = []
