"""pathway: an organisation's pathways; sso_domain: single sign-on looked up by e-mail domain

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:40:00

Two new tables, nothing rewritten. ``sso_domain`` is backfilled from every connection's
``email_domains`` (a domain two connections listed, which configuring refused, keeps its first
connection's claim).
"""

import uuid

import sqlalchemy as sa
from alembic import op

from ats_match.models.base import JSONType, UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pathway",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("levels", JSONType, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name="fk_pathway_organization_id_organization",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_pathway"),
        sa.UniqueConstraint("organization_id", "slug", name="uq_pathway_organization_id_slug"),
        sa.UniqueConstraint("organization_id", "name", name="uq_pathway_organization_id_name"),
    )
    op.create_index("ix_pathway_organization_id", "pathway", ["organization_id"], unique=False)
    op.create_table(
        "sso_domain",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("connection_id", sa.Uuid(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name="fk_sso_domain_organization_id_organization",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["sso_connection.id"],
            name="fk_sso_domain_connection_id_sso_connection",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sso_domain"),
        sa.UniqueConstraint("domain", name="uq_sso_domain_domain"),
    )
    op.create_index("ix_sso_domain_organization_id", "sso_domain", ["organization_id"])
    op.create_index("ix_sso_domain_connection_id", "sso_domain", ["connection_id"])
    _backfill_domains()


def _backfill_domains() -> None:
    connection = sa.table(
        "sso_connection",
        sa.column("id", sa.Uuid()),
        sa.column("organization_id", sa.Uuid()),
        sa.column("email_domains", sa.JSON()),
        sa.column("created_at", UTCDateTime()),
    )
    domain = sa.table(
        "sso_domain",
        sa.column("id", sa.Uuid()),
        sa.column("organization_id", sa.Uuid()),
        sa.column("connection_id", sa.Uuid()),
        sa.column("domain", sa.String()),
    )
    bind = op.get_bind()
    claimed: set[str] = set()
    rows = bind.execute(
        sa.select(
            connection.c.id, connection.c.organization_id, connection.c.email_domains
        ).order_by(connection.c.created_at, connection.c.id)
    )
    for connection_id, organization_id, domains in rows:
        for name in domains or []:
            value = str(name).strip().lower().lstrip("@")
            if not value or value in claimed:
                continue
            claimed.add(value)
            bind.execute(
                domain.insert().values(
                    id=uuid.uuid4(),
                    organization_id=organization_id,
                    connection_id=connection_id,
                    domain=value,
                )
            )


def downgrade() -> None:
    op.drop_index("ix_sso_domain_connection_id", table_name="sso_domain")
    op.drop_index("ix_sso_domain_organization_id", table_name="sso_domain")
    op.drop_table("sso_domain")
    op.drop_index("ix_pathway_organization_id", table_name="pathway")
    op.drop_table("pathway")
