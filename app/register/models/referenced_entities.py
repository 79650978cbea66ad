"""The entities arrangements, rules and collections refer to: lawful bases
(shared by all controllers), services, data subjects and categories,
purposes, legislation and recipients."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base
from app.register.models.entity_columns import ControllerScoped, NamedEntity
from app.register.models.link_tables import link_table


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
