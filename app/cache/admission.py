"""How many requests the routed path works on at once.

A sync route holds its database connection across several thread-pool hops
(FastAPI runs each sync dependency and the endpoint as separate jobs). With
more requests in flight than connections, every worker thread can end up
blocked waiting for a connection while the requests holding connections
wait for a thread: nothing moves until the pool times out. No choice of
pool and thread counts prevents that on its own once clients outnumber both.

So requests enter the routed path at most ``limit`` at a time, where
``limit`` is the number of connections the pool can hand out; the thread
pool is larger than that, so an admitted request never waits for a thread
or a connection. The rest wait here, holding nothing; cache hits never
enter. ``/healthz`` (no database) is exempt so probes answer under load.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

EXEMPT_PATHS = frozenset({"/healthz"})


class Gate:
    def __init__(self, limit: int) -> None:
        self.limit = limit
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

    def full(self) -> bool:
        """Every place taken: the next caller would wait."""
        return self._semaphore().locked()

    async def run(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] in EXEMPT_PATHS:
            await app(scope, receive, send)
            return
        await self.admit(app, scope, receive, send)

    async def admit(self, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        """Run ``app`` once a place is free, waiting on the event loop until then."""
        semaphore = self._semaphore()
        self.waiting += 1
        try:
            await semaphore.acquire()
        finally:
            self.waiting -= 1
        try:
            await app(scope, receive, send)
        finally:
            semaphore.release()
