"""Single sign-on: one OpenID Connect identity provider per organisation, found at sign-in by
the person's e-mail domain through :class:`SsoDomain` (one row per domain, unique across
organisations, so the lookup is one indexed read and two organisations cannot claim a domain)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import Field, SQLModel

from ats_match.crypto import EncryptedString
from ats_match.models.base import OrgScoped, created_at_field, enum_field, id_field
from ats_match.models.tenancy import Role


class SsoConnectionBase(SQLModel):
    issuer: str = Field(max_length=2000, description="The provider's issuer URL (https).")
    client_id: str = Field(max_length=500)
    email_domains: list[str] = Field(
        default_factory=list,
        sa_type=sa.JSON,
        nullable=False,
        description="Work e-mail domains that sign in here; also the only accepted domains.",
    )
    default_role: Role = enum_field(Role.VIEWER)
    """The role of a person the provider vouches for who has no user yet (created at first
    sign-in); existing users keep their role."""
    enabled: bool = True

    @field_validator("email_domains")
    @classmethod
    def _lower_domains(cls, value: list[str]) -> list[str]:
        return sorted({d.strip().lower().lstrip("@") for d in value if d.strip()})


class SsoConnectionUpdate(SsoConnectionBase):
    client_secret: str | None = Field(
        default=None, max_length=2000, description="Kept when omitted; stored encrypted."
    )


class SsoConnection(OrgScoped, SsoConnectionBase, table=True):
    __tablename__ = "sso_connection"
    __table_args__ = (sa.UniqueConstraint("organization_id"),)

    id: uuid.UUID = id_field()
    created_at: datetime = created_at_field()
    client_secret: str | None = Field(default=None, sa_type=EncryptedString(4000), nullable=True)


class SsoDomain(OrgScoped, table=True):
    """One e-mail domain of a connection (kept equal to its ``email_domains``)."""

    __tablename__ = "sso_domain"

    id: uuid.UUID = id_field()
    connection_id: uuid.UUID = Field(
        foreign_key="sso_connection.id", index=True, nullable=False, ondelete="CASCADE"
    )
    domain: str = Field(max_length=253, unique=True)


class SsoConnectionPublic(SsoConnectionBase):
    id: uuid.UUID
    has_client_secret: bool
