"""Constrained field types of the register's entities: slugs, names, texts,
strict numbers, ISO 8601 durations, DPV terms and sorted slug lists."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, Strict, StringConstraints

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
def _integral(value: object) -> object:
    """A JSON number with no fraction (``3.0``) is an integer, as JSON Schema
    says; strictness still refuses strings and booleans."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Strict integers within bounds that also take ``3.0`` for 3.
Age = Annotated[int, Strict(), Field(ge=0, le=130), BeforeValidator(_integral)]
Position = Annotated[int, Strict(), Field(ge=0, le=1_000_000), BeforeValidator(_integral)]
Year = Annotated[int, Strict(), Field(ge=1200, le=2200), BeforeValidator(_integral)]


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


_SLUGIFY = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    return _SLUGIFY.sub("-", text.lower()).strip("-")
