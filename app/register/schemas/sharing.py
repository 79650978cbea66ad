"""The ``*In`` schema of a sharing arrangement and of its conditions."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.register.schemas.base import Based
from app.register.schemas.entities import EntityIn
from app.register.schemas.enums import ConditionKind, ConsentRequirement, ExercisedBy, Frequency
from app.register.schemas.fields import Age, OptionalText, Slug, SlugList
from app.register.schemas.provenance import Sources


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
