"""The manifest beside each dump: what the copy holds, and the format's names."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

FORMAT = "sharing-register-backup/1"
MANIFEST_SUFFIX = ".manifest.json"
CHECKPOINT_FIELDS = ("tree_size", "root_hash", "timestamp")
"""What a restored log must match; the signature depends on the key configured."""


class BackupError(Exception):
    """A backup or restore that cannot be made: the command says why, exit 2."""


@dataclass(frozen=True)
class Manifest:
    format: str
    database: str
    created_at: str
    dump: str
    dump_sha256: str
    dump_bytes: int
    schema: str | None
    """The Alembic revision of the database backed up."""
    events: int
    controllers: dict[str, str]
    """Controller slug -> the digest of its register in the tables."""
    checkpoint: dict[str, Any]
    verified: bool
    """Whether the chain and the state verified when the backup was taken."""

    @classmethod
    def read(cls, path: Path) -> Manifest:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"format is not {FORMAT}")
            return cls(**data)
        except (OSError, ValueError, TypeError) as exc:
            raise BackupError(f"cannot read the manifest {path}: {exc}") from exc

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name + MANIFEST_SUFFIX)


def kind(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {name} database")
    return name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
