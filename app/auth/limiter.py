"""Slowing down repeated failed authentication.

Failures are the 401s recorded in ``security_events``, so every worker
process (and every replica on the same database) counts the same ones. They
are counted per client address *and* per key: a token naming an existing
key is judged by that key's failures from that client, any other token (or
none) by the client's failures with no key. So guessing one key's secret is
slowed down, guessing keys is slowed down, and a valid key behind a proxy it
shares with someone failing keeps working. After ``limit`` failures within
``window`` seconds, further attempts are answered 429 (with ``Retry-After``)
without looking at the secret, until the oldest failure leaves the window.

The client address is the connection's, or the ``X-Forwarded-For`` one only
when the connection comes from a proxy listed in ``FORWARDED_ALLOW_IPS``
(none by default): a client cannot choose its own address.
"""

from __future__ import annotations

import logging
import math
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import SecurityEvent
from app.trail.chain import as_utc

logger = logging.getLogger("app.auth")

_create_lock = threading.Lock()


class FailureLimiter:
    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window

    def retry_after(self, session: Session, client: str, key_id: str | None) -> int | None:
        """Whole seconds until ``client`` may try ``key_id`` again (``None``:
        no existing key); None: it may now."""
        now = datetime.now(UTC)
        failures = select(SecurityEvent.occurred_at).where(
            SecurityEvent.status_code == 401,
            SecurityEvent.client == client,
            SecurityEvent.occurred_at > now - timedelta(seconds=self.window),
            SecurityEvent.key_id == key_id if key_id else SecurityEvent.key_id.is_(None),
        )
        recent = session.scalars(
            failures.order_by(SecurityEvent.occurred_at.desc()).limit(self.limit)
        ).all()
        if len(recent) < self.limit:
            return None
        logger.warning(
            "too many failed authentications",
            extra={"client": client, "key_id": key_id, "window_s": self.window},
        )
        oldest = as_utc(recent[-1])
        return max(1, math.ceil((oldest - now).total_seconds() + self.window))
