"""The outermost layer: request id, access log line and metrics.

Pure ASGI, so nothing is buffered and the response cache's early answers
are counted like any other.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.observability.logs import request_id_var
from app.observability.metrics import Metrics

HEADER = b"x-request-id"
SANE_ID = re.compile(rb"[A-Za-z0-9][A-Za-z0-9._:\-]{0,99}")
"""A client's own id is kept when it could not upset a log or a header."""

access_logger = logging.getLogger("app.access")


_PROCESS_PREFIX = os.urandom(8).hex()
_sequence = itertools.count(1)


def new_request_id() -> str:
    """32 hex digits, unique across processes and requests: a random prefix per
    process and a counter (a fresh 16 random bytes per request cost more than
    a cached answer's whole replay)."""
    return f"{_PROCESS_PREFIX}{next(_sequence) & 0xFFFFFFFFFFFFFFFF:016x}"


def incoming_request_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == HEADER:
            if SANE_ID.fullmatch(value):
                return str(value.decode("ascii"))
            break
    return new_request_id()


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = incoming_request_id(scope)
        # ``request.state.request_id``: where app.api.write_access.request_id and the
        # audit trail pick it up.
        scope.setdefault("state", {})["request_id"] = rid
        # Not reset on the way out: each request runs in a task of its own,
        # and the last-resort error handler (outside this layer) logs with it.
        request_id_var.set(rid)
        status = 500
        header_value = rid.encode("ascii")

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (HEADER, header_value)]
            await send(message)

        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self.metrics.in_progress.dec()
            elapsed = time.perf_counter() - started
            record(self.metrics, scope, status, elapsed)


def record(metrics: Metrics, scope: Scope, status: int, elapsed: float) -> None:
    """Count an answered request and write its access log line."""
    metrics.observe(scope, status, elapsed)
    if access_logger.isEnabledFor(logging.INFO):
        access_logger.info(
            "%s %s %d",
            scope["method"],
            scope["path"],
            status,
            extra={
                "method": scope["method"],
                "path": scope["path"][:1000],
                "query": scope.get("query_string", b"")[:1000].decode("latin-1"),
                "route": metrics.routes.name(scope),
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "client": (scope.get("client") or (None,))[0],
            },
        )
