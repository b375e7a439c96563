"""throughput: score ranking columns and index, outbox job completion marker

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-02 14:45:00

"""

import sqlalchemy as sa
from alembic import op

import ats_match.models.base

revision = "0008"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tier", sa.Integer(), nullable=False, server_default="2"))
        batch_op.add_column(
            sa.Column("not_evaluable", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute(
        "UPDATE score SET tier = CASE WHEN knocked_out THEN 3 WHEN shortlisted THEN 0 "
        "WHEN qualified THEN 1 ELSE 2 END"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE score SET not_evaluable = COALESCE((explanation->>'not_evaluable')::int, 0)"
        )
    else:
        op.execute(
            "UPDATE score SET not_evaluable = "
            "COALESCE(json_extract(explanation, '$.not_evaluable'), 0)"
        )
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.alter_column("tier", server_default=None)
        batch_op.alter_column("not_evaluable", server_default=None)
    op.create_index(
        "ix_score_ranking",
        "score",
        ["requirement_set_id", "tier", sa.text("normalised DESC"), "not_evaluable"],
        unique=False,
        postgresql_include=["organization_id", "qualified"],
    )
    with op.batch_alter_table("task_outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "completed_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("task_outbox", schema=None) as batch_op:
        batch_op.drop_column("completed_at")
    op.drop_index("ix_score_ranking", table_name="score")
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.drop_column("not_evaluable")
        batch_op.drop_column("tier")
