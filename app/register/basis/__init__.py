"""Where each fact of an entity comes from: its *basis*.

Every entity state carries ``basis``, a map from *fact key* to ``FactBasis``.
A fact key names one value the register holds about the entity:

- a field (``role``, ``applies_from_age``, ``owner``, ``data_categories``); for
  a list the entry is about the list as a whole: is it stated at all, and is
  it ``exhaustive`` or only the notice's examples;
- a field of a contact (``dpo.email``);
- one link of a reference list (``lawful_bases/article-6-1-c``).

The basis says whether the notice states the value (``stated``, with the
verbatim quotes), whether it is a reading of ours (``inferred``, with the
quotes it rests on and the reasoning), whether it comes from an official
reference rather than the notice (``reference``), or whether nobody says
(``not_stated``). Names, descriptions and positions are not facts here: a
name is the notice's label of the entity, and ``sources`` is its basis.

Writers give only the entries that differ from the default; ``complete``
fills the rest, so every served state has the whole map. The default never
claims more than the entity's own ``sources`` say: an empty value is
``not_stated``; a classification against an official vocabulary is
``reference``; any other value rests on the entity's notice quotes.

Each module holds one concept; this package re-exports their public names.
"""

from app.register.basis.checks import check, error_location
from app.register.basis.defaults import CLASSIFICATIONS, complete, explicit
from app.register.basis.display import REDACTED_EMAIL, REDACTED_EMAIL_WORDS, displayed
from app.register.basis.fact_basis import BasisKind, BasisMap, FactBasis, Quote
from app.register.basis.fact_keys import NON_FACTS, NOT_STATED_VALUE, fact_value, facts, is_empty
from app.register.basis.patches import (
    UNCONFIRMED_REASONING,
    rebase,
    to_confirm,
    unsupported_changes,
)

__all__ = [
    "CLASSIFICATIONS",
    "NON_FACTS",
    "NOT_STATED_VALUE",
    "REDACTED_EMAIL",
    "REDACTED_EMAIL_WORDS",
    "UNCONFIRMED_REASONING",
    "BasisKind",
    "BasisMap",
    "FactBasis",
    "Quote",
    "check",
    "complete",
    "displayed",
    "error_location",
    "explicit",
    "fact_value",
    "facts",
    "is_empty",
    "rebase",
    "to_confirm",
    "unsupported_changes",
]
