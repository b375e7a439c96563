"""webhook core: secrets encrypted at rest, rotation window, delivery outcomes and the inbox
row as the job

Revision ID: 0005
Revises: 0009
Create Date: 2026-12-02 16:00:00

"""

import sqlalchemy as sa
from alembic import op

import ats_match.models.base

revision = "0005"
down_revision = "0009"
branch_labels = None
depends_on = None

_SECRET_COLUMNS = ("webhook_secret", "api_token", "previous_webhook_secret")


def upgrade() -> None:
    with op.batch_alter_table("integration", schema=None) as batch_op:
        batch_op.alter_column(
            "webhook_secret", type_=sa.String(length=4000), existing_nullable=False
        )
        batch_op.alter_column("api_token", type_=sa.String(length=4000), existing_nullable=True)
        batch_op.add_column(
            sa.Column("previous_webhook_secret", sa.String(length=4000), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "previous_secret_expires_at",
                ats_match.models.base.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "disabled_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=32), nullable=False, server_default="received")
        )
        batch_op.add_column(
            sa.Column("body_sha256", sa.String(length=64), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "dispatched_at", ats_match.models.base.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("conflict_of", sa.Uuid(), nullable=True))
        batch_op.create_index("ix_webhook_delivery_status", ["status"], unique=False)
    with op.batch_alter_table("outbound_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "written_back_at",
                ats_match.models.base.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
    # Deliveries stored before this revision were queued through task_outbox: never relay them
    # again from the inbox; their outcome follows from handled_at / error.
    op.execute("UPDATE webhook_delivery SET dispatched_at = received_at")
    op.execute(
        "UPDATE webhook_delivery SET status = CASE WHEN error IS NOT NULL THEN 'failed' "
        "WHEN handled_at IS NOT NULL THEN 'processed' ELSE 'received' END"
    )
    # The relay's scan: only the rows still waiting for their publish.
    op.create_index(
        "ix_webhook_delivery_undispatched",
        "webhook_delivery",
        ["received_at"],
        postgresql_where=sa.text("dispatched_at IS NULL"),
        sqlite_where=sa.text("dispatched_at IS NULL"),
    )
    _encrypt_stored_secrets()


def _encrypt_stored_secrets() -> None:
    from ats_match.crypto import MARKER, encrypt

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, webhook_secret, api_token FROM integration")).all()
    for row in rows:
        values = {
            name: encrypt(value)
            for name, value in (("webhook_secret", row[1]), ("api_token", row[2]))
            if value and not value.startswith(MARKER)
        }
        if values:
            assignments = ", ".join(f"{name} = :{name}" for name in values)
            bind.execute(
                sa.text(f"UPDATE integration SET {assignments} WHERE id = :id"),  # noqa: S608
                {**values, "id": row[0]},
            )


def _decrypt_stored_secrets() -> None:
    from ats_match.crypto import decrypt

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, webhook_secret, api_token FROM integration")).all()
    for row in rows:
        bind.execute(
            sa.text("UPDATE integration SET webhook_secret = :w, api_token = :a WHERE id = :id"),
            {"w": decrypt(row[1]), "a": decrypt(row[2]) if row[2] else None, "id": row[0]},
        )


def downgrade() -> None:
    _decrypt_stored_secrets()
    with op.batch_alter_table("outbound_event", schema=None) as batch_op:
        batch_op.drop_column("written_back_at")
    op.drop_index("ix_webhook_delivery_undispatched", table_name="webhook_delivery")
    with op.batch_alter_table("webhook_delivery", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_delivery_status")
        batch_op.drop_column("conflict_of")
        batch_op.drop_column("dispatched_at")
        batch_op.drop_column("body_sha256")
        batch_op.drop_column("status")
    with op.batch_alter_table("integration", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
        batch_op.drop_column("previous_secret_expires_at")
        batch_op.drop_column("previous_webhook_secret")
        batch_op.alter_column("api_token", type_=sa.String(length=2000), existing_nullable=True)
        batch_op.alter_column(
            "webhook_secret", type_=sa.String(length=500), existing_nullable=False
        )
