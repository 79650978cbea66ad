"""What an arrangement leaves unstated, and how filters keep the notice's silence visible.

A filter on a fact the notice leaves unstated must not answer a bare empty
list: ``/sharing?special_category=true`` finds no arrangement that *states*
it shares special category data, but the arrangements that do not say what
they share may. So each filter on such a fact names the fact it reads, and
the answer says how many arrangements matching the other filters leave that
fact unstated, with the query that lists them (``unstated=<fact>``).

Each fact is declared once here, with its SQL condition and its in-memory
predicate; both ``/sharing`` paths (``sharing_filters`` and
``sharing_index``) use these declarations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, exists, select

from app.register import models as m
from app.register.basis import BasisKind

NOT_STATED = "not_stated"


class Fact(StrEnum):
    """Facts of an arrangement the notice may leave unstated (the values of
    an item's ``not_stated`` list and of the ``unstated`` filter)."""

    DATA_CATEGORIES = "data_categories"
    DATA_SUBJECTS = "data_subjects"
    PURPOSES = "purposes"
    LEGISLATION = "legislation"
    LAWFUL_BASES = "lawful_bases"
    FREQUENCY = "frequency"
    CONSENT = "consent"
    RECIPIENT_ROLE = "recipient_role"
    AGE = "age"


LISTS = (
    Fact.DATA_CATEGORIES,
    Fact.DATA_SUBJECTS,
    Fact.PURPOSES,
    Fact.LEGISLATION,
    Fact.LAWFUL_BASES,
)
VALUES = (Fact.FREQUENCY, Fact.CONSENT)


def _no_links(field: str) -> Any:
    relationship = getattr(m.SharingArrangement, field)
    ((_, owner),) = relationship.property.synchronize_pairs
    return ~exists().where(owner == m.SharingArrangement.id)


def _recipient_role() -> Any:
    recipient = m.Recipient.id == m.SharingArrangement.recipient_id
    role = select(m.Recipient.role).where(recipient).scalar_subquery()
    return role == NOT_STATED


def _no_age() -> Any:
    sa = m.SharingArrangement
    return and_(sa.applies_from_age.is_(None), sa.applies_until_age.is_(None))


def unstated_condition(fact: Fact) -> Any:
    """SQL: the arrangement leaves ``fact`` unstated."""
    if fact in LISTS:
        return _no_links(fact.value)
    if fact in VALUES:
        return getattr(m.SharingArrangement, fact.value) == NOT_STATED
    if fact is Fact.RECIPIENT_ROLE:
        return _recipient_role()
    return _no_age()


def leaves_unstated(item: dict[str, Any], fact: Fact) -> bool:
    """In memory: the served arrangement ``item`` leaves ``fact`` unstated."""
    return fact.value in item["not_stated"]


def not_stated_facts(
    lists: Mapping[str, Any], frequency: str, consent: str, role: str, ages: tuple[Any, Any]
) -> list[str]:
    """The ``not_stated`` list of a served arrangement, in declaration order."""
    found = [fact.value for fact in LISTS if not lists[fact.value]]
    found += [
        fact.value
        for fact, value in zip(VALUES, (frequency, consent), strict=True)
        if value == NOT_STATED
    ]
    if role == NOT_STATED:
        found.append(Fact.RECIPIENT_ROLE.value)
    if ages == (None, None):
        found.append(Fact.AGE.value)
    return found


@dataclass(frozen=True)
class Silence:
    """A filter that reads a fact the notice may leave unstated."""

    param: str
    fact: Fact
    among_matches: bool = False
    """The unstated arrangements are among the matches (``age``: an
    arrangement stating no age applies at every age) rather than outside
    them (a filter on data categories cannot match an arrangement that
    states none)."""


SILENCES: tuple[Silence, ...] = (
    Silence("data_category", Fact.DATA_CATEGORIES),
    Silence("special_category", Fact.DATA_CATEGORIES),
    Silence("data_subject", Fact.DATA_SUBJECTS),
    Silence("purpose", Fact.PURPOSES),
    Silence("legislation", Fact.LEGISLATION),
    Silence("lawful_basis", Fact.LAWFUL_BASES),
    Silence("role", Fact.RECIPIENT_ROLE),
    Silence("age", Fact.AGE, among_matches=True),
)


def stated(basis: dict[str, Any], key: str) -> bool:
    """In memory: the notice states this fact (not a reading, not a reference)."""
    entry = basis.get(key)
    return entry is not None and entry["basis"] == BasisKind.STATED


def stated_sql(model: Any, key: str) -> Any:
    """SQL: the row's basis says the notice states this fact."""
    return model.basis[(key, "basis")].as_string() == BasisKind.STATED.value


def active_silences(filters: Any) -> list[Silence]:
    """The silences of the filters a query sets."""
    found = []
    for silence in SILENCES:
        value = getattr(filters, silence.param)
        if value is not None and value != []:
            found.append(silence)
    return found


def silence_filters(filters: Any, silence: Silence) -> Any:
    """The query that lists the arrangements a silence is about: those
    leaving its fact unstated, among the other filters' matches."""
    base = filters if silence.among_matches else filters.without(silence.param)
    return base.with_unstated(silence.fact)


def silence_entry(silence: Silence, count: int, exact: bool) -> dict[str, Any]:
    """One entry of an answer's ``unstated``."""
    return {
        "filter": silence.param,
        "fact": silence.fact.value,
        "count": count,
        "count_exact": exact,
        "among_matches": silence.among_matches,
    }
