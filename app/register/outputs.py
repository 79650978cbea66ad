"""Response schemas for the OpenAPI document.

Reads are served from canonical states serialised straight to bytes (see
``app.api.responses``); these models describe those bytes. They derive from
the input schemas, so what is written and what is read cannot drift apart.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Generic, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, create_model

from app.register import entities as e
from app.register import schemas as s
from app.register.basis import BasisKind
from app.register.document import SCHEMA_VERSION
from app.register.entities import EntityType
from app.register.silence import Fact

T = TypeVar("T")


class PageOut(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(ge=0)
    limit: int = Field(ge=1)
    offset: int = Field(ge=0)
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class RefOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    slug: str
    name: str


class RecipientRefOut(RefOut):
    role: s.RecipientRole
    kind: s.RecipientKind | None = None
    role_basis: BasisKind | None = Field(
        default=None, description="How the role is known (see the recipient's `basis`)."
    )
    kind_basis: BasisKind | None = Field(
        default=None, description="How the kind is known (see the recipient's `basis`)."
    )


class SharingExpandedOut(BaseModel):
    recipient: RecipientRefOut
    data_categories: list[RefOut]
    data_subjects: list[RefOut]
    purposes: list[RefOut]
    legislation: list[RefOut]
    lawful_bases: list[RefOut]
    services: list[RefOut]


def _camel(entity_type: EntityType) -> str:
    return "".join(part.capitalize() for part in entity_type.name.split("-"))


@cache
def item_model(entity_type: EntityType) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    if entity_type.scoped:
        fields["controller"] = (str, Field(description="Slug of the owning controller."))
    if entity_type is e.SHARING:
        fields["expanded"] = (SharingExpandedOut, Field(description="Names of linked entities."))
        fields["not_stated"] = (
            list[str],
            Field(description="What the source does not state for this arrangement."),
        )
    return create_model(
        f"{_camel(entity_type)}Out",
        __base__=entity_type.schema,
        __config__=None,
        **fields,
    )


@cache
def page_model(entity_type: EntityType) -> type[BaseModel]:
    page: Any = PageOut[item_model(entity_type)]  # type: ignore[misc]
    return cast(type[BaseModel], page)


class SharingForRecipient(BaseModel):
    slug: str
    name: str


class ReceivedByOut(BaseModel):
    recipient: RecipientRefOut
    sharing: str
    via: list[str]


class SubcategoryOut(BaseModel):
    slug: str
    name: str
    special_category: bool


@cache
def recipient_detail_model() -> type[BaseModel]:
    sharing_item: Any = item_model(e.SHARING)
    return create_model(
        "RecipientDetailOut",
        __base__=item_model(e.RECIPIENTS),
        sharing=(list[sharing_item], ...),
        data_collections=(list[RefOut], ...),
    )


@cache
def data_category_detail_model() -> type[BaseModel]:
    return create_model(
        "DataCategoryDetailOut",
        __base__=item_model(e.DATA_CATEGORIES),
        subcategories=(list[SubcategoryOut], ...),
        received_by=(list[ReceivedByOut], ...),
    )


def register_document_model() -> type[BaseModel]:
    fields: dict[str, Any] = {
        "schema_version": (Literal[SCHEMA_VERSION], ...),
        "generated_at": (str, ...),
        "digest": (str, Field(pattern=r"^sha256:[0-9a-f]{64}$")),
        "data_version": (int | None, None),
        "as_of": (str | None, None),
        "version": (str | None, None),
        "version_name": (str | None, None),
        "published_at": (str | None, None),
        "checkpoint": (
            dict[str, Any] | None,
            Field(
                default=None,
                description="The signed checkpoint of the audit log at `data_version` "
                "(/api/v1/log/checkpoint).",
            ),
        ),
        "controller": (s.ControllerIn, ...),
        "lawful_bases": (list[s.LawfulBasisIn], ...),
    }
    for entity_type in e.SCOPED_TYPES:
        schema: Any = entity_type.schema
        fields[entity_type.name.replace("-", "_")] = (list[schema], ...)
    # No other key: the import refuses one (app.interchange.importing).
    return create_model("RegisterDocument", __config__=ConfigDict(extra="forbid"), **fields)


RegisterDocumentOut = register_document_model()


class UnstatedOut(BaseModel):
    """How many arrangements leave unstated a fact a filter reads."""

    filter: str = Field(description="The query parameter whose fact this is.")
    fact: Fact = Field(description="The fact left unstated (a value of `not_stated`).")
    count: int = Field(
        ge=0, description="Arrangements matching the other filters that leave it unstated."
    )
    count_exact: bool = Field(
        description="False across several controllers: `count` is then a lower bound."
    )
    among_matches: bool = Field(
        description="True where those arrangements are among this answer's matches "
        "(an arrangement stating no age applies at every age); false where no filter "
        "on the fact can match them (they state no data categories, purposes, ...)."
    )
    query: str = Field(description="The query listing them.")


@cache
def sharing_page_model() -> type[BaseModel]:
    return create_model(
        "SharingPageOut",
        __base__=page_model(e.SHARING),
        unstated=(
            list[UnstatedOut],
            Field(
                description="For each filter on a fact the notice may leave unstated: "
                "how many arrangements leave it unstated, and how to list them. An empty "
                "`items` never means 'none' while a count here is above zero."
            ),
        ),
    )


SharingPageOut = sharing_page_model()
