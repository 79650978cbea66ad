"""The members of an ``Accept``-style header and their weights (RFC 9110
12.4.2): media ranges of ``Accept`` (content negotiation, the register's
JSON-LD choice) and codings of ``Accept-Encoding`` (the response cache),
parsed in one place."""

from __future__ import annotations

from collections.abc import Iterator


def weighted(header: str) -> Iterator[tuple[str, float]]:
    """Each member of ``header``, lower-cased, with its ``q`` (1 when absent,
    0 when unreadable); empty members are skipped."""
    for part in header.split(","):
        member, *params = (p.strip() for p in part.split(";"))
        if not member:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        yield member.lower(), quality
