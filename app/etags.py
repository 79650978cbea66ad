"""Entity tags and the conditional request headers that list them (RFC 9110).

``If-None-Match`` and ``If-Match`` carry ``*`` or a comma-separated list of
entity tags, each a quoted string optionally prefixed by ``W/`` (weak); a
quoted string may itself hold commas. Two comparisons exist (13.1): the
weak one, for ``If-None-Match`` (a cached copy is as good as any with the same
opaque tag), and the strong one, for ``If-Match`` (a write must be based on
exactly this representation, so a weak tag never matches).

Every reader of those headers parses them here: the routes, the response
cache and the exports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MAX_TAGS = 64
"""Tags read from one header; the rest are ignored (no client sends more)."""


@dataclass(frozen=True)
class EntityTag:
    opaque: str
    """The quoted string, quotes included: ``"abc"``."""
    weak: bool = False

    @classmethod
    def of(cls, text: str) -> EntityTag:
        """An ETag header's value as a tag (a malformed one stays as it is, strong)."""
        if text.startswith("W/"):
            return cls(text[2:], weak=True)
        return cls(text)

    def __str__(self) -> str:
        return f"W/{self.opaque}" if self.weak else self.opaque


@dataclass(frozen=True)
class TagList:
    """A parsed ``If-None-Match`` or ``If-Match``: ``*``, or some tags."""

    any: bool = False
    tags: tuple[EntityTag, ...] = ()

    def matches_weakly(self, etag: str) -> bool:
        """If-None-Match: ``*``, or a tag with the same opaque part."""
        if self.any:
            return True
        opaque = EntityTag.of(etag).opaque
        return any(tag.opaque == opaque for tag in self.tags)

    def matches_strongly(self, etag: str, same: Callable[[str], str] = str) -> bool:
        """If-Match: ``*`` (the representation exists), or a strong tag equal
        to the current strong ``etag``; ``same`` maps a listed tag to the one
        it stands for (the identity coding's tag of a compressed variant)."""
        if self.any:
            return True
        current = EntityTag.of(etag)
        if current.weak:
            return False
        return any(not tag.weak and same(tag.opaque) == current.opaque for tag in self.tags)


def parse(header: str) -> TagList:
    """``*`` or the list of well-formed entity tags in ``header``; malformed
    members are skipped (they can match nothing)."""
    text = header.strip()
    if text == "*":
        return TagList(any=True)
    tags: list[EntityTag] = []
    at, end = 0, len(text)
    while at < end and len(tags) < MAX_TAGS:
        char = text[at]
        if char in " \t,":
            at += 1
            continue
        weak = text.startswith('W/"', at)
        start = at + 2 if weak else at
        if text.startswith('"', start):
            close = text.find('"', start + 1)
            if close < 0:
                break
            tags.append(EntityTag(text[start : close + 1], weak))
            at = close + 1
            continue
        comma = text.find(",", at)  # malformed: skip to the next member
        at = end if comma < 0 else comma + 1
    return TagList(tags=tuple(tags))


def none_match(header: str | bytes | None, etag: str | bytes) -> bool:
    """Whether ``If-None-Match: header`` holds for a representation tagged
    ``etag``, that is whether the answer is 304 Not Modified."""
    if not header:
        return False
    text = header.decode("latin-1") if isinstance(header, bytes) else header
    tag = etag.decode("latin-1") if isinstance(etag, bytes) else etag
    if text == tag:  # the usual revalidation: the one tag last served
        return True
    return parse(text).matches_weakly(tag)
