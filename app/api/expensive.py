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

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

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
        self.limit = limit
        self.max_waiting = max_waiting
        self.waiting = 0
        self._semaphores: dict[int, asyncio.Semaphore] = {}

    def _semaphore(self) -> asyncio.Semaphore:
        # One per event loop: test clients run the same app in several loops.
        loop = id(asyncio.get_running_loop())
        semaphore = self._semaphores.get(loop)
        if semaphore is None:
            if len(self._semaphores) > 8:
                self._semaphores.clear()
            semaphore = self._semaphores[loop] = asyncio.Semaphore(self.limit)
        return semaphore

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not is_expensive(scope):
            await self.app(scope, receive, send)
            return
        semaphore = self._semaphore()
        if semaphore.locked() and self.waiting >= self.max_waiting:
            busy = problem_response(
                503,
                "Service Unavailable",
                "Too many expensive requests (verification, past moments, diffs) are "
                "waiting: try again shortly.",
                headers={"Retry-After": "2"},
            )
            await busy(scope, receive, send)
            return
        self.waiting += 1
        try:
            await semaphore.acquire()
        finally:
            self.waiting -= 1
        try:
            await self.app(scope, receive, send)
        finally:
            semaphore.release()
