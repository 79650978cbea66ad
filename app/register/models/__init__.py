"""ORM models of the register.

Every register entity belongs to one controller and is addressed by a slug
unique within that controller; GDPR lawful bases are reference data shared
by all controllers. Relationships use ``lazy="raise"`` so that a query that
forgot to load what it serialises fails loudly instead of issuing N+1
queries.

Each module holds one concept; this package re-exports their public names.
Importing the package imports every model, so ``Base.metadata`` holds every
table (Alembic and the migration tests rely on it), defined in this order.
"""

# isort: off
from app.register.models.entity_columns import ControllerScoped, NamedEntity, SLUG_LENGTH
from app.register.models.link_tables import link_table
from app.register.models.controllers import Controller
from app.register.models.referenced_entities import (
    DataCategory,
    DataSubject,
    LawfulBasis,
    Legislation,
    Purpose,
    Recipient,
    Service,
    data_category_services,
    data_category_subjects,
)
from app.register.models.sharing import (
    SharingArrangement,
    SharingCategoryReach,
    SharingCondition,
    condition_data_categories,
    sharing_data_categories,
    sharing_data_subjects,
    sharing_lawful_bases,
    sharing_legislation,
    sharing_purposes,
    sharing_services,
)
from app.register.models.notice_entities import (
    DataCollection,
    DataSource,
    RetentionRule,
    Right,
    Statement,
    StorageLocation,
    collection_data_subjects,
    collection_legislation,
    collection_purposes,
    retention_data_categories,
    retention_data_subjects,
    retention_legislation,
    source_data_subjects,
    source_legislation,
    source_providers,
)
# isort: on

__all__ = [
    "SLUG_LENGTH",
    "Controller",
    "ControllerScoped",
    "DataCategory",
    "DataCollection",
    "DataSource",
    "DataSubject",
    "LawfulBasis",
    "Legislation",
    "NamedEntity",
    "Purpose",
    "Recipient",
    "RetentionRule",
    "Right",
    "Service",
    "SharingArrangement",
    "SharingCategoryReach",
    "SharingCondition",
    "Statement",
    "StorageLocation",
    "collection_data_subjects",
    "collection_legislation",
    "collection_purposes",
    "condition_data_categories",
    "data_category_services",
    "data_category_subjects",
    "link_table",
    "retention_data_categories",
    "retention_data_subjects",
    "retention_legislation",
    "sharing_data_categories",
    "sharing_data_subjects",
    "sharing_lawful_bases",
    "sharing_legislation",
    "sharing_purposes",
    "sharing_services",
    "source_data_subjects",
    "source_legislation",
    "source_providers",
]
