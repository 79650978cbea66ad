"""The Merkle log's signing keys: the current Ed25519 key that signs
checkpoints and the public halves of retired ones, attached to a session
factory so that every session signs with the same keys.

A checkpoint depends on nothing but the log and the key, so every worker, and
every later request, gives the same checkpoint for the same tree size.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.trail.verifier import checkpoint_message, key_id

INFO_KEY = "transparency_log"
DEFAULT_ORIGIN = "data-sharing-register"


def create_key_file(path: Path) -> str:
    """A new Ed25519 private key (PKCS#8 PEM, readable by its owner only); its key id."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=False)
    path.write_bytes(pem)
    return key_id(raw_public(key.public_key()))


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def load_private(path: Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def load_public(path: Path) -> Ed25519PublicKey:
    """A retired key: its public half (PEM), or the private key it came from."""
    data = path.read_bytes()
    if b"PRIVATE KEY" in data:
        return load_private(path).public_key()
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


@dataclass(frozen=True)
class LogKeys:
    """The signing key (``None``: checkpoints are served unsigned) and the
    public halves of retired keys, still listed so that checkpoints saved
    before a rotation can be checked."""

    origin: str = DEFAULT_ORIGIN
    signing: Ed25519PrivateKey | None = None
    retired: tuple[Ed25519PublicKey, ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> LogKeys:
        key_file = settings.log_key_file
        return cls(
            origin=settings.log_origin,
            signing=load_private(key_file) if key_file else None,
            retired=tuple(load_public(p) for p in settings.log_retired_keys),
        )

    def public_keys(self) -> list[dict[str, Any]]:
        keys = [(self.signing.public_key(), True)] if self.signing else []
        keys += [(k, False) for k in self.retired]
        return [
            {
                "key_id": key_id(raw_public(k)),
                "algorithm": "Ed25519",
                "public_key": base64.b64encode(raw_public(k)).decode(),
                "current": current,
            }
            for k, current in keys
        ]

    def sign(self, unsigned: dict[str, Any]) -> dict[str, Any]:
        if self.signing is None:
            return {**unsigned, "key_id": None, "signature": None}
        signed = {**unsigned, "key_id": key_id(raw_public(self.signing.public_key()))}
        signature = self.signing.sign(checkpoint_message(signed))
        return {**signed, "signature": base64.b64encode(signature).decode()}


def attach(factory: sessionmaker[Session], keys: LogKeys) -> None:
    """Every session of ``factory`` signs checkpoints with ``keys``."""
    factory.configure(info={**(factory.kw.get("info") or {}), INFO_KEY: keys})


def keys_of(session: Session) -> LogKeys:
    keys = session.info.get(INFO_KEY)
    return keys if isinstance(keys, LogKeys) else LogKeys()
