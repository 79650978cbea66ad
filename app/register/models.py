"""ORM models of the register.

Every register entity belongs to one controller and is addressed by a slug
unique within that controller; GDPR lawful bases are reference data shared
by all controllers. Relationships use ``lazy="raise"`` so that a query that
forgot to load what it serialises fails loudly instead of issuing N+1
queries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.db import Base

SLUG_LENGTH = 120


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class NamedEntity(Timestamps):
    """Columns every register entity has. ``version`` guards concurrent edits."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list[Any]] = mapped_column(default=list)
    basis: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))
    """Where each fact comes from (``app.register.basis``), every fact listed."""
    position: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        table: Any = cls.__table__  # type: ignore[attr-defined]
        return {"version_id_col": table.c.version}


class ControllerScoped(NamedEntity):
    @declared_attr
    def controller_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(ForeignKey("controllers.id", ondelete="RESTRICT"), index=True)

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805
        # The slug index serves lookups across all controllers (filters and
        # details without ?controller=); the unique key leads with controller_id.
        # It holds the id too: a filter naming an entity present in every
        # controller reads its ids from the index alone.
        table: str = cls.__tablename__  # type: ignore[attr-defined]
        return (
            UniqueConstraint("controller_id", "slug"),
            Index(f"ix_{table}_slug", "slug", "id"),
        )


def link_table(name: str, left: str, right: str) -> Table:
    """An association table between two entity tables, both sides restricted:
    deleting a referenced entity must be refused, never silently cascaded."""
    left_col, right_col = f"{left}_id", f"{right}_id"
    left_table = _TABLE_OF[left]
    right_table = _TABLE_OF[right]
    return Table(
        name,
        Base.metadata,
        Column(
            left_col,
            ForeignKey(f"{left_table}.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column(
            right_col,
            ForeignKey(f"{right_table}.id", ondelete="RESTRICT"),
            primary_key=True,
            index=True,
        ),
    )


_TABLE_OF = {
    "sharing": "sharing_arrangements",
    "condition": "sharing_conditions",
    "data_category": "data_categories",
    "data_subject": "data_subjects",
    "purpose": "purposes",
    "legislation": "legislation",
    "lawful_basis": "lawful_bases",
    "service": "services",
    "retention_rule": "retention_rules",
    "data_collection": "data_collections",
    "data_source": "data_sources",
    "recipient": "recipients",
}


class Controller(NamedEntity, Base):
    __tablename__ = "controllers"
    __table_args__ = (UniqueConstraint("slug"),)

    kind: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(2), default="GB")
    phone: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(320))
    website: Mapped[str | None] = mapped_column(String(2000))
    notice_title: Mapped[str | None] = mapped_column(Text)
    notice_url: Mapped[str | None] = mapped_column(String(2000))
    dpo: Mapped[dict[str, Any]] = mapped_column(default=dict)
    representative: Mapped[dict[str, Any] | None] = mapped_column()
    supervisory_authority: Mapped[dict[str, Any] | None] = mapped_column()
    security_measures: Mapped[str | None] = mapped_column(Text)
    third_country_transfers: Mapped[str] = mapped_column(String(40), default="not_stated")
    third_country_details: Mapped[str | None] = mapped_column(Text)


class LawfulBasis(NamedEntity, Base):
    __tablename__ = "lawful_bases"
    __table_args__ = (UniqueConstraint("slug"),)

    article: Mapped[str] = mapped_column(String(20))
    reference: Mapped[str] = mapped_column(String(50))
    dpv_term: Mapped[str | None] = mapped_column(String(200))


class Service(ControllerScoped, Base):
    __tablename__ = "services"


class DataSubject(ControllerScoped, Base):
    __tablename__ = "data_subjects"

    dpv_term: Mapped[str | None] = mapped_column(String(200))


data_category_subjects = link_table("data_category_subjects", "data_category", "data_subject")
data_category_services = link_table("data_category_services", "data_category", "service")


class DataCategory(ControllerScoped, Base):
    __tablename__ = "data_categories"

    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("data_categories.id", ondelete="RESTRICT"), index=True
    )
    special_category: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    article9_condition_id: Mapped[int | None] = mapped_column(
        ForeignKey("lawful_bases.id", ondelete="RESTRICT"), index=True
    )
    dpv_term: Mapped[str | None] = mapped_column(String(200))

    group: Mapped[DataCategory | None] = relationship(remote_side="DataCategory.id", lazy="raise")
    article9_condition: Mapped[LawfulBasis | None] = relationship(lazy="raise")
    data_subjects: Mapped[list[DataSubject]] = relationship(
        secondary=data_category_subjects, lazy="raise", order_by="DataSubject.slug"
    )
    services: Mapped[list[Service]] = relationship(
        secondary=data_category_services, lazy="raise", order_by="Service.slug"
    )


class Purpose(ControllerScoped, Base):
    __tablename__ = "purposes"

    kind: Mapped[str] = mapped_column(String(40), default="processing")
    dpv_term: Mapped[str | None] = mapped_column(String(200))


class Legislation(ControllerScoped, Base):
    __tablename__ = "legislation"

    cited_as: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    year: Mapped[int | None] = mapped_column(Integer)
    part_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("legislation.id", ondelete="RESTRICT"), index=True
    )
    provision: Mapped[str | None] = mapped_column(String(200))
    legislation_gov_uk_id: Mapped[str | None] = mapped_column(String(300))

    part_of: Mapped[Legislation | None] = relationship(remote_side="Legislation.id", lazy="raise")


class Recipient(ControllerScoped, Base):
    __tablename__ = "recipients"

    role: Mapped[str] = mapped_column(String(40), default="not_stated", index=True)
    kind: Mapped[str] = mapped_column(String(40), default="other")
    contract_reference: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(2000))


sharing_data_categories = link_table("sharing_data_categories", "sharing", "data_category")
sharing_data_subjects = link_table("sharing_data_subjects", "sharing", "data_subject")
sharing_purposes = link_table("sharing_purposes", "sharing", "purpose")
sharing_legislation = link_table("sharing_legislation", "sharing", "legislation")
sharing_lawful_bases = link_table("sharing_lawful_bases", "sharing", "lawful_basis")
sharing_services = link_table("sharing_services", "sharing", "service")
condition_data_categories = link_table("condition_data_categories", "condition", "data_category")


class SharingArrangement(ControllerScoped, Base):
    __tablename__ = "sharing_arrangements"
    # Lists walk arrangements in this order and stop after a page (no sort).
    # The columns filters check row by row ride along, so a walk across
    # every controller reads the index only, never the wide rows.
    __table_args__ = (
        UniqueConstraint("controller_id", "slug"),
        Index("ix_sharing_arrangements_slug", "slug"),
        Index(
            "ix_sharing_arrangements_list_order",
            "controller_id",
            "position",
            "slug",
            "id",
            "recipient_id",
            "applies_from_age",
            "applies_until_age",
        ),
    )

    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("recipients.id", ondelete="RESTRICT"), index=True
    )
    frequency: Mapped[str] = mapped_column(String(40), default="not_stated")
    consent: Mapped[str] = mapped_column(String(40), default="not_stated")
    applies_from_age: Mapped[int | None] = mapped_column(Integer)
    applies_until_age: Mapped[int | None] = mapped_column(Integer)

    recipient: Mapped[Recipient] = relationship(lazy="raise")
    data_categories: Mapped[list[DataCategory]] = relationship(
        secondary=sharing_data_categories, lazy="raise", order_by="DataCategory.slug"
    )
    data_subjects: Mapped[list[DataSubject]] = relationship(
        secondary=sharing_data_subjects, lazy="raise", order_by="DataSubject.slug"
    )
    purposes: Mapped[list[Purpose]] = relationship(
        secondary=sharing_purposes, lazy="raise", order_by="Purpose.slug"
    )
    legislation: Mapped[list[Legislation]] = relationship(
        secondary=sharing_legislation, lazy="raise", order_by="Legislation.slug"
    )
    lawful_bases: Mapped[list[LawfulBasis]] = relationship(
        secondary=sharing_lawful_bases, lazy="raise", order_by="LawfulBasis.slug"
    )
    services: Mapped[list[Service]] = relationship(
        secondary=sharing_services, lazy="raise", order_by="Service.slug"
    )
    conditions: Mapped[list[SharingCondition]] = relationship(
        back_populates="sharing",
        cascade="all, delete-orphan",
        lazy="raise",
        order_by="SharingCondition.position",
    )


class SharingCategoryReach(Base):
    """Derived: each data category slug an arrangement shares, with the
    groups of its categories and their items (what the ``data_category``
    filter matches), beside the arrangement's list-order key.

    A page of ``/sharing?data_category=ethnicity`` across every controller
    walks one slug's range of this index in list order, visiting only the
    arrangements that share the category, instead of every arrangement of
    every controller. Kept in step by ``app.register.reach`` in the
    transaction of every change to arrangements or data categories; never
    written by hand."""

    __tablename__ = "sharing_category_reach"
    __table_args__ = (
        Index(
            "ix_sharing_category_reach_walk",
            "category_slug",
            "controller_id",
            "position",
            "slug",
            "sharing_id",
        ),
    )

    sharing_id: Mapped[int] = mapped_column(
        ForeignKey("sharing_arrangements.id", ondelete="CASCADE"), primary_key=True
    )
    category_slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), primary_key=True)
    # The arrangement's list-order key (its controller, position and slug).
    controller_id: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH))


class SharingCondition(Base):
    """A condition of one sharing arrangement; owned by it, never shared."""

    __tablename__ = "sharing_conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    sharing_id: Mapped[int] = mapped_column(
        ForeignKey("sharing_arrangements.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    from_age: Mapped[int | None] = mapped_column(Integer)
    until_age: Mapped[int | None] = mapped_column(Integer)
    exercised_by: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    sources: Mapped[list[Any]] = mapped_column(default=list)
    basis: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))

    sharing: Mapped[SharingArrangement] = relationship(back_populates="conditions", lazy="raise")
    restricted_to: Mapped[list[DataCategory]] = relationship(
        secondary=condition_data_categories, lazy="raise", order_by="DataCategory.slug"
    )


retention_data_categories = link_table(
    "retention_data_categories", "retention_rule", "data_category"
)
retention_data_subjects = link_table("retention_data_subjects", "retention_rule", "data_subject")
retention_legislation = link_table("retention_legislation", "retention_rule", "legislation")


class RetentionRule(ControllerScoped, Base):
    __tablename__ = "retention_rules"

    duration: Mapped[str | None] = mapped_column(String(40))

    data_categories: Mapped[list[DataCategory]] = relationship(
        secondary=retention_data_categories, lazy="raise", order_by="DataCategory.slug"
    )
    data_subjects: Mapped[list[DataSubject]] = relationship(
        secondary=retention_data_subjects, lazy="raise", order_by="DataSubject.slug"
    )
    legislation: Mapped[list[Legislation]] = relationship(
        secondary=retention_legislation, lazy="raise", order_by="Legislation.slug"
    )


collection_legislation = link_table("collection_legislation", "data_collection", "legislation")
collection_purposes = link_table("collection_purposes", "data_collection", "purpose")
collection_data_subjects = link_table("collection_data_subjects", "data_collection", "data_subject")


class DataCollection(ControllerScoped, Base):
    __tablename__ = "data_collections"

    abbreviation: Mapped[str | None] = mapped_column(String(50))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("recipients.id", ondelete="RESTRICT"), index=True
    )
    links: Mapped[list[Any]] = mapped_column(default=list)

    owner: Mapped[Recipient | None] = relationship(lazy="raise")
    legislation: Mapped[list[Legislation]] = relationship(
        secondary=collection_legislation, lazy="raise", order_by="Legislation.slug"
    )
    purposes: Mapped[list[Purpose]] = relationship(
        secondary=collection_purposes, lazy="raise", order_by="Purpose.slug"
    )
    data_subjects: Mapped[list[DataSubject]] = relationship(
        secondary=collection_data_subjects, lazy="raise", order_by="DataSubject.slug"
    )


class Right(ControllerScoped, Base):
    __tablename__ = "rights"

    gdpr_article: Mapped[str | None] = mapped_column(String(50))
    dpv_term: Mapped[str | None] = mapped_column(String(200))


source_providers = link_table("data_source_providers", "data_source", "recipient")
source_legislation = link_table("data_source_legislation", "data_source", "legislation")
source_data_subjects = link_table("data_source_subjects", "data_source", "data_subject")


class DataSource(ControllerScoped, Base):
    __tablename__ = "data_sources"

    mandatory: Mapped[bool | None] = mapped_column(Boolean)

    providers: Mapped[list[Recipient]] = relationship(
        secondary=source_providers, lazy="raise", order_by="Recipient.slug"
    )
    legislation: Mapped[list[Legislation]] = relationship(
        secondary=source_legislation, lazy="raise", order_by="Legislation.slug"
    )
    data_subjects: Mapped[list[DataSubject]] = relationship(
        secondary=source_data_subjects, lazy="raise", order_by="DataSubject.slug"
    )


class StorageLocation(ControllerScoped, Base):
    __tablename__ = "storage_locations"


class Statement(ControllerScoped, Base):
    __tablename__ = "statements"

    kind: Mapped[str] = mapped_column(String(40), default="other")
