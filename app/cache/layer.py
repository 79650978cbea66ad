"""The response cache: a pure ASGI layer directly around FastAPI's router.

A GET under the public API prefix is answered from the cache when an entry
for the same path, canonical query string and ``Accept`` exists and the data
version it depends on has not moved: the version of the one controller the
routed answer declared it reads, or else the global one (``app.cache.scope``).
Entries are only ever made from a 200 that the routed
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
from app.cache.encoding import IDENTITY, compress
from app.cache.entry import Entry, Headers, Variant, cacheable, make_entry
from app.cache.lookup import CacheLookup, CacheRequest
from app.cache.scope import SCOPE_KEY, Dependency

INLINE_COMPRESS_LIMIT = 16 * 1024
"""Bodies above this are compressed in a worker thread, off the event loop."""

SERVED = "cache.served"
"""Scope state key: the (entry, coding, status) this layer answered with, for
``app.fast_hits`` to record what the outer layers added."""


class ResponseCache:
    def __init__(
        self,
        app: ASGIApp,
        *,
        lookup: CacheLookup,
        gate: Gate,
        max_entry_bytes: int,
        min_compress_bytes: int,
    ) -> None:
        self.app = app
        self.lookup = lookup
        self.lru = lookup.lru
        self.watcher = lookup.watcher
        self.gate = gate
        self.max_entry_bytes = max_entry_bytes
        self.min_compress_bytes = min_compress_bytes
        self._inflight: dict[Hashable, anyio.Event] = {}

    @property
    def hits(self) -> int:
        return self.lookup.hits

    @property
    def misses(self) -> int:
        return self.lookup.misses

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = self.lookup.request(scope)
        if request is None:
            await self.gate.run(self.app, scope, receive, send)
            return
        if self.watcher.fresh() is None and await self.watcher.current() is None:
            await self.gate.run(self.app, scope, receive, send)
            return
        key = request.key
        entry: Entry | None = self.lru.get(key)
        if entry is None or not self.lookup.valid(entry):
            pending = self._inflight.get(key)
            if pending is not None:  # the same miss is being answered: share it
                await pending.wait()
                entry = self.lru.get(key)
            if entry is None or not self.lookup.valid(entry):
                await self._miss(scope, receive, send, request)
                return
        self.lookup.hits += 1
        await self._serve(entry, request, scope, send)

    async def _miss(
        self, scope: Scope, receive: Receive, send: Send, request: CacheRequest
    ) -> None:
        self.lookup.misses += 1
        key = request.key
        done = anyio.Event()
        self._inflight.setdefault(key, done)
        known, generation = self.watcher.version or 0, self.watcher.generation
        try:
            capture = Capture(send, self.max_entry_bytes)
            dependency = Dependency()
            # The router must answer in full (not 304) so that the entry is complete.
            headers = [(k, v) for k, v in scope["headers"] if k != b"if-none-match"]
            routed = {**scope, "headers": headers, SCOPE_KEY: dependency}
            await self.gate.run(self.app, routed, receive, capture.send)
            if not capture.complete:
                return
            controller = dependency.controller
            version = self.watcher.version_of(controller)
            entry = make_entry(
                version,
                capture.headers,
                capture.body,
                self.min_compress_bytes,
                controller=controller,
                generation=generation,
            )
            # Every event up to ``known`` was committed before the router
            # read anything; a later one may not be in what it read: an entry
            # for a version past ``known`` is served once, not kept.
            if version <= known and generation == self.watcher.generation:
                self.lru.put(key, entry, entry.size)
        finally:
            if self._inflight.get(key) is done:
                del self._inflight[key]
            done.set()
        await self._serve(entry, request, scope, send)

    async def _serve(self, entry: Entry, request: CacheRequest, scope: Scope, send: Send) -> None:
        status, coding = entry.answer(request.if_none_match, request.accept_encoding)
        state = scope.get("state")
        if state is not None:
            state[SERVED] = (entry, coding, status)
        if status == 304:
            headers = entry.not_modified_headers(coding)
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        variant = entry.variants.get(coding)
        if variant is None:
            variant = await self._compress(entry, request.key, coding)
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
