"""Pydantic schemas of the register's entities.

One ``*In`` schema per entity type is the single description of an entity's
content: seed files, imports and API writes are validated by it, and an
entity's canonical *state* (served by the API, archived in the audit trail,
digested in the register document) is exactly its ``*In`` fields, with
references to other entities written as slugs.

ORM models live in ``app.register.models``; nothing here touches the database.
Each module holds one concept; this package re-exports their public names.
"""

from app.register.schemas.base import Based, StrictModel
from app.register.schemas.entities import (
    Contact,
    ControllerIn,
    DataCategoryIn,
    DataCollectionIn,
    DataSourceIn,
    DataSubjectIn,
    EntityIn,
    LawfulBasisIn,
    LegislationIn,
    Link,
    PurposeIn,
    RecipientIn,
    RetentionRuleIn,
    RightIn,
    ServiceIn,
    StatementIn,
    StorageLocationIn,
)
from app.register.schemas.enums import (
    ConditionKind,
    ConsentRequirement,
    ExercisedBy,
    Frequency,
    LawfulBasisArticle,
    LegislationKind,
    PurposeKind,
    RecipientKind,
    RecipientRole,
    StatementKind,
    ThirdCountryTransfers,
)
from app.register.schemas.fields import (
    ISO_DURATION_PATTERN,
    SLUG_PATTERN,
    Age,
    DpvTerm,
    Duration,
    Name,
    OptionalText,
    Position,
    Slug,
    SlugList,
    Text,
    Year,
    slugify,
)
from app.register.schemas.provenance import Source, SourceKind, Sources
from app.register.schemas.sharing import ConditionIn, SharingIn

__all__ = [
    "ISO_DURATION_PATTERN",
    "SLUG_PATTERN",
    "Age",
    "Based",
    "ConditionIn",
    "ConditionKind",
    "ConsentRequirement",
    "Contact",
    "ControllerIn",
    "DataCategoryIn",
    "DataCollectionIn",
    "DataSourceIn",
    "DataSubjectIn",
    "DpvTerm",
    "Duration",
    "EntityIn",
    "ExercisedBy",
    "Frequency",
    "LawfulBasisArticle",
    "LawfulBasisIn",
    "LegislationIn",
    "LegislationKind",
    "Link",
    "Name",
    "OptionalText",
    "Position",
    "PurposeIn",
    "PurposeKind",
    "RecipientIn",
    "RecipientKind",
    "RecipientRole",
    "RetentionRuleIn",
    "RightIn",
    "ServiceIn",
    "SharingIn",
    "Slug",
    "SlugList",
    "Source",
    "SourceKind",
    "Sources",
    "StatementIn",
    "StatementKind",
    "StorageLocationIn",
    "StrictModel",
    "Text",
    "ThirdCountryTransfers",
    "Year",
    "slugify",
]
