"""The media ranges of an ``Accept`` header and their qualities (RFC 9110 12.5.1),
parsed in one place for content negotiation and the register's JSON-LD choice."""

from __future__ import annotations

from collections.abc import Iterator


def media_ranges(accept: str) -> Iterator[tuple[str, float]]:
    """Each media range of ``accept``, lower-cased, with its ``q`` (1 when
    absent, 0 when unreadable); empty members are skipped."""
    for part in accept.split(","):
        media_range, *params = (p.strip() for p in part.split(";"))
        if not media_range:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        yield media_range.lower(), quality
