"""Organizations (tenants) and their users."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ats_match.models.base import OrgScoped, created_at_field, enum_field, id_field


class Role(StrEnum):
    """What a user may do. Ordered from most to least privileged."""

    ADMIN = "admin"
    RECRUITER = "recruiter"
    HIRING_MANAGER = "hiring_manager"
    VIEWER = "viewer"


class OrganizationBase(SQLModel):
    name: str = Field(max_length=200)
    slug: str = Field(max_length=80, regex=r"^[a-z0-9][a-z0-9-]*$")


class OrganizationCreate(OrganizationBase):
    pass


class Organization(OrganizationBase, table=True):
    __table_args__ = (sa.UniqueConstraint("slug"),)

    id: uuid.UUID = id_field()
    created_at: datetime = created_at_field()
    issuer_allow: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    issuer_deny: list[str] = Field(default_factory=list, sa_type=sa.JSON, nullable=False)
    retention_days: int | None = Field(default=None, ge=1)
    """Candidates inactive for longer are erased by the periodic retention task; ``None``:
    kept until erased on request."""


class OrganizationPublic(OrganizationBase):
    id: uuid.UUID
    created_at: datetime


class UserBase(SQLModel):
    email: str = Field(max_length=320)
    name: str = Field(default="", max_length=200)
    role: Role = enum_field(Role.VIEWER)


class UserCreate(UserBase):
    pass


class User(OrgScoped, UserBase, table=True):
    __table_args__ = (sa.UniqueConstraint("organization_id", "email"),)

    id: uuid.UUID = id_field()
    created_at: datetime = created_at_field()
    api_key_hash: str | None = Field(default=None, max_length=128, index=True)
    """sha256 of the user's API key; the key itself is shown once and never stored."""
    password_hash: str | None = Field(default=None, max_length=200)
    """argon2id hash for dashboard sign-in; ``None``: this user signs in with an API key only."""


class UserPublic(UserBase):
    id: uuid.UUID
    organization_id: uuid.UUID
    created_at: datetime
