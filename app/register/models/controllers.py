"""The controllers: the organisations whose notices the register describes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base
from app.register.models.entity_columns import NamedEntity


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
