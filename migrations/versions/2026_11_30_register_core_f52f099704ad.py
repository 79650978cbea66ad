"""Register core: controllers, entities and their links, audit trail, API keys,
idempotency records and published versions.

On PostgreSQL a trigger makes ``audit_events`` append-only: the database itself
refuses UPDATE, DELETE and TRUNCATE on it.

Revision ID: f52f099704ad
Revises:
Create Date: 2026-11-30 04:03:24.684151
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f52f099704ad"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


APPEND_ONLY_FUNCTION = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def _create_append_only_trigger() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(APPEND_ONLY_FUNCTION)
    op.execute(
        "CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events "
        "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
    )


def _drop_append_only_trigger() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
    op.execute("DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")


def upgrade() -> None:
    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain_head")),
    )
    op.create_table(
        "audit_events",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=False,
            nullable=False,
        ),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_type", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=100), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("entity_type", sa.String(length=40), nullable=False),
        sa.Column("controller", sa.String(length=120), nullable=True),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("request_id", sa.String(length=100), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_events_actor_name"), ["actor_name"], unique=False
        )
        batch_op.create_index("ix_audit_events_controller_seq", ["controller", "seq"], unique=False)
        batch_op.create_index(
            "ix_audit_events_entity", ["entity_type", "controller", "slug"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_events_occurred_at"), ["occurred_at"], unique=False
        )

    op.create_table(
        "controllers",
        sa.Column("kind", sa.String(length=100), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("phone", sa.String(length=100), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("website", sa.String(length=2000), nullable=True),
        sa.Column("notice_title", sa.Text(), nullable=True),
        sa.Column("notice_url", sa.String(length=2000), nullable=True),
        sa.Column("dpo", sa.JSON(), nullable=False),
        sa.Column("representative", sa.JSON(), nullable=True),
        sa.Column("supervisory_authority", sa.JSON(), nullable=True),
        sa.Column("security_measures", sa.Text(), nullable=True),
        sa.Column("third_country_transfers", sa.String(length=40), nullable=False),
        sa.Column("third_country_details", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_controllers")),
        sa.UniqueConstraint("slug", name=op.f("uq_controllers_slug")),
    )
    op.create_table(
        "lawful_bases",
        sa.Column("article", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=50), nullable=False),
        sa.Column("dpv_term", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lawful_bases")),
        sa.UniqueConstraint("slug", name=op.f("uq_lawful_bases_slug")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        sa.Column("controller_id", sa.Integer(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_api_keys_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_api_keys_key_id")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_keys_controller_id"), ["controller_id"], unique=False
        )

    op.create_table(
        "data_categories",
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("special_category", sa.Boolean(), nullable=False),
        sa.Column("article9_condition_id", sa.Integer(), nullable=True),
        sa.Column("dpv_term", sa.String(length=200), nullable=True),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["article9_condition_id"],
            ["lawful_bases.id"],
            name=op.f("fk_data_categories_article9_condition_id_lawful_bases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_data_categories_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["data_categories.id"],
            name=op.f("fk_data_categories_group_id_data_categories"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_categories")),
        sa.UniqueConstraint(
            "controller_id", "slug", name=op.f("uq_data_categories_controller_id_slug")
        ),
    )
    with op.batch_alter_table("data_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_categories_article9_condition_id"),
            ["article9_condition_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_data_categories_controller_id"), ["controller_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_data_categories_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_data_categories_special_category"), ["special_category"], unique=False
        )

    op.create_table(
        "data_sources",
        sa.Column("mandatory", sa.Boolean(), nullable=True),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_data_sources_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_sources")),
        sa.UniqueConstraint(
            "controller_id", "slug", name=op.f("uq_data_sources_controller_id_slug")
        ),
    )
    with op.batch_alter_table("data_sources", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_sources_controller_id"), ["controller_id"], unique=False
        )

    op.create_table(
        "data_subjects",
        sa.Column("dpv_term", sa.String(length=200), nullable=True),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_data_subjects_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_subjects")),
        sa.UniqueConstraint(
            "controller_id", "slug", name=op.f("uq_data_subjects_controller_id_slug")
        ),
    )
    with op.batch_alter_table("data_subjects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_subjects_controller_id"), ["controller_id"], unique=False
        )

    op.create_table(
        "legislation",
        sa.Column("cited_as", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("part_of_id", sa.Integer(), nullable=True),
        sa.Column("provision", sa.String(length=200), nullable=True),
        sa.Column("legislation_gov_uk_id", sa.String(length=300), nullable=True),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_legislation_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["part_of_id"],
            ["legislation.id"],
            name=op.f("fk_legislation_part_of_id_legislation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legislation")),
        sa.UniqueConstraint(
            "controller_id", "slug", name=op.f("uq_legislation_controller_id_slug")
        ),
    )
    with op.batch_alter_table("legislation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_legislation_controller_id"), ["controller_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_legislation_part_of_id"), ["part_of_id"], unique=False)

    op.create_table(
        "published_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.Column(
            "audit_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("digest", sa.String(length=80), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_published_versions_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_versions")),
        sa.UniqueConstraint(
            "controller_id", "slug", name=op.f("uq_published_versions_controller_id_slug")
        ),
    )
    with op.batch_alter_table("published_versions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_published_versions_controller_id"), ["controller_id"], unique=False
        )

    op.create_table(
        "purposes",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("dpv_term", sa.String(length=200), nullable=True),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_purposes_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_purposes")),
        sa.UniqueConstraint("controller_id", "slug", name=op.f("uq_purposes_controller_id_slug")),
    )
    with op.batch_alter_table("purposes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_purposes_controller_id"), ["controller_id"], unique=False
        )

    op.create_table(
        "recipients",
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("contract_reference", sa.Text(), nullable=True),
        sa.Column("website", sa.String(length=2000), nullable=True),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_recipients_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipients")),
        sa.UniqueConstraint("controller_id", "slug", name=op.f("uq_recipients_controller_id_slug")),
    )
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_recipients_controller_id"), ["controller_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_recipients_role"), ["role"], unique=False)

    op.create_table(
        "retention_rules",
        sa.Column("duration", sa.String(length=40), nullable=True),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_retention_rules_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_rules")),
        sa.UniqueConstraint(
            "controller_id", "slug", name=op.f("uq_retention_rules_controller_id_slug")
        ),
    )
    with op.batch_alter_table("retention_rules", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_rules_controller_id"), ["controller_id"], unique=False
        )

    op.create_table(
        "rights",
        sa.Column("gdpr_article", sa.String(length=50), nullable=True),
        sa.Column("dpv_term", sa.String(length=200), nullable=True),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_rights_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rights")),
        sa.UniqueConstraint("controller_id", "slug", name=op.f("uq_rights_controller_id_slug")),
    )
    with op.batch_alter_table("rights", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_rights_controller_id"), ["controller_id"], unique=False
        )

    op.create_table(
        "services",
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_services_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("controller_id", "slug", name=op.f("uq_services_controller_id_slug")),
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_services_controller_id"), ["controller_id"], unique=False
        )

    op.create_table(
        "statements",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_statements_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statements")),
        sa.UniqueConstraint("controller_id", "slug", name=op.f("uq_statements_controller_id_slug")),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_statements_controller_id"), ["controller_id"], unique=False
        )

    op.create_table(
        "storage_locations",
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_storage_locations_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_storage_locations")),
        sa.UniqueConstraint(
            "controller_id", "slug", name=op.f("uq_storage_locations_controller_id_slug")
        ),
    )
    with op.batch_alter_table("storage_locations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_storage_locations_controller_id"), ["controller_id"], unique=False
        )

    op.create_table(
        "data_category_subjects",
        sa.Column("data_category_id", sa.Integer(), nullable=False),
        sa.Column("data_subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_category_id"],
            ["data_categories.id"],
            name=op.f("fk_data_category_subjects_data_category_id_data_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["data_subject_id"],
            ["data_subjects.id"],
            name=op.f("fk_data_category_subjects_data_subject_id_data_subjects"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "data_category_id", "data_subject_id", name=op.f("pk_data_category_subjects")
        ),
    )
    with op.batch_alter_table("data_category_subjects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_category_subjects_data_subject_id"),
            ["data_subject_id"],
            unique=False,
        )

    op.create_table(
        "data_collections",
        sa.Column("abbreviation", sa.String(length=50), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_data_collections_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["recipients.id"],
            name=op.f("fk_data_collections_owner_id_recipients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_collections")),
        sa.UniqueConstraint(
            "controller_id", "slug", name=op.f("uq_data_collections_controller_id_slug")
        ),
    )
    with op.batch_alter_table("data_collections", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_collections_controller_id"), ["controller_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_data_collections_owner_id"), ["owner_id"], unique=False
        )

    op.create_table(
        "data_source_legislation",
        sa.Column("data_source_id", sa.Integer(), nullable=False),
        sa.Column("legislation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_source_id"],
            ["data_sources.id"],
            name=op.f("fk_data_source_legislation_data_source_id_data_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["legislation_id"],
            ["legislation.id"],
            name=op.f("fk_data_source_legislation_legislation_id_legislation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "data_source_id", "legislation_id", name=op.f("pk_data_source_legislation")
        ),
    )
    with op.batch_alter_table("data_source_legislation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_source_legislation_legislation_id"),
            ["legislation_id"],
            unique=False,
        )

    op.create_table(
        "data_source_providers",
        sa.Column("data_source_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_source_id"],
            ["data_sources.id"],
            name=op.f("fk_data_source_providers_data_source_id_data_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_data_source_providers_recipient_id_recipients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "data_source_id", "recipient_id", name=op.f("pk_data_source_providers")
        ),
    )
    with op.batch_alter_table("data_source_providers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_source_providers_recipient_id"), ["recipient_id"], unique=False
        )

    op.create_table(
        "data_source_subjects",
        sa.Column("data_source_id", sa.Integer(), nullable=False),
        sa.Column("data_subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_source_id"],
            ["data_sources.id"],
            name=op.f("fk_data_source_subjects_data_source_id_data_sources"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["data_subject_id"],
            ["data_subjects.id"],
            name=op.f("fk_data_source_subjects_data_subject_id_data_subjects"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "data_source_id", "data_subject_id", name=op.f("pk_data_source_subjects")
        ),
    )
    with op.batch_alter_table("data_source_subjects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_data_source_subjects_data_subject_id"), ["data_subject_id"], unique=False
        )

    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("api_key_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_keys.id"],
            name=op.f("fk_idempotency_records_api_key_id_api_keys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint(
            "api_key_id", "key", name=op.f("uq_idempotency_records_api_key_id_key")
        ),
    )
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_records_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "retention_data_categories",
        sa.Column("retention_rule_id", sa.Integer(), nullable=False),
        sa.Column("data_category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_category_id"],
            ["data_categories.id"],
            name=op.f("fk_retention_data_categories_data_category_id_data_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["retention_rule_id"],
            ["retention_rules.id"],
            name=op.f("fk_retention_data_categories_retention_rule_id_retention_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "retention_rule_id", "data_category_id", name=op.f("pk_retention_data_categories")
        ),
    )
    with op.batch_alter_table("retention_data_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_data_categories_data_category_id"),
            ["data_category_id"],
            unique=False,
        )

    op.create_table(
        "retention_data_subjects",
        sa.Column("retention_rule_id", sa.Integer(), nullable=False),
        sa.Column("data_subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_subject_id"],
            ["data_subjects.id"],
            name=op.f("fk_retention_data_subjects_data_subject_id_data_subjects"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["retention_rule_id"],
            ["retention_rules.id"],
            name=op.f("fk_retention_data_subjects_retention_rule_id_retention_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "retention_rule_id", "data_subject_id", name=op.f("pk_retention_data_subjects")
        ),
    )
    with op.batch_alter_table("retention_data_subjects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_data_subjects_data_subject_id"),
            ["data_subject_id"],
            unique=False,
        )

    op.create_table(
        "retention_legislation",
        sa.Column("retention_rule_id", sa.Integer(), nullable=False),
        sa.Column("legislation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["legislation_id"],
            ["legislation.id"],
            name=op.f("fk_retention_legislation_legislation_id_legislation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["retention_rule_id"],
            ["retention_rules.id"],
            name=op.f("fk_retention_legislation_retention_rule_id_retention_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "retention_rule_id", "legislation_id", name=op.f("pk_retention_legislation")
        ),
    )
    with op.batch_alter_table("retention_legislation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_legislation_legislation_id"), ["legislation_id"], unique=False
        )

    op.create_table(
        "sharing_arrangements",
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=40), nullable=False),
        sa.Column("consent", sa.String(length=40), nullable=False),
        sa.Column("applies_from_age", sa.Integer(), nullable=True),
        sa.Column("applies_until_age", sa.Integer(), nullable=True),
        sa.Column("controller_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=120), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["controller_id"],
            ["controllers.id"],
            name=op.f("fk_sharing_arrangements_controller_id_controllers"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["recipients.id"],
            name=op.f("fk_sharing_arrangements_recipient_id_recipients"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_arrangements")),
        sa.UniqueConstraint(
            "controller_id", "slug", name=op.f("uq_sharing_arrangements_controller_id_slug")
        ),
    )
    with op.batch_alter_table("sharing_arrangements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_arrangements_controller_id"), ["controller_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sharing_arrangements_recipient_id"), ["recipient_id"], unique=False
        )

    op.create_table(
        "collection_data_subjects",
        sa.Column("data_collection_id", sa.Integer(), nullable=False),
        sa.Column("data_subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_collection_id"],
            ["data_collections.id"],
            name=op.f("fk_collection_data_subjects_data_collection_id_data_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["data_subject_id"],
            ["data_subjects.id"],
            name=op.f("fk_collection_data_subjects_data_subject_id_data_subjects"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "data_collection_id", "data_subject_id", name=op.f("pk_collection_data_subjects")
        ),
    )
    with op.batch_alter_table("collection_data_subjects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_collection_data_subjects_data_subject_id"),
            ["data_subject_id"],
            unique=False,
        )

    op.create_table(
        "collection_legislation",
        sa.Column("data_collection_id", sa.Integer(), nullable=False),
        sa.Column("legislation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_collection_id"],
            ["data_collections.id"],
            name=op.f("fk_collection_legislation_data_collection_id_data_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["legislation_id"],
            ["legislation.id"],
            name=op.f("fk_collection_legislation_legislation_id_legislation"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "data_collection_id", "legislation_id", name=op.f("pk_collection_legislation")
        ),
    )
    with op.batch_alter_table("collection_legislation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_collection_legislation_legislation_id"), ["legislation_id"], unique=False
        )

    op.create_table(
        "collection_purposes",
        sa.Column("data_collection_id", sa.Integer(), nullable=False),
        sa.Column("purpose_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_collection_id"],
            ["data_collections.id"],
            name=op.f("fk_collection_purposes_data_collection_id_data_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["purpose_id"],
            ["purposes.id"],
            name=op.f("fk_collection_purposes_purpose_id_purposes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "data_collection_id", "purpose_id", name=op.f("pk_collection_purposes")
        ),
    )
    with op.batch_alter_table("collection_purposes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_collection_purposes_purpose_id"), ["purpose_id"], unique=False
        )

    op.create_table(
        "sharing_conditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sharing_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("from_age", sa.Integer(), nullable=True),
        sa.Column("until_age", sa.Integer(), nullable=True),
        sa.Column("exercised_by", sa.String(length=40), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sharing_id"],
            ["sharing_arrangements.id"],
            name=op.f("fk_sharing_conditions_sharing_id_sharing_arrangements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_conditions")),
    )
    with op.batch_alter_table("sharing_conditions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_conditions_sharing_id"), ["sharing_id"], unique=False
        )

    op.create_table(
        "sharing_data_categories",
        sa.Column("sharing_id", sa.Integer(), nullable=False),
        sa.Column("data_category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_category_id"],
            ["data_categories.id"],
            name=op.f("fk_sharing_data_categories_data_category_id_data_categories"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sharing_id"],
            ["sharing_arrangements.id"],
            name=op.f("fk_sharing_data_categories_sharing_id_sharing_arrangements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "sharing_id", "data_category_id", name=op.f("pk_sharing_data_categories")
        ),
    )
    with op.batch_alter_table("sharing_data_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_data_categories_data_category_id"),
            ["data_category_id"],
            unique=False,
        )

    op.create_table(
        "sharing_data_subjects",
        sa.Column("sharing_id", sa.Integer(), nullable=False),
        sa.Column("data_subject_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_subject_id"],
            ["data_subjects.id"],
            name=op.f("fk_sharing_data_subjects_data_subject_id_data_subjects"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sharing_id"],
            ["sharing_arrangements.id"],
            name=op.f("fk_sharing_data_subjects_sharing_id_sharing_arrangements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "sharing_id", "data_subject_id", name=op.f("pk_sharing_data_subjects")
        ),
    )
    with op.batch_alter_table("sharing_data_subjects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_data_subjects_data_subject_id"),
            ["data_subject_id"],
            unique=False,
        )

    op.create_table(
        "sharing_lawful_bases",
        sa.Column("sharing_id", sa.Integer(), nullable=False),
        sa.Column("lawful_basis_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lawful_basis_id"],
            ["lawful_bases.id"],
            name=op.f("fk_sharing_lawful_bases_lawful_basis_id_lawful_bases"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sharing_id"],
            ["sharing_arrangements.id"],
            name=op.f("fk_sharing_lawful_bases_sharing_id_sharing_arrangements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "sharing_id", "lawful_basis_id", name=op.f("pk_sharing_lawful_bases")
        ),
    )
    with op.batch_alter_table("sharing_lawful_bases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_lawful_bases_lawful_basis_id"), ["lawful_basis_id"], unique=False
        )

    op.create_table(
        "sharing_legislation",
        sa.Column("sharing_id", sa.Integer(), nullable=False),
        sa.Column("legislation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["legislation_id"],
            ["legislation.id"],
            name=op.f("fk_sharing_legislation_legislation_id_legislation"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sharing_id"],
            ["sharing_arrangements.id"],
            name=op.f("fk_sharing_legislation_sharing_id_sharing_arrangements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "sharing_id", "legislation_id", name=op.f("pk_sharing_legislation")
        ),
    )
    with op.batch_alter_table("sharing_legislation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_legislation_legislation_id"), ["legislation_id"], unique=False
        )

    op.create_table(
        "sharing_purposes",
        sa.Column("sharing_id", sa.Integer(), nullable=False),
        sa.Column("purpose_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["purpose_id"],
            ["purposes.id"],
            name=op.f("fk_sharing_purposes_purpose_id_purposes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sharing_id"],
            ["sharing_arrangements.id"],
            name=op.f("fk_sharing_purposes_sharing_id_sharing_arrangements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sharing_id", "purpose_id", name=op.f("pk_sharing_purposes")),
    )
    with op.batch_alter_table("sharing_purposes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_purposes_purpose_id"), ["purpose_id"], unique=False
        )

    op.create_table(
        "sharing_services",
        sa.Column("sharing_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_sharing_services_service_id_services"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sharing_id"],
            ["sharing_arrangements.id"],
            name=op.f("fk_sharing_services_sharing_id_sharing_arrangements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sharing_id", "service_id", name=op.f("pk_sharing_services")),
    )
    with op.batch_alter_table("sharing_services", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sharing_services_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "condition_data_categories",
        sa.Column("condition_id", sa.Integer(), nullable=False),
        sa.Column("data_category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["condition_id"],
            ["sharing_conditions.id"],
            name=op.f("fk_condition_data_categories_condition_id_sharing_conditions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["data_category_id"],
            ["data_categories.id"],
            name=op.f("fk_condition_data_categories_data_category_id_data_categories"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "condition_id", "data_category_id", name=op.f("pk_condition_data_categories")
        ),
    )
    with op.batch_alter_table("condition_data_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_condition_data_categories_data_category_id"),
            ["data_category_id"],
            unique=False,
        )

    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("key_id", sa.String(length=40), nullable=True),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("path", sa.String(length=2000), nullable=False),
        sa.Column("client", sa.String(length=100), nullable=True),
        sa.Column("request_id", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_events")),
    )
    with op.batch_alter_table("security_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_security_events_occurred_at"), ["occurred_at"], unique=False
        )
    # The chain head exists from the start, so concurrent first writers lock
    # an existing row instead of racing to create it.
    op.bulk_insert(
        sa.table(
            "audit_chain_head",
            sa.column("id", sa.Integer()),
            sa.column("seq", sa.Integer()),
            sa.column("hash", sa.String()),
        ),
        [{"id": 1, "seq": 0, "hash": "0" * 64}],
    )
    _create_append_only_trigger()


def downgrade() -> None:
    _drop_append_only_trigger()
    with op.batch_alter_table("security_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_events_occurred_at"))
    op.drop_table("security_events")
    with op.batch_alter_table("condition_data_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_condition_data_categories_data_category_id"))

    op.drop_table("condition_data_categories")
    with op.batch_alter_table("sharing_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_services_service_id"))

    op.drop_table("sharing_services")
    with op.batch_alter_table("sharing_purposes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_purposes_purpose_id"))

    op.drop_table("sharing_purposes")
    with op.batch_alter_table("sharing_legislation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_legislation_legislation_id"))

    op.drop_table("sharing_legislation")
    with op.batch_alter_table("sharing_lawful_bases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_lawful_bases_lawful_basis_id"))

    op.drop_table("sharing_lawful_bases")
    with op.batch_alter_table("sharing_data_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_data_subjects_data_subject_id"))

    op.drop_table("sharing_data_subjects")
    with op.batch_alter_table("sharing_data_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_data_categories_data_category_id"))

    op.drop_table("sharing_data_categories")
    with op.batch_alter_table("sharing_conditions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_conditions_sharing_id"))

    op.drop_table("sharing_conditions")
    with op.batch_alter_table("collection_purposes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_purposes_purpose_id"))

    op.drop_table("collection_purposes")
    with op.batch_alter_table("collection_legislation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_legislation_legislation_id"))

    op.drop_table("collection_legislation")
    with op.batch_alter_table("collection_data_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_data_subjects_data_subject_id"))

    op.drop_table("collection_data_subjects")
    with op.batch_alter_table("sharing_arrangements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sharing_arrangements_recipient_id"))
        batch_op.drop_index(batch_op.f("ix_sharing_arrangements_controller_id"))

    op.drop_table("sharing_arrangements")
    with op.batch_alter_table("retention_legislation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_legislation_legislation_id"))

    op.drop_table("retention_legislation")
    with op.batch_alter_table("retention_data_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_data_subjects_data_subject_id"))

    op.drop_table("retention_data_subjects")
    with op.batch_alter_table("retention_data_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_data_categories_data_category_id"))

    op.drop_table("retention_data_categories")
    with op.batch_alter_table("idempotency_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_records_created_at"))

    op.drop_table("idempotency_records")
    with op.batch_alter_table("data_source_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_source_subjects_data_subject_id"))

    op.drop_table("data_source_subjects")
    with op.batch_alter_table("data_source_providers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_source_providers_recipient_id"))

    op.drop_table("data_source_providers")
    with op.batch_alter_table("data_source_legislation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_source_legislation_legislation_id"))

    op.drop_table("data_source_legislation")
    with op.batch_alter_table("data_collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_collections_owner_id"))
        batch_op.drop_index(batch_op.f("ix_data_collections_controller_id"))

    op.drop_table("data_collections")
    with op.batch_alter_table("data_category_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_category_subjects_data_subject_id"))

    op.drop_table("data_category_subjects")
    with op.batch_alter_table("storage_locations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_storage_locations_controller_id"))

    op.drop_table("storage_locations")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statements_controller_id"))

    op.drop_table("statements")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_services_controller_id"))

    op.drop_table("services")
    with op.batch_alter_table("rights", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rights_controller_id"))

    op.drop_table("rights")
    with op.batch_alter_table("retention_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_rules_controller_id"))

    op.drop_table("retention_rules")
    with op.batch_alter_table("recipients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipients_role"))
        batch_op.drop_index(batch_op.f("ix_recipients_controller_id"))

    op.drop_table("recipients")
    with op.batch_alter_table("purposes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purposes_controller_id"))

    op.drop_table("purposes")
    with op.batch_alter_table("published_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_published_versions_controller_id"))

    op.drop_table("published_versions")
    with op.batch_alter_table("legislation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legislation_part_of_id"))
        batch_op.drop_index(batch_op.f("ix_legislation_controller_id"))

    op.drop_table("legislation")
    with op.batch_alter_table("data_subjects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_subjects_controller_id"))

    op.drop_table("data_subjects")
    with op.batch_alter_table("data_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_sources_controller_id"))

    op.drop_table("data_sources")
    with op.batch_alter_table("data_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_categories_special_category"))
        batch_op.drop_index(batch_op.f("ix_data_categories_group_id"))
        batch_op.drop_index(batch_op.f("ix_data_categories_controller_id"))
        batch_op.drop_index(batch_op.f("ix_data_categories_article9_condition_id"))

    op.drop_table("data_categories")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_controller_id"))

    op.drop_table("api_keys")
    op.drop_table("lawful_bases")
    op.drop_table("controllers")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_occurred_at"))
        batch_op.drop_index("ix_audit_events_entity")
        batch_op.drop_index("ix_audit_events_controller_seq")
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_name"))

    op.drop_table("audit_events")
    op.drop_table("audit_chain_head")
