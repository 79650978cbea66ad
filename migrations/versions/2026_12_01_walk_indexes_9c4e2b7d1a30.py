"""Covering indexes for pages across every controller.

The list-order index of sharing arrangements also holds the columns filters
check row by row (recipient, ages), so a page across every controller walks
the index alone and stops after the page; slug indexes hold the id, so a
filter naming an entity present in every controller reads ids from the index.

Revision ID: 9c4e2b7d1a30
Revises: 6b1f3c2a9d47
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "9c4e2b7d1a30"
down_revision: str | None = "6b1f3c2a9d47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every controller-scoped table but sharing_arrangements (its slug index is unchanged).
SLUG_TABLES = (
    "services",
    "data_subjects",
    "data_categories",
    "purposes",
    "legislation",
    "recipients",
    "retention_rules",
    "data_collections",
    "rights",
    "data_sources",
    "storage_locations",
    "statements",
)
LIST_ORDER = ["controller_id", "position", "slug", "id"]
ROW_FILTERS = ["recipient_id", "applies_from_age", "applies_until_age"]


def upgrade() -> None:
    for table in SLUG_TABLES:
        op.drop_index(f"ix_{table}_slug", table_name=table)
        op.create_index(f"ix_{table}_slug", table, ["slug", "id"], unique=False)
    op.drop_index("ix_sharing_arrangements_list_order", table_name="sharing_arrangements")
    op.create_index(
        "ix_sharing_arrangements_list_order",
        "sharing_arrangements",
        [*LIST_ORDER, *ROW_FILTERS],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_sharing_arrangements_list_order", table_name="sharing_arrangements")
    op.create_index(
        "ix_sharing_arrangements_list_order", "sharing_arrangements", LIST_ORDER, unique=False
    )
    for table in reversed(SLUG_TABLES):
        op.drop_index(f"ix_{table}_slug", table_name=table)
        op.create_index(f"ix_{table}_slug", table, ["slug"], unique=False)
