"""Pydantic schemas of the register's entities.

One ``*In`` schema per entity type is the single description of an entity's
content: seed files, imports and API writes are validated by it, and an
entity's canonical *state* (served by the API, archived in the audit trail,
digested in the register document) is exactly its ``*In`` fields, with
references to other entities written as slugs.

ORM models live in ``models.py``; nothing here touches the database.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    Strict,
    StrictBool,
    StringConstraints,
    model_validator,
)

from app.register.basis import BasisMap, FactBasis, check, complete, explicit
from app.register.vocabulary import check_dpv_term

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ISO_DURATION_PATTERN = r"^P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?$"

DpvTerm = Annotated[
    str,
    StringConstraints(max_length=200),
    AfterValidator(check_dpv_term),
    Field(description="A W3C DPV 2.3 term, e.g. 'pd:BirthDate'; checked against DPV 2.3."),
]

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=120)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
# Numbers and flags are strict: JSON's false is not 0, nor "3" 3 (the schema says integer).
Age = Annotated[int, Strict(), Field(ge=0, le=130)]


def _no_nul(value: str | None) -> str | None:
    if value is not None and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


OptionalText = Annotated[Text | None, AfterValidator(_no_nul)]


def _some_duration(value: str) -> str:
    if value in ("P", "PT") or value.endswith("T"):
        raise ValueError("an ISO 8601 duration needs at least one amount, e.g. P75Y")
    return value


Duration = Annotated[
    str,
    StringConstraints(pattern=ISO_DURATION_PATTERN, max_length=40),
    AfterValidator(_some_duration),
]


def _unique_slugs(values: list[str]) -> list[str]:
    """Reference lists are sets: keep them sorted so a state has one spelling."""
    if len(set(values)) != len(values):
        raise ValueError("contains the same slug twice")
    return sorted(values)


SlugList = Annotated[list[Slug], AfterValidator(_unique_slugs), Field(max_length=500)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class Based(StrictModel):
    """An entry whose facts each carry their basis (``app.register.basis``):
    writers give the entries that differ from the default, each naming a fact
    of the entry and agreeing with its value; every other fact gets its
    default, so a valid entry holds the basis of every fact."""

    basis: BasisMap = Field(default_factory=dict)

    @model_validator(mode="after")
    def _basis_of_every_fact(self) -> Based:
        state = self.model_dump(mode="json")
        state["basis"] = explicit(type(self), state)
        check(type(self), state)
        self.basis = {
            key: FactBasis.model_validate(entry)
            for key, entry in complete(type(self), state).items()
        }
        return self


# --- provenance ---------------------------------------------------------------


class SourceKind(StrEnum):
    NOTICE = "notice"
    REFERENCE = "reference"


class Source(StrictModel):
    """Where a fact comes from.

    ``notice``: ``quote`` is copied verbatim from the controller's notice.
    ``reference``: ``reference`` names an official reference (a file of the
    shared reference material, a statute or an article) and ``quote`` the
    words relied on there.
    """

    kind: SourceKind
    quote: Annotated[str, StringConstraints(min_length=1, max_length=5_000)]
    reference: Annotated[str, StringConstraints(max_length=500)] | None = None

    @model_validator(mode="after")
    def _reference_named(self) -> Source:
        if self.kind is SourceKind.REFERENCE and not self.reference:
            raise ValueError("a reference source must name its reference")
        return self


Sources = Annotated[list[Source], Field(min_length=1, max_length=50)]


class EntityIn(Based):
    """Fields every register entity has."""

    slug: Slug
    name: Name
    description: OptionalText = None
    sources: Sources
    position: Annotated[int, Strict(), Field(ge=0, le=1_000_000)] = 0


# --- enumerations ---------------------------------------------------------------


class RecipientRole(StrEnum):
    INDEPENDENT_CONTROLLER = "independent_controller"
    JOINT_CONTROLLER = "joint_controller"
    PROCESSOR = "processor"
    INTERNAL = "internal"
    NOT_STATED = "not_stated"


class RecipientKind(StrEnum):
    GOVERNMENT_DEPARTMENT = "government_department"
    GOVERNMENT_AGENCY = "government_agency"
    LOCAL_AUTHORITY = "local_authority"
    COUNCIL_SERVICE = "council_service"
    SCHOOL = "school"
    REGULATOR = "regulator"
    AWARDING_BODY = "awarding_body"
    POLICE = "police"
    CHARITY = "charity"
    HEALTH_BODY = "health_body"
    INDIVIDUAL = "individual"
    COURT_OR_LEGAL = "court_or_legal"
    EDUCATION_PROVIDER = "education_provider"
    COMPANY = "company"
    OTHER = "other"


class Frequency(StrEnum):
    ROUTINE = "routine"
    ON_REQUEST = "on_request"
    NOT_STATED = "not_stated"


class ConsentRequirement(StrEnum):
    CONSENT_REQUIRED = "consent_required"
    WITHOUT_CONSENT_WHERE_LAW_ALLOWS = "without_consent_where_law_allows"
    NOT_STATED = "not_stated"


class PurposeKind(StrEnum):
    PROCESSING = "processing"
    SHARING = "sharing"
    DATA_COLLECTION = "data_collection"


class LegislationKind(StrEnum):
    ACT = "act"
    REGULATIONS = "regulations"
    PROVISION = "provision"
    GROUP = "group"


class LawfulBasisArticle(StrEnum):
    ARTICLE_6 = "article_6"
    ARTICLE_9 = "article_9"


class ConditionKind(StrEnum):
    AGE_THRESHOLD = "age_threshold"
    RESTRICTION_RIGHT = "restriction_right"
    SCOPE = "scope"
    OTHER = "other"


class ExercisedBy(StrEnum):
    PARENT_OR_GUARDIAN = "parent_or_guardian"
    DATA_SUBJECT = "data_subject"
    CONTROLLER = "controller"
    RECIPIENT = "recipient"


class StatementKind(StrEnum):
    SCOPE = "scope"
    SPECIAL_CATEGORY = "special_category"
    DATA_PROVISION = "data_provision"
    STORAGE_ACCESS = "storage_access"
    SHARING_POLICY = "sharing_policy"
    THIRD_PARTY_RELEASE = "third_party_release"
    RIGHTS = "rights"
    CONSENT = "consent"
    COMPLAINTS = "complaints"
    RELATED_NOTICE = "related_notice"
    OTHER = "other"


class ThirdCountryTransfers(StrEnum):
    NONE = "none"
    SOME = "some"
    NOT_STATED = "not_stated"


# --- entities -------------------------------------------------------------------


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
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] = "GB"
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
    year: Annotated[int, Strict(), Field(ge=1200, le=2200)] | None = None
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


class ConditionIn(Based):
    """A condition on a sharing arrangement, in plain words and in data."""

    kind: ConditionKind
    description: Annotated[str, StringConstraints(min_length=1, max_length=5_000)]
    from_age: Age | None = None
    until_age: Age | None = Field(
        default=None, description="The condition holds while the subject is younger than this."
    )
    exercised_by: ExercisedBy | None = None
    restricted_to: SlugList = Field(
        default_factory=list, description="Data category slugs a restriction limits sharing to."
    )
    contact_email: OptionalText = None
    sources: Sources

    @model_validator(mode="after")
    def _ages_ordered(self) -> ConditionIn:
        low, high = self.from_age, self.until_age
        if low is not None and high is not None and high <= low:
            raise ValueError("until_age must be greater than from_age")
        return self


class SharingIn(EntityIn):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "slug": "youth-support-services-from-13",
                    "name": "Youth support services – pupils aged 13 and over",
                    "recipient": "youth-support-services",
                    "frequency": "routine",
                    "consent": "without_consent_where_law_allows",
                    "applies_from_age": 13,
                    # "we pass their details": which details the notice does not
                    # say; name, address and date of birth are the restriction.
                    "data_categories": [],
                    "data_subjects": ["children-and-young-people"],
                    "legislation": ["education-act-1996-section-507b"],
                    "basis": {
                        "data_categories": {
                            "basis": "not_stated",
                            "quotes": ["we pass their details"],
                        }
                    },
                    "conditions": [
                        {
                            "kind": "restriction_right",
                            "description": "A parent / guardian can request that only "
                            "their child’s name, address and date of birth be passed on.",
                            "until_age": 16,
                            "exercised_by": "parent_or_guardian",
                            "restricted_to": ["address", "date-of-birth", "name"],
                            "basis": {
                                "restricted_to": {
                                    "basis": "stated",
                                    "quotes": [
                                        "only their child’s name, address and "
                                        "date of birth be passed"
                                    ],
                                    "exhaustive": True,
                                }
                            },
                            "sources": [
                                {
                                    "kind": "notice",
                                    "quote": "This right is transferred "
                                    "to the child/pupil once he/she reaches the age of 16.",
                                }
                            ],
                        }
                    ],
                    "sources": [
                        {
                            "kind": "notice",
                            "quote": "Youth support services – under "
                            "section 507B of the Education Act 1996 :",
                        }
                    ],
                }
            ]
        }
    )

    recipient: Slug
    frequency: Frequency = Frequency.NOT_STATED
    consent: ConsentRequirement = ConsentRequirement.NOT_STATED
    applies_from_age: Age | None = None
    applies_until_age: Age | None = Field(
        default=None, description="Applies to subjects up to and including this age."
    )
    data_categories: SlugList = Field(default_factory=list)
    data_subjects: SlugList = Field(default_factory=list)
    purposes: SlugList = Field(default_factory=list)
    legislation: SlugList = Field(default_factory=list)
    lawful_bases: SlugList = Field(default_factory=list)
    services: SlugList = Field(default_factory=list)
    conditions: Annotated[list[ConditionIn], Field(max_length=50)] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ages_ordered(self) -> SharingIn:
        low, high = self.applies_from_age, self.applies_until_age
        if low is not None and high is not None and high < low:
            raise ValueError("applies_until_age must not be below applies_from_age")
        return self


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


_SLUGIFY = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    return _SLUGIFY.sub("-", text.lower()).strip("-")
