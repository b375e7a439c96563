"""wallet presentations: per-application presentation requests and the DIDs candidates proved

Revision ID: 0006
Revises: 0007
Create Date: 2026-12-02 15:40:12.788139

"""

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import ats_match.models.base

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "presentation_request",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("domain", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("expires_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_protocol", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("holder_did", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column(
            "outcome",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["application.id"],
            name=op.f("fk_presentation_request_application_id_application"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user.id"],
            name=op.f("fk_presentation_request_created_by_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_presentation_request_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_presentation_request")),
        sa.UniqueConstraint("nonce", name=op.f("uq_presentation_request_nonce")),
    )
    with op.batch_alter_table("presentation_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_presentation_request_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_presentation_request_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "proven_did",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("did", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("protocol", sa.String(length=20), nullable=False),
        sa.Column("proven_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
            name=op.f("fk_proven_did_candidate_id_candidate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_proven_did_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["presentation_request.id"],
            name=op.f("fk_proven_did_request_id_presentation_request"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proven_did")),
        sa.UniqueConstraint("candidate_id", "did", name=op.f("uq_proven_did_candidate_id_did")),
    )
    with op.batch_alter_table("proven_did", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proven_did_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proven_did_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("proven_did", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proven_did_organization_id"))
        batch_op.drop_index(batch_op.f("ix_proven_did_candidate_id"))

    op.drop_table("proven_did")
    with op.batch_alter_table("presentation_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presentation_request_organization_id"))
        batch_op.drop_index(batch_op.f("ix_presentation_request_application_id"))

    op.drop_table("presentation_request")
