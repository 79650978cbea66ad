"""Backups that restore: the database copied whole, with a manifest beside it.

SQLite is copied with its online backup API (``sqlite3.Connection.backup``),
PostgreSQL with ``pg_dump -Fc`` and restored with ``pg_restore`` (both found on
``PATH``). The manifest (``<dump>.manifest.json``) records what the copy holds:
its SHA-256, each controller's digest as ``/api/v1/register`` serves it, and
the Merkle log's checkpoint, all read from the same snapshot as the copy. A
restore refuses a dump whose bytes differ from the manifest's, and afterwards
verifies the chain and the state and compares digests and checkpoint with the
manifest's.
"""

from app.backup.dump import backup
from app.backup.manifest import BackupError, Manifest, manifest_path
from app.backup.restore import Comparison, compare, restore

__all__ = [
    "BackupError",
    "Comparison",
    "Manifest",
    "backup",
    "compare",
    "manifest_path",
    "restore",
]
