"""Keyset cursors for list pages: where the previous page ended, in list order.

An offset costs as much as the rows it skips: across 20,000 controllers the
500th match of a filter is found only after walking everything before it.
A cursor names the last item shown instead (its controller, notice position
and slug, the list's sort key), so the next page starts there in the
list-order index and costs what the first page costs, however deep.

The token is opaque to clients (base64url of a small JSON array) but carries
no secret: it is validated like any other input, and a malformed one is a
422 naming the ``cursor`` parameter.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import tuple_

from app.errors import InvalidInput
from app.register.schemas import SLUG_PATTERN

_SLUG = re.compile(SLUG_PATTERN)
_MAX_INT = 2**31 - 1
MAX_TOKEN_LENGTH = 400


@dataclass(frozen=True)
class Cursor:
    """The sort key of the last item of a page (``controller_id`` is ``None``
    for types shared by every controller)."""

    controller_id: int | None
    position: int
    slug: str

    def encode(self) -> str:
        raw = orjson.dumps([self.controller_id, self.position, self.slug])
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(cls, token: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            value = orjson.loads(raw)
        except (binascii.Error, ValueError):
            raise _invalid() from None
        match value:
            case [int() | None as controller_id, int() as position, str() as slug] if (
                (controller_id is None or 0 < controller_id <= _MAX_INT)
                and 0 <= position <= _MAX_INT
                and len(slug) <= 120
                and _SLUG.fullmatch(slug)
                and not isinstance(controller_id, bool)
                and not isinstance(position, bool)
            ):
                return cls(controller_id, position, slug)
        raise _invalid()

    def follows(self, model: Any, *, scoped: bool) -> Any:
        """SQL: the row comes after this cursor in list order (a range of the
        list-order index, so the database starts the walk there)."""
        if scoped:
            key = tuple_(model.controller_id, model.position, model.slug)
            return key > tuple_(self.controller_id or 0, self.position, self.slug)
        return tuple_(model.position, model.slug) > tuple_(self.position, self.slug)


def _invalid() -> InvalidInput:
    return InvalidInput(
        "cursor is not a cursor this API gave out: pass a page's next_cursor unchanged.",
        errors=[{"field": "cursor", "msg": "malformed cursor", "type": "value_error"}],
    )
