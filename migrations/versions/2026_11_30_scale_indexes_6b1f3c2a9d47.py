"""Indexes for many controllers: slug lookups across controllers, ordered lists.

Revision ID: 6b1f3c2a9d47
Revises: f52f099704ad
Create Date: 2026-11-30
"""

from collections.abc import Sequence

from alembic import op

revision: str = "6b1f3c2a9d47"
down_revision: str | None = "f52f099704ad"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCOPED_TABLES = (
    "services",
    "data_subjects",
    "data_categories",
    "purposes",
    "legislation",
    "recipients",
    "sharing_arrangements",
    "retention_rules",
    "data_collections",
    "rights",
    "data_sources",
    "storage_locations",
    "statements",
)


def upgrade() -> None:
    for table in SCOPED_TABLES:
        op.create_index(f"ix_{table}_slug", table, ["slug"], unique=False)
    op.create_index(
        "ix_sharing_arrangements_list_order",
        "sharing_arrangements",
        ["controller_id", "position", "slug", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_sharing_arrangements_list_order", table_name="sharing_arrangements")
    for table in reversed(SCOPED_TABLES):
        op.drop_index(f"ix_{table}_slug", table_name=table)
