"""Creating, revoking and checking API keys.

A key reads ``dsr_<key id>_<secret>``. The key id is public (it names the
key in the audit trail); only the SHA-256 of the secret is stored, and the
comparison is constant-time. Keys are never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.auth.models import ApiKey
from app.errors import InvalidInput, NotFound
from app.register.models import Controller

PREFIX = "dsr"


class Scope(StrEnum):
    REGISTER_WRITE = "register:write"
    KEYS_ADMIN = "keys:admin"


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    secret: str
    """The full key: shown once, never stored."""


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session, *, name: str, scopes: list[str], controller: str | None = None
) -> NewKey:
    try:
        valid_scopes = sorted({Scope(scope).value for scope in scopes})
    except ValueError:
        raise InvalidInput(
            f"Unknown scope; choose from {', '.join(s.value for s in Scope)}.",
            errors=[{"field": "scopes", "msg": "unknown scope", "type": "enum"}],
        ) from None
    if not valid_scopes:
        raise InvalidInput(
            "A key needs at least one scope.",
            errors=[{"field": "scopes", "msg": "empty", "type": "missing"}],
        )
    controller_id = None
    if controller is not None:
        controller_id = session.scalar(select(Controller.id).where(Controller.slug == controller))
        if controller_id is None:
            raise InvalidInput(
                f"Unknown controller {controller!r}.",
                errors=[
                    {
                        "field": "controller",
                        "msg": "unknown controller",
                        "type": "unknown_reference",
                    }
                ],
            )
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        key_id=key_id,
        name=name,
        secret_hash=_hash(secret),
        scopes=valid_scopes,
        controller_id=controller_id,
    )
    session.add(key)
    session.flush()
    return NewKey(key=key, secret=f"{PREFIX}_{key_id}_{secret}")


def revoke_key(session: Session, key_id: str) -> ApiKey:
    key = session.scalars(select(ApiKey).where(ApiKey.key_id == key_id)).one_or_none()
    if key is None:
        raise NotFound(f"No API key {key_id!r}.")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        session.flush()
    return key


def existing_key_id(session: Session, presented: str) -> str | None:
    """The id of the existing key a presented token names (whatever its
    secret), else None: what failed authentications are counted against."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    found = session.scalar(select(ApiKey.key_id).where(ApiKey.key_id == parts[1]))
    return str(found) if found is not None else None


def authenticate(session: Session, presented: str) -> ApiKey | None:
    """The live key matching ``presented``, or None. Constant-time on the secret."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    _, key_id, secret = parts
    key = session.scalars(select(ApiKey).where(ApiKey.key_id == key_id)).one_or_none()
    expected = key.secret_hash if key is not None else _hash("")
    matches = hmac.compare_digest(_hash(secret), expected)
    if key is None or not matches or key.revoked_at is not None:
        return None
    return key
