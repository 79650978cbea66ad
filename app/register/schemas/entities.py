"""The ``*In`` schemas of the register's entity types other than sharing
arrangements (``sharing.py``), on the fields every entity has."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, HttpUrl, StrictBool, StringConstraints

from app.register.schemas.base import Based, StrictModel
from app.register.schemas.enums import (
    LawfulBasisArticle,
    LegislationKind,
    PurposeKind,
    RecipientKind,
    RecipientRole,
    StatementKind,
    ThirdCountryTransfers,
)
from app.register.schemas.fields import (
    DpvTerm,
    Duration,
    Name,
    OptionalText,
    Position,
    Slug,
    SlugList,
    Year,
)
from app.register.schemas.provenance import Sources


class EntityIn(Based):
    """Fields every register entity has."""

    slug: Slug
    name: Name
    description: OptionalText = None
    sources: Sources
    position: Position = 0


class Contact(StrictModel):
    """A postal/phone/e-mail contact. ``None`` means the notice does not give
    the value (or hides it, as with redacted e-mail addresses)."""

    name: OptionalText = None
    team: OptionalText = None
    email: OptionalText = None
    phone: OptionalText = None
    address: OptionalText = None
    url: HttpUrl | None = None


class ControllerIn(EntityIn):
    kind: Annotated[str, StringConstraints(max_length=100)] | None = None
    address: OptionalText = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$", max_length=2)] = "GB"
    phone: OptionalText = None
    email: OptionalText = None
    website: HttpUrl | None = None
    notice_title: OptionalText = None
    notice_url: HttpUrl | None = None
    dpo: Contact = Field(default_factory=Contact)
    representative: Contact | None = None
    supervisory_authority: Contact | None = None
    security_measures: OptionalText = None
    third_country_transfers: ThirdCountryTransfers = ThirdCountryTransfers.NOT_STATED
    third_country_details: OptionalText = None


class ServiceIn(EntityIn):
    pass


class DataSubjectIn(EntityIn):
    dpv_term: DpvTerm | None = None


class DataCategoryIn(EntityIn):
    group: Slug | None = Field(
        default=None, description="Slug of the data category this one belongs to."
    )
    special_category: StrictBool = False
    article9_condition: Slug | None = Field(
        default=None, description="Slug of the Article 9(2) lawful basis, when known."
    )
    data_subjects: SlugList = Field(default_factory=list)
    services: SlugList = Field(
        default_factory=list, description="Slugs of the services the notice ties this data to."
    )
    dpv_term: DpvTerm | None = None


class PurposeIn(EntityIn):
    kind: PurposeKind = PurposeKind.PROCESSING
    dpv_term: DpvTerm | None = None


class LegislationIn(EntityIn):
    cited_as: OptionalText = None
    kind: LegislationKind
    year: Year | None = None
    part_of: Slug | None = None
    provision: Annotated[str, StringConstraints(max_length=200)] | None = None
    legislation_gov_uk_id: Annotated[str, StringConstraints(max_length=300)] | None = Field(
        default=None,
        description="legislation.gov.uk path, e.g. 'ukpga/1996/56/section/507B'.",
    )


class LawfulBasisIn(EntityIn):
    article: LawfulBasisArticle
    reference: Annotated[str, StringConstraints(max_length=50)] = Field(
        description="The article as written, e.g. 'Article 6(1)(c)'."
    )
    dpv_term: DpvTerm | None = None


class RecipientIn(EntityIn):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "slug": "nexus",
                    "name": "Nexus",
                    "role": "processor",
                    "kind": "company",
                    "contract_reference": None,
                    "basis": {
                        "role": {
                            "basis": "inferred",
                            "quotes": ["These data processors include"],
                            "reasoning": "The notice calls these companies data processors.",
                        }
                    },
                    "sources": [{"kind": "notice", "quote": "Nexus"}],
                }
            ]
        }
    )

    role: RecipientRole = RecipientRole.NOT_STATED
    kind: RecipientKind = RecipientKind.OTHER
    contract_reference: OptionalText = None
    website: HttpUrl | None = None


class RetentionRuleIn(EntityIn):
    duration: Duration | None = Field(
        default=None, description="ISO 8601 duration, e.g. 'P75Y'; null when not stated."
    )
    data_categories: SlugList = Field(default_factory=list)
    data_subjects: SlugList = Field(default_factory=list)
    legislation: SlugList = Field(default_factory=list)


class Link(StrictModel):
    title: Name
    url: HttpUrl


class DataCollectionIn(EntityIn):
    abbreviation: Annotated[str, StringConstraints(max_length=50)] | None = None
    owner: Slug | None = Field(default=None, description="Slug of the recipient that owns it.")
    links: Annotated[list[Link], Field(max_length=50)] = Field(default_factory=list)
    legislation: SlugList = Field(default_factory=list)
    purposes: SlugList = Field(default_factory=list)
    data_subjects: SlugList = Field(default_factory=list)


class RightIn(EntityIn):
    gdpr_article: Annotated[str, StringConstraints(max_length=50)] | None = None
    dpv_term: DpvTerm | None = None


class DataSourceIn(EntityIn):
    mandatory: StrictBool | None = Field(
        default=None,
        description="Whether providing the data is required by law; null if not stated.",
    )
    providers: SlugList = Field(
        default_factory=list, description="Slugs of recipients that also provide data."
    )
    legislation: SlugList = Field(default_factory=list)
    data_subjects: SlugList = Field(default_factory=list)


class StorageLocationIn(EntityIn):
    pass


class StatementIn(EntityIn):
    kind: StatementKind = StatementKind.OTHER
