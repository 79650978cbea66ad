"""The other entities a notice states: retention rules, data collections,
rights, data sources, storage locations and statements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.register.models.entity_columns import ControllerScoped
from app.register.models.link_tables import link_table
from app.register.models.referenced_entities import (
    DataCategory,
    DataSubject,
    Legislation,
    Purpose,
    Recipient,
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
