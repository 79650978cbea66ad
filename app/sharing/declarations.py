"""Every ``/sharing`` filter, declared once.

A declaration gives the filter's query parameter (name, type, bounds and
documentation), its SQL form and its in-memory form (``app.sharing.forms``),
its place in the order conditions are checked, the entity type whose slugs
it names (unknown ones are a 422 on both paths), whether the walk of
``sharing_category_reach`` serves it, and the fact it reads that the notice
may leave unstated (``app.register.silence``). The query model
(``app.sharing.query``), the SQL path (``app.sharing.sql``) and the memory
path (``app.sharing.memory``) derive from these declarations; adding a
filter is one entry here (with its forms) and its examples in
``tests/test_sharing_declarations.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from pydantic.config import JsonDict
from pydantic.fields import FieldInfo

from app.register import entities as e
from app.register.entities import EntityType
from app.register.paging import MAX_VALUES
from app.register.schemas import RecipientRole
from app.register.silence import Fact
from app.sharing import forms as f


@dataclass(frozen=True)
class SharingFilter:
    name: str
    """The query parameter and the key of a query's ``SharingFilters``."""
    annotation: Any
    field: FieldInfo
    """The parameter's default, bounds and documentation (OpenAPI)."""
    sql: Callable[..., f.Conditions]
    memory: Callable[..., f.Predicate]
    cost: int
    """Conditions are checked cheapest first (SQLite checks them in the
    order given; PostgreSQL orders them by its own estimates)."""
    entity: EntityType | None = None
    """The entity type whose slugs the filter names; comma-separated values
    are split, unknown slugs refused."""
    walked: bool = False
    """A walk of ``sharing_category_reach`` serves it when it names an
    entity most controllers have (and ``basis=stated`` is not asked: then
    the named entities are always listed)."""
    unstated: Fact | None = None
    """The fact the filter reads that the notice may leave unstated: the
    answer says how many arrangements leave it so (``unstated``)."""
    among_matches: bool = False
    """The arrangements leaving it unstated are among the matches (an
    arrangement stating no age applies at every age) rather than outside them
    (a filter on data categories cannot match an arrangement stating none)."""


def _param(default: Any, **constraints: Any) -> FieldInfo:
    """A query parameter's ``Field`` (typed as what ``Field`` returns)."""
    field: FieldInfo = Field(default, **constraints)
    return field


def _slugs(example: str | None = None) -> FieldInfo:
    extra: JsonDict | None = {"examples": [[example]]} if example else None
    return _param([], max_length=MAX_VALUES, json_schema_extra=extra)


SqlForm = Callable[..., f.Conditions]
MemoryForm = Callable[..., f.Predicate]


def _named(
    name: str, entity: EntityType, sql: SqlForm, memory: MemoryForm, cost: int, **kw: Any
) -> SharingFilter:
    """A filter naming entities by slug (several ORed)."""
    example = kw.pop("example", None)
    return SharingFilter(name, list[str], _slugs(example), sql, memory, cost, entity, **kw)


def _listing(
    name: str, entity: EntityType, field_name: str, cost: int, fact: Fact | None
) -> SharingFilter:
    """A filter on one of an arrangement's lists without a tree."""
    sql, memory = f.linked_sql(field_name), f.linked_memory(field_name)
    return _named(name, entity, sql, memory, cost, unstated=fact)


DECLARATIONS: tuple[SharingFilter, ...] = (
    _named(
        "recipient", e.RECIPIENTS, f.recipient_sql, f.recipient_memory, 1,
        example="department-for-education",
    ),
    _named(
        "data_category", e.DATA_CATEGORIES, f.data_category_sql, f.data_category_memory, 14,
        walked=True, unstated=Fact.DATA_CATEGORIES,
    ),
    _listing("data_subject", e.DATA_SUBJECTS, "data_subjects", 13, Fact.DATA_SUBJECTS),
    _listing("purpose", e.PURPOSES, "purposes", 12, Fact.PURPOSES),
    _named(
        "legislation", e.LEGISLATION, f.legislation_sql, f.legislation_memory, 16,
        example="education-act-1996-section-507b", unstated=Fact.LEGISLATION,
    ),
    _listing("lawful_basis", e.LAWFUL_BASES, "lawful_bases", 11, Fact.LAWFUL_BASES),
    _listing("service", e.SERVICES, "services", 10, None),
    SharingFilter(
        "role", list[RecipientRole], _param([], max_length=10),
        f.role_sql, f.role_memory, 2, unstated=Fact.RECIPIENT_ROLE,
    ),
    SharingFilter(
        "special_category", bool | None,
        _param(
            None, description="Only arrangements that do (or do not) share special category data."
        ),
        f.special_category_sql, f.special_category_memory, 15, unstated=Fact.DATA_CATEGORIES,
    ),
    SharingFilter(
        "data_categories_stated", bool | None,
        _param(None, description="Only arrangements whose data categories are (not) stated."),
        f.data_categories_stated_sql, f.data_categories_stated_memory, 3,
    ),
    SharingFilter(
        "age", int | None,
        _param(
            None, ge=0, le=130,
            description="Arrangements that apply to a subject of this age. An arrangement "
            "stating no age applies at every age: the answer's `unstated` says how many "
            "match only for that reason.",
        ),
        f.age_sql, f.age_memory, 0, unstated=Fact.AGE, among_matches=True,
    ),
    SharingFilter(
        "unstated", list[Fact],
        _param(
            [], max_length=len(Fact),
            description="Only arrangements that leave each of these facts unstated "
            "(the values of an item's `not_stated`). The `unstated` entries of an "
            "answer give the query listing them.",
        ),
        f.unstated_sql, f.unstated_memory, 4,
    ),
)  # fmt: skip
BY_NAME = {declaration.name: declaration for declaration in DECLARATIONS}
NAMED = {d.name: d.entity for d in DECLARATIONS if d.entity is not None}


class SharingFilters:
    """The filters a query sets (by declaration name; unset ones absent),
    and whether they match stated facts only (``basis=stated``). Several
    values of one filter are ORed, filters are ANDed."""

    __slots__ = ("stated_only", "values")

    def __init__(self, *, stated_only: bool = False, **values: Any) -> None:
        unknown = values.keys() - BY_NAME.keys()
        if unknown:
            raise TypeError(f"No sharing filter {', '.join(sorted(unknown))}.")
        self.values = {k: v for k, v in values.items() if v is not None and v != []}
        self.stated_only = stated_only

    @classmethod
    def from_values(cls, values: dict[str, Any], stated_only: bool) -> SharingFilters:
        """Filters from values known to be declared and set (no checks: built
        for each request and each silence)."""
        filters = cls.__new__(cls)
        filters.values = values
        filters.stated_only = stated_only
        return filters

    def set(self) -> Iterator[tuple[SharingFilter, Any]]:
        """The declarations of the filters set, and their values, in
        declaration order (the order unknown slugs are reported in)."""
        for declaration in DECLARATIONS:
            if declaration.name in self.values:
                yield declaration, self.values[declaration.name]

    def without(self, name: str) -> SharingFilters:
        values = {k: v for k, v in self.values.items() if k != name}
        return SharingFilters.from_values(values, self.stated_only)

    def with_unstated(self, fact: Fact) -> SharingFilters:
        facts = sorted({*self.values.get("unstated", ()), fact})
        return SharingFilters.from_values({**self.values, "unstated": facts}, self.stated_only)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SharingFilters):
            return NotImplemented
        return (self.values, self.stated_only) == (other.values, other.stated_only)

    def __repr__(self) -> str:
        return f"SharingFilters(stated_only={self.stated_only}, {self.values})"


_FACT_ORDER = {fact: n for n, fact in enumerate(Fact)}
SILENT = sorted(
    (d for d in DECLARATIONS if d.unstated is not None),
    key=lambda d: _FACT_ORDER[d.unstated] if d.unstated else 0,
)
"""The filters reading a fact the notice may leave unstated, in the order
of the facts (then of the declarations)."""


def active_silences(filters: SharingFilters) -> list[SharingFilter]:
    """The filters set that read a fact the notice may leave unstated."""
    return [d for d in SILENT if d.name in filters.values]


def silence_filters(filters: SharingFilters, silence: SharingFilter) -> SharingFilters:
    """The query that lists the arrangements a silence is about: those
    leaving its fact unstated, among the other filters' matches."""
    assert silence.unstated is not None
    base = filters if silence.among_matches else filters.without(silence.name)
    return base.with_unstated(silence.unstated)


def silence_entry(silence: SharingFilter, count: int, exact: bool) -> dict[str, Any]:
    """One entry of an answer's ``unstated``."""
    assert silence.unstated is not None
    return {
        "filter": silence.name,
        "fact": silence.unstated.value,
        "count": count,
        "count_exact": exact,
        "among_matches": silence.among_matches,
    }
