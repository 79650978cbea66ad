"""Expensive reads wait their turn, so that cheap ones keep their latency.

A verification replays the whole trail; an ``as_of``, a diff or an export of
a past moment replays it up to a point. However well they are cached, a
crowd of distinct ones could occupy every thread and connection and starve
the cheap reads. So at most ``limit`` of them run at once per worker; the
rest wait on the event loop, holding no thread and no connection, and beyond
``max_waiting`` waiting callers a further one is answered 503 with
``Retry-After`` rather than queued without end.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from app.cache.admission import Gate
from app.errors import problem_response

EXPENSIVE_PATHS = frozenset({"/api/v1/changes/verify", "/api/v1/register/diff"})
EXPENSIVE_PARAMS = (b"as_of=", b"&as_of=")


def is_expensive(scope: Scope) -> bool:
    if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
        return False
    if scope["path"] in EXPENSIVE_PATHS:
        return True
    query: bytes = scope.get("query_string", b"")
    return query.startswith(EXPENSIVE_PARAMS[0]) or EXPENSIVE_PARAMS[1] in query


class ExpensiveReads:
    def __init__(self, app: ASGIApp, *, limit: int, max_waiting: int) -> None:
        self.app = app
        self.max_waiting = max_waiting
        self.gate = Gate(limit)

    @property
    def waiting(self) -> int:
        return self.gate.waiting

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_expensive(scope):
            await self.app(scope, receive, send)
            return
        if self.gate.full() and self.gate.waiting >= self.max_waiting:
            busy = problem_response(
                503,
                "Service Unavailable",
                "Too many expensive requests (verification, past moments, diffs) are "
                "waiting: try again shortly.",
                headers={"Retry-After": "2"},
            )
            await busy(scope, receive, send)
            return
        await self.gate.admit(self.app, scope, receive, send)
