"""credential.issued_on: the day a credential was issued, for "issued within" filters

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-03 10:17:50

Plain ADD COLUMN, not a batch copy: on SQLite a batch copy drops and re-creates the table, and
with foreign keys on that would cascade to every verification of every credential. Stored rows
get the day from their stored form (``issued_at``, else ``valid_from``).
"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("credential", sa.Column("issued_on", sa.Date(), nullable=True))
    op.create_index("ix_credential_issued_on", "credential", ["issued_on"], unique=False)
    credential = sa.table(
        "credential",
        sa.column("id", sa.Uuid()),
        sa.column("form", sa.JSON()),
        sa.column("issued_on", sa.Date()),
    )
    connection = op.get_bind()
    for row_id, form in connection.execute(sa.select(credential.c.id, credential.c.form)):
        day = _day((form or {}).get("issued_at") or (form or {}).get("valid_from"))
        if day is not None:
            connection.execute(
                credential.update().where(credential.c.id == row_id).values(issued_on=day)
            )


def _day(value: object) -> object:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def downgrade() -> None:
    op.drop_index("ix_credential_issued_on", table_name="credential")
    op.drop_column("credential", "issued_on")
