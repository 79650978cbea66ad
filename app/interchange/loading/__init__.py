"""Loading a whole register at once (seed files, imported documents).

``sync_register`` makes the database hold exactly the given content for one
controller: entries are created, changed or removed, each change audited, in
the caller's transaction. Loading the same content twice changes nothing.
Errors are collected for the whole content first and name where each one is
(file or document path, entry, field), so a bad file loads nothing.

Each module holds one concept; this package re-exports their public names.
"""

from app.interchange.loading.content import LoadSummary, RegisterContent, Section
from app.interchange.loading.issues import LoadError, LoadIssue
from app.interchange.loading.syncing import sync_register

__all__ = [
    "LoadError",
    "LoadIssue",
    "LoadSummary",
    "RegisterContent",
    "Section",
    "sync_register",
]
