"""Sharing arrangements, their conditions and the derived category reach."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.register.models.entity_columns import SLUG_LENGTH, ControllerScoped
from app.register.models.link_tables import link_table
from app.register.models.referenced_entities import (
    DataCategory,
    DataSubject,
    LawfulBasis,
    Legislation,
    Purpose,
    Recipient,
    Service,
)

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
