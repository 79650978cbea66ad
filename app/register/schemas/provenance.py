"""Where a fact comes from: a notice's words or an official reference."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.register.schemas.base import StrictModel


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

    model_config = ConfigDict(
        # _reference_named, stated in the schema (JSON Schema if/then)
        json_schema_extra={
            "if": {"properties": {"kind": {"const": "reference"}}, "required": ["kind"]},
            "then": {
                "required": ["reference"],
                "properties": {"reference": {"type": "string", "minLength": 1, "maxLength": 500}},
            },
        }
    )

    kind: SourceKind
    quote: Annotated[str, StringConstraints(min_length=1, max_length=5_000)]
    reference: Annotated[str, StringConstraints(max_length=500)] | None = None

    @model_validator(mode="after")
    def _reference_named(self) -> Source:
        if self.kind is SourceKind.REFERENCE and not self.reference:
            raise ValueError("a reference source must name its reference")
        return self


Sources = Annotated[list[Source], Field(min_length=1, max_length=50)]
