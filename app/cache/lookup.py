"""Which cached entry answers a request, decided in one place for the
response cache (innermost, next to the router) and the fast-hit layer (in
front of every other layer, ``app.fast_hits``)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from starlette.types import Scope

from app.cache.entry import Entry, normalise_query
from app.cache.lru import ByteLRU
from app.cache.version import VersionWatcher

BYPASS_HEADERS = frozenset({b"authorization", b"cookie"})
"""A request carrying one of these is never answered from the cache."""


@dataclass(frozen=True, slots=True)
class Kind:
    """What the layers outside the cache look at in a request besides its
    path: CORS adds headers when there is an ``Origin``; the security layer
    adds ``Strict-Transport-Security`` over HTTPS. Two requests of the same
    kind for the same entry get the same headers from those layers."""

    origin: bool
    https: bool


@dataclass(frozen=True, slots=True)
class CacheRequest:
    key: Hashable
    if_none_match: bytes | None
    accept_encoding: bytes
    kind: Kind


class CacheLookup:
    """The entries and the version they are checked against, plus the tally
    of requests answered from them (by either layer)."""

    def __init__(self, lru: ByteLRU, watcher: VersionWatcher, prefix: str = "/api/") -> None:
        self.lru = lru
        self.watcher = watcher
        self.prefix = prefix
        self.hits = 0
        self.misses = 0

    def request(self, scope: Scope) -> CacheRequest | None:
        """The request as the cache sees it; None when the cache must not answer it."""
        if scope["method"] != "GET" or not scope["path"].startswith(self.prefix):
            return None
        accept = accept_encoding = host = b""
        if_none_match: bytes | None = None
        origin = False
        forwarded_proto: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value
            elif name == b"host":  # exports carry absolute IRIs built from it
                host = value
            elif name == b"accept-encoding":
                accept_encoding = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"origin":
                origin = True
            elif name == b"x-forwarded-proto" and forwarded_proto is None:
                forwarded_proto = value
            elif name in BYPASS_HEADERS:
                return None
        https = scope.get("scheme") == "https" or (
            forwarded_proto is not None
            and forwarded_proto.split(b",")[0].strip().lower() == b"https"
        )
        key = (host, scope["path"], normalise_query(scope["query_string"]), accept)
        return CacheRequest(key, if_none_match, accept_encoding, Kind(origin, https))

    def valid(self, entry: Entry) -> bool:
        """Whether the version the entry depends on has not moved since it was made."""
        watcher = self.watcher
        return (
            entry.version == watcher.version_of(entry.controller)
            and entry.generation == watcher.generation
        )

    def fresh_entry(self, request: CacheRequest) -> Entry | None:
        """The entry for the request if the version reading is trusted and the
        entry current; no I/O, no waiting."""
        if self.watcher.fresh() is None:
            return None
        entry: Entry | None = self.lru.get(request.key)
        if entry is None or not self.valid(entry):
            return None
        return entry
