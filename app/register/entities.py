"""Declarations of the register's entity types.

Each entity type is declared once here: its ORM model, its input schema, its
URL segment and which of its fields reference other entities. Everything that
is the same for all entities (serialising to a canonical state, loading
without N+1 queries, resolving slugs, finding who references an entity) is
written once against these declarations.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from app.db import Base
from app.register import models as m
from app.register import schemas as s


@dataclass(frozen=True)
class Ref:
    """A field holding the slug of one other entity (or null)."""

    field: str
    target: str
    attr: str = ""

    @property
    def relationship(self) -> str:
        return self.attr or self.field


@dataclass(frozen=True)
class RefList:
    """A field holding a sorted list of slugs of other entities."""

    field: str
    target: str
    attr: str = ""

    @property
    def relationship(self) -> str:
        return self.attr or self.field


@dataclass(frozen=True)
class Shape:
    """How one schema maps onto one model."""

    model: type[Base]
    schema: type[s.StrictModel]
    refs: tuple[Ref, ...] = ()
    ref_lists: tuple[RefList, ...] = ()
    children: tuple[Children, ...] = ()

    @property
    def reference_fields(self) -> frozenset[str]:
        return frozenset(
            [r.field for r in self.refs]
            + [r.field for r in self.ref_lists]
            + [c.field for c in self.children]
        )

    @property
    def fields(self) -> tuple[str, ...]:
        """The state's fields in the order served: the schema's, ``basis`` last
        (it reads best after the values it describes)."""
        return _state_fields(self.schema)

    def column_fields(self) -> Iterator[str]:
        refs = self.reference_fields
        for name in self.schema.model_fields:
            if name not in refs:
                yield name

    def all_refs(self) -> Iterator[Ref | RefList]:
        yield from self.refs
        yield from self.ref_lists


@cache
def _state_fields(schema: type[s.StrictModel]) -> tuple[str, ...]:
    names = [name for name in schema.model_fields if name != "basis"]
    return (*names, "basis") if "basis" in schema.model_fields else tuple(names)


@dataclass(frozen=True)
class Children:
    """A list of owned child rows, stored and replaced with their parent."""

    field: str
    shape: Shape


@dataclass(frozen=True)
class EntityType:
    name: str
    """URL segment, seed file stem and key in the register document."""
    label: str
    """Singular, human: used in messages and audit events."""
    shape: Shape
    scoped: bool = True
    """Belongs to a controller (everything but controllers and lawful bases)."""

    @property
    def model(self) -> type[Any]:
        return self.shape.model

    def of_controller(self, controller_id: int | None) -> list[Any]:
        """The condition keeping this type's rows of one controller (none for
        reference data, which every controller shares)."""
        return [self.model.controller_id == controller_id] if self.scoped else []

    @property
    def schema(self) -> type[s.EntityIn]:
        schema = self.shape.schema
        assert issubclass(schema, s.EntityIn)
        return schema


def _simple(name: str, label: str, model: type[Base], schema: type[s.EntityIn]) -> EntityType:
    return EntityType(name=name, label=label, shape=Shape(model=model, schema=schema))


CONDITION_SHAPE = Shape(
    model=m.SharingCondition,
    schema=s.ConditionIn,
    ref_lists=(RefList("restricted_to", "data-categories"),),
)

CONTROLLERS = EntityType(
    "controllers", "controller", Shape(m.Controller, s.ControllerIn), scoped=False
)
LAWFUL_BASES = EntityType(
    "lawful-bases", "lawful basis", Shape(m.LawfulBasis, s.LawfulBasisIn), scoped=False
)
SERVICES = _simple("services", "service", m.Service, s.ServiceIn)
DATA_SUBJECTS = _simple("data-subjects", "data subject", m.DataSubject, s.DataSubjectIn)
DATA_CATEGORIES = EntityType(
    "data-categories",
    "data category",
    Shape(
        m.DataCategory,
        s.DataCategoryIn,
        refs=(Ref("group", "data-categories"), Ref("article9_condition", "lawful-bases")),
        ref_lists=(RefList("data_subjects", "data-subjects"), RefList("services", "services")),
    ),
)
PURPOSES = _simple("purposes", "purpose", m.Purpose, s.PurposeIn)
LEGISLATION = EntityType(
    "legislation",
    "legislation",
    Shape(m.Legislation, s.LegislationIn, refs=(Ref("part_of", "legislation"),)),
)
RECIPIENTS = _simple("recipients", "recipient", m.Recipient, s.RecipientIn)
SHARING = EntityType(
    "sharing",
    "sharing arrangement",
    Shape(
        m.SharingArrangement,
        s.SharingIn,
        refs=(Ref("recipient", "recipients"),),
        ref_lists=(
            RefList("data_categories", "data-categories"),
            RefList("data_subjects", "data-subjects"),
            RefList("purposes", "purposes"),
            RefList("legislation", "legislation"),
            RefList("lawful_bases", "lawful-bases"),
            RefList("services", "services"),
        ),
        children=(Children("conditions", CONDITION_SHAPE),),
    ),
)
RETENTION_RULES = EntityType(
    "retention-rules",
    "retention rule",
    Shape(
        m.RetentionRule,
        s.RetentionRuleIn,
        ref_lists=(
            RefList("data_categories", "data-categories"),
            RefList("data_subjects", "data-subjects"),
            RefList("legislation", "legislation"),
        ),
    ),
)
DATA_COLLECTIONS = EntityType(
    "data-collections",
    "data collection",
    Shape(
        m.DataCollection,
        s.DataCollectionIn,
        refs=(Ref("owner", "recipients"),),
        ref_lists=(
            RefList("legislation", "legislation"),
            RefList("purposes", "purposes"),
            RefList("data_subjects", "data-subjects"),
        ),
    ),
)
RIGHTS = _simple("rights", "right", m.Right, s.RightIn)
DATA_SOURCES = EntityType(
    "data-sources",
    "data source",
    Shape(
        m.DataSource,
        s.DataSourceIn,
        ref_lists=(
            RefList("providers", "recipients"),
            RefList("legislation", "legislation"),
            RefList("data_subjects", "data-subjects"),
        ),
    ),
)
STORAGE_LOCATIONS = _simple(
    "storage-locations", "storage location", m.StorageLocation, s.StorageLocationIn
)
STATEMENTS = _simple("statements", "statement", m.Statement, s.StatementIn)

# Order matters: an entity type only references types listed before it, except
# for references within its own type (groups, parts of Acts), which loaders
# resolve in a second pass.
SCOPED_TYPES: tuple[EntityType, ...] = (
    SERVICES,
    DATA_SUBJECTS,
    DATA_CATEGORIES,
    PURPOSES,
    LEGISLATION,
    RECIPIENTS,
    SHARING,
    RETENTION_RULES,
    DATA_COLLECTIONS,
    RIGHTS,
    DATA_SOURCES,
    STORAGE_LOCATIONS,
    STATEMENTS,
)
ALL_TYPES: tuple[EntityType, ...] = (CONTROLLERS, LAWFUL_BASES, *SCOPED_TYPES)
BY_NAME: dict[str, EntityType] = {t.name: t for t in ALL_TYPES}


def load_options(shape: Shape) -> list[_AbstractLoad]:
    """Eager loads for everything ``to_state`` reads: a constant number of
    queries whatever the number of rows."""
    options: list[_AbstractLoad] = []
    for ref in shape.all_refs():
        options.append(selectinload(getattr(shape.model, ref.relationship)))
    for child in shape.children:
        loader = selectinload(getattr(shape.model, child.field))
        nested = load_options(child.shape)
        options.append(loader.options(*nested) if nested else loader)
    return options


def to_state(shape: Shape, obj: Any) -> dict[str, Any]:
    """The canonical state of an entity: its schema's fields, references as
    slugs, in schema order. Equal content always gives an equal state."""
    state: dict[str, Any] = {}
    ref_fields = {r.field: r for r in shape.refs}
    list_fields = {r.field: r for r in shape.ref_lists}
    child_fields = {c.field: c for c in shape.children}
    for name in shape.fields:
        if name in ref_fields:
            target = getattr(obj, ref_fields[name].relationship)
            state[name] = None if target is None else target.slug
        elif name in list_fields:
            state[name] = sorted(t.slug for t in getattr(obj, list_fields[name].relationship))
        elif name in child_fields:
            child = child_fields[name]
            state[name] = [to_state(child.shape, c) for c in getattr(obj, name)]
        else:
            state[name] = getattr(obj, name)
    return state


def referencing_types(target: str) -> Iterator[tuple[EntityType, Ref | RefList | Children]]:
    """Every (entity type, field) that can hold a reference to ``target``."""
    for entity_type in ALL_TYPES:
        for ref in entity_type.shape.all_refs():
            if ref.target == target:
                yield entity_type, ref
        for child in entity_type.shape.children:
            if any(r.target == target for r in child.shape.all_refs()):
                yield entity_type, child
