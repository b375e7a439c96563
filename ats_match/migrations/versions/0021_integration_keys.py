"""integration keys and narrowed user keys: integration_key table, api_key.scopes

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 14:35:00

``api_key.scopes`` is a plain ADD COLUMN (no batch copy on SQLite), empty for the stored keys:
they keep every scope of their tier.
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import ats_match.models.base

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "api_key",
        sa.Column("scopes", ats_match.models.base.JSONType, nullable=False, server_default="[]"),
    )
    op.create_table(
        "integration_key",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("integration_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("scopes", ats_match.models.base.JSONType, nullable=False),
        sa.Column("key_hash", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("prefix", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_integration_key_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integration.id"],
            name=op.f("fk_integration_key_integration_id_integration"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user.id"],
            name=op.f("fk_integration_key_created_by_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_integration_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_integration_key_key_hash")),
    )
    op.create_index(
        op.f("ix_integration_key_organization_id"),
        "integration_key",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_integration_key_integration_id"),
        "integration_key",
        ["integration_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_integration_key_integration_id"), table_name="integration_key")
    op.drop_index(op.f("ix_integration_key_organization_id"), table_name="integration_key")
    op.drop_table("integration_key")
    op.drop_column("api_key", "scopes")
