"""Cache hits answered in front of every other layer.

A hit served by the response cache (innermost, next to the router) still
crosses the request-id, metrics, security-header, CORS, limit and HEAD layers
on its way in and out, and those layers cost more than the hit itself. This
layer sits outside all of them. The first time an entry answers a request of
a given kind (``app.cache.lookup.Kind``), coding and status, the request goes
through the whole stack and the headers that reach the client are recorded
on the entry; later requests of that kind get the same status, headers and
bytes straight away, with a fresh request id, counted in the metrics and the
access log like any other. When the entry goes stale (the data version
moved) the recorded headers go with it.

Only ``GET`` requests the response cache would answer are considered; all
else passes through untouched.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.cache.layer import SERVED
from app.cache.lookup import CacheLookup, CacheRequest
from app.observability.logs import request_id_var
from app.observability.metrics import Metrics
from app.observability.middleware import HEADER as REQUEST_ID
from app.observability.middleware import incoming_request_id, record

REPLAY_OVERHEAD = 256
"""Bytes counted per recorded header list on top of the headers themselves."""


class FastHits:
    def __init__(self, app: ASGIApp, *, lookup: CacheLookup, metrics: Metrics) -> None:
        self.app = app
        self.lookup = lookup
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = self.lookup.request(scope)
        if request is None:
            await self.app(scope, receive, send)
            return
        entry = self.lookup.fresh_entry(request)
        if entry is not None:
            status, coding = entry.answer(request.if_none_match, request.accept_encoding)
            headers = entry.replays.get((request.kind, coding, status))
            variant = entry.variants.get(coding)
            if headers is not None and (status == 304 or variant is not None):
                started = time.perf_counter()
                rid = incoming_request_id(scope)
                request_id_var.set(rid)
                body = b"" if status == 304 or variant is None else variant.body
                self.lookup.hits += 1
                await send(
                    {
                        "type": "http.response.start",
                        "status": status,
                        "headers": [*headers, (REQUEST_ID, rid.encode("ascii"))],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                record(self.metrics, scope, status, time.perf_counter() - started)
                return
        await self._through(scope, receive, send, request)

    async def _through(
        self, scope: Scope, receive: Receive, send: Send, request: CacheRequest
    ) -> None:
        """Run the whole stack; if the cache answered, keep what the client got."""
        state = scope.setdefault("state", {})
        sent: list[tuple[bytes, bytes]] | None = None
        sent_status = 0

        async def keep_headers(message: Message) -> None:
            nonlocal sent, sent_status
            if message["type"] == "http.response.start":
                sent_status = message["status"]
                sent = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
            await send(message)

        await self.app(scope, receive, keep_headers)
        served = state.get(SERVED)
        if served is None or sent is None:
            return
        entry, coding, status = served
        if status != sent_status:
            return  # a layer outside the cache changed the answer: replay nothing
        headers = [(k, v) for k, v in sent if k.lower() != REQUEST_ID]
        slot = (request.kind, coding, status)
        if slot not in entry.replays:
            entry.replays[slot] = headers
            if self.lookup.lru.get(request.key) is entry:
                size = REPLAY_OVERHEAD + sum(len(k) + len(v) for k, v in headers)
                self.lookup.lru.grow(request.key, size)
