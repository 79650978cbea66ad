"""The columns every register entity has, and those of entities scoped to a
controller (slug unique within it, optimistic ``version``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

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
