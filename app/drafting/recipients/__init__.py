"""Recipients: who the notice says receives personal data, from lists and
tables about sharing and from sentences in which the body shares or passes
data to someone.

Each module holds one concept; this package re-exports their public names.
"""

from app.drafting.recipients.entity import TYPE, Received, by_alias, make
from app.drafting.recipients.extraction import extract

__all__ = ["TYPE", "Received", "by_alias", "extract", "make"]
