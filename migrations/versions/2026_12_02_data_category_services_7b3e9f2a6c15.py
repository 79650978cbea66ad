"""Data categories name the services the notice ties them to.

``data_category_services`` links a data category to the services whose work
involves it ("information about the health and wellbeing of young people
who accept youth support services and/or for supporting assessment of
SEND"). Existing rows link to none: their basis records the new fact as not
stated, the default of an empty list (``app.register.basis``, frozen here).

Revision ID: 7b3e9f2a6c15
Revises: 5e2a9c7d4b13
Create Date: 2026-12-02
"""

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "7b3e9f2a6c15"
down_revision: str | None = "5e2a9c7d4b13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FACT = "services"
NOT_STATED = {
    "basis": "not_stated",
    "quotes": [],
    "reasoning": None,
    "reference": None,
    "exhaustive": None,
}


def _rewrite_bases(change: Any) -> None:
    conn = op.get_bind()
    table = sa.table("data_categories", sa.column("id", sa.Integer), sa.column("basis", sa.JSON))
    updates = []
    for row_id, basis in conn.execute(sa.select(table.c.id, table.c.basis)).all():
        # Drivers without JSON support hand back the text.
        current = json.loads(basis) if isinstance(basis, str) else dict(basis or {})
        updates.append({"row_id": row_id, "value": change(current)})
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values(basis=sa.bindparam("value", type_=sa.JSON()))
    )
    for start in range(0, len(updates), 1_000):
        conn.execute(statement, updates[start : start + 1_000])


def _with_fact(basis: dict[str, Any]) -> dict[str, Any]:
    return {**basis, FACT: dict(NOT_STATED)}


def _without_fact(basis: dict[str, Any]) -> dict[str, Any]:
    return {key: entry for key, entry in basis.items() if key.split("/", 1)[0] != FACT}


def upgrade() -> None:
    op.create_table(
        "data_category_services",
        sa.Column("data_category_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_category_id"],
            ["data_categories.id"],
            name=op.f("fk_data_category_services_data_category_id_data_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_data_category_services_service_id_services"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "data_category_id", "service_id", name=op.f("pk_data_category_services")
        ),
    )
    with op.batch_alter_table("data_category_services", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_category_services_service_id"), ["service_id"], unique=False
        )
    _rewrite_bases(_with_fact)


def downgrade() -> None:
    _rewrite_bases(_without_fact)
    with op.batch_alter_table("data_category_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_category_services_service_id"))
    op.drop_table("data_category_services")
