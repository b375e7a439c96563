"""delivery replay: how often an admin re-ran a stored delivery, and when last

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:00:00

"""

import sqlalchemy as sa
from alembic import op

import ats_match.models.base

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replays", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(
            sa.Column(
                "replayed_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_column("replayed_at")
        batch_op.drop_column("replays")
