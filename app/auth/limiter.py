"""Slowing down repeated failed authentication from one client.

After ``limit`` failures from one client address within ``window`` seconds,
every further authentication attempt from it is answered 429 (with
``Retry-After``) without looking at the key, until the oldest failure
leaves the window. In-process: with several workers each counts its own.
Memory is bounded: beyond ``max_clients`` addresses the stalest are dropped.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from typing import Any

logger = logging.getLogger("app.auth")

_create_lock = threading.Lock()


class FailureLimiter:
    def __init__(self, limit: int, window: float, *, max_clients: int = 10_000) -> None:
        self.limit = limit
        self.window = window
        self.max_clients = max_clients
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float] | None:
        failures = self._failures.get(client)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        if not failures:
            del self._failures[client]
            return None
        return failures

    def retry_after(self, client: str) -> int | None:
        """Whole seconds until ``client`` may try again; None: it may now."""
        now = time.monotonic()
        with self._lock:
            failures = self._recent(client, now)
            if failures is None or len(failures) < self.limit:
                return None
            return max(1, math.ceil(failures[-self.limit] + self.window - now))

    def failed(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            failures = self._recent(client, now)
            if failures is None:
                if len(self._failures) >= self.max_clients:
                    del self._failures[next(iter(self._failures))]
                failures = self._failures[client] = deque(maxlen=self.limit)
            failures.append(now)
            blocked = len(failures) >= self.limit
        if blocked:
            logger.warning(
                "too many failed authentications",
                extra={"client": client, "failures": self.limit, "window_s": self.window},
            )


def failure_limiter(app: Any) -> FailureLimiter:
    """The app's limiter, made on first use from its settings."""
    limiter: FailureLimiter | None = getattr(app.state, "auth_limiter", None)
    if limiter is None:
        with _create_lock:
            limiter = getattr(app.state, "auth_limiter", None)
            if limiter is None:
                settings = app.state.settings
                limiter = FailureLimiter(settings.auth_failure_limit, settings.auth_failure_window)
                app.state.auth_limiter = limiter
    return limiter
