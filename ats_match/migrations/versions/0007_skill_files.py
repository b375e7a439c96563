"""an organisation's own taxonomy, synonyms and credential catalogue

Revision ID: 0007
Revises: 0008
Create Date: 2026-12-02 15:50:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import ats_match.models.base

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "skill_file",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "content",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_skill_file_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_file")),
        sa.UniqueConstraint(
            "organization_id", "kind", name=op.f("uq_skill_file_organization_id_kind")
        ),
    )
    with op.batch_alter_table("skill_file", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_skill_file_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("skill_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_file_organization_id"))
    op.drop_table("skill_file")
