"""fairness and candidate rights: self-reported EEO categories, per-job notice and alternative
process, per-organisation retention, erased-application fingerprints

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-03 09:00:00

"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import ats_match.models.base

revision = "0010"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ... ADD COLUMN: a batch copy of these tables would drop the originals,
    # and with SQLite's foreign keys on that cascades to every dependent row.
    op.add_column("application", sa.Column("eeo_sex", sqlmodel.sql.sqltypes.AutoString(length=40)))
    op.add_column(
        "application",
        sa.Column("eeo_race_ethnicity", sqlmodel.sql.sqltypes.AutoString(length=60)),
    )
    op.add_column(
        "job",
        sa.Column(
            "candidate_notice",
            sqlmodel.sql.sqltypes.AutoString(length=5000),
            nullable=False,
            server_default="",
        ),
    )
    op.add_column(
        "job",
        sa.Column("alternative_process", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("organization", sa.Column("retention_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("application_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_webhook_delivery_application_id"), ["application_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_webhook_delivery_application_id_application"),
            "application",
            ["application_id"],
            ["id"],
            ondelete="CASCADE",
        )
    op.create_table(
        "erased_application",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fingerprint", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("erased_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_erased_application_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erased_application")),
        sa.UniqueConstraint(
            "organization_id",
            "fingerprint",
            name=op.f("uq_erased_application_organization_id_fingerprint"),
        ),
    )
    with op.batch_alter_table("erased_application", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_erased_application_organization_id"), ["organization_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("erased_application", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erased_application_organization_id"))
    op.drop_table("erased_application")
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_webhook_delivery_application_id_application"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_webhook_delivery_application_id"))
        batch_op.drop_column("application_id")
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy of these tables would
    # drop the originals, and with foreign keys on that cascades to every dependent row.
    op.drop_column("organization", "retention_days")
    op.drop_column("job", "alternative_process")
    op.drop_column("job", "candidate_notice")
    op.drop_column("application", "eeo_race_ethnicity")
    op.drop_column("application", "eeo_sex")
