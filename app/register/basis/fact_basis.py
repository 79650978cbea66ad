"""The basis of one fact (``FactBasis``), its kinds, and the map of an entry's
facts to their bases."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, model_validator


class BasisKind(StrEnum):
    STATED = "stated"
    INFERRED = "inferred"
    REFERENCE = "reference"
    NOT_STATED = "not_stated"


Quote = Annotated[str, StringConstraints(min_length=1, max_length=5_000)]


class FactBasis(BaseModel):
    """The basis of one fact."""

    model_config = ConfigDict(extra="forbid")

    basis: BasisKind
    quotes: Annotated[list[Quote], Field(max_length=20)] = Field(
        default_factory=list,
        description="Words the fact rests on, verbatim from the notice "
        "(for `reference`, from the reference).",
    )
    reasoning: Annotated[str, StringConstraints(min_length=1, max_length=2_000)] | None = Field(
        default=None, description="Why the quotes support an `inferred` value: one line."
    )
    reference: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        default=None, description="The official source of a `reference` value."
    )
    exhaustive: StrictBool | None = Field(
        default=None,
        description="Lists only: false where the notice gives examples "
        "('such as', 'include'); null where it does not say.",
    )

    @model_validator(mode="after")
    def _complete_for_its_kind(self) -> FactBasis:
        if self.basis in (BasisKind.STATED, BasisKind.INFERRED) and not self.quotes:
            raise ValueError(f"a {self.basis.value} fact needs the quote it rests on")
        if self.basis is BasisKind.INFERRED and not self.reasoning:
            raise ValueError("an inferred fact needs its reasoning")
        if self.basis is not BasisKind.INFERRED and self.reasoning:
            raise ValueError("only an inferred fact has reasoning")
        if self.basis is BasisKind.REFERENCE and not self.reference:
            raise ValueError("a reference fact names its reference")
        return self


BasisMap = Annotated[
    dict[Annotated[str, StringConstraints(max_length=300)], FactBasis],
    Field(
        max_length=2_000,
        description="Where each fact comes from: field name, `contact.field`, or "
        "`list_field/slug` for one link. Writers may omit entries; the served "
        "state holds every fact.",
    ),
]
