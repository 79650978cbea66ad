"""The data categories each arrangement reaches, indexed for walks across controllers.

``sharing_category_reach`` holds, per arrangement, every data category slug
it shares (its categories' groups and their items included) beside the
arrangement's list-order key; a page of ``/sharing?data_category=...``
across every controller walks one slug's range of its index. The app keeps
it in step (``app.register.reach``); this migration fills it for the data
already there.

Revision ID: 3d8a5e1f7b62
Revises: 9c4e2b7d1a30
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3d8a5e1f7b62"
down_revision: str | None = "9c4e2b7d1a30"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (a migration must not change with the app's code): the closure
# app.register.reach.reach_rows computes in memory, as one recursive query over
# every arrangement (the planner hashes whole tables, right for a backfill).
BACKFILL = """
INSERT INTO sharing_category_reach (sharing_id, category_slug, controller_id, position, slug)
WITH RECURSIVE
reach_up(sharing_id, category_id) AS (
    SELECT sharing_id, data_category_id FROM sharing_data_categories
    UNION
    SELECT reach_up.sharing_id, parent.group_id
    FROM reach_up JOIN data_categories AS parent ON parent.id = reach_up.category_id
    WHERE parent.group_id IS NOT NULL
),
reach_down(sharing_id, category_id) AS (
    SELECT sharing_id, data_category_id FROM sharing_data_categories
    UNION
    SELECT reach_down.sharing_id, child.id
    FROM reach_down JOIN data_categories AS child ON child.group_id = reach_down.category_id
),
reached AS (SELECT * FROM reach_up UNION SELECT * FROM reach_down)
SELECT reached.sharing_id, dc.slug, arrangement.controller_id, arrangement.position,
       arrangement.slug
FROM reached
JOIN data_categories AS dc ON dc.id = reached.category_id
JOIN sharing_arrangements AS arrangement ON arrangement.id = reached.sharing_id
"""


def upgrade() -> None:
    op.create_table(
        "sharing_category_reach",
        sa.Column("sharing_id", sa.Integer(), nullable=False),
        sa.Column("category_slug", sa.String(length=120), nullable=False),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(
            ["sharing_id"],
            ["sharing_arrangements.id"],
            name=op.f("fk_sharing_category_reach_sharing_id_sharing_arrangements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "sharing_id", "category_slug", name=op.f("pk_sharing_category_reach")
        ),
    )
    op.create_index(
        "ix_sharing_category_reach_walk",
        "sharing_category_reach",
        ["category_slug", "controller_id", "position", "slug", "sharing_id"],
        unique=False,
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_index("ix_sharing_category_reach_walk", table_name="sharing_category_reach")
    op.drop_table("sharing_category_reach")
