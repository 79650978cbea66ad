"""What an arrangement leaves unstated, and how filters keep the notice's silence visible.

A filter on a fact the notice leaves unstated must not answer a bare empty
list: ``/sharing?special_category=true`` finds no arrangement that *states*
it shares special category data, but the arrangements that do not say what
they share may. So each filter on such a fact names the fact it reads, and
the answer says how many arrangements matching the other filters leave that
fact unstated, with the query that lists them (``unstated=<fact>``).

Each fact is declared once here, with its SQL condition and its in-memory
predicate; which filter reads which fact is part of the filter's declaration
(``app.sharing.declarations``).
"""

from __future__ import annotations

from collections.abc import Mapping
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


def stated(basis: dict[str, Any], key: str) -> bool:
    """In memory: the notice states this fact (not a reading, not a reference)."""
    entry = basis.get(key)
    return entry is not None and entry["basis"] == BasisKind.STATED


def stated_sql(model: Any, key: str) -> Any:
    """SQL: the row's basis says the notice states this fact."""
    return model.basis[(key, "basis")].as_string() == BasisKind.STATED.value
