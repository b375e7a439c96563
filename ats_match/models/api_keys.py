"""Scoped API keys: a user may hold several, each read, write or admin (optionally narrowed to
named scopes), revocable, hashed at rest (the key itself is shown once), with when it was last
used."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from ats_match.models.base import (
    OrgScoped,
    created_at_field,
    datetime_field,
    enum_field,
    id_field,
    json_field,
)
from ats_match.models.scopes import ALL_SCOPES, READ_SCOPES, WRITE_SCOPES, Scope


class ApiKeyScope(StrEnum):
    READ = "read"
    """Reads only (GET): dashboards, exports, reporting."""
    WRITE = "write"
    """Everything a recruiter may do, never administration (users, integrations, SSO)."""
    ADMIN = "admin"
    """All the holder's role allows."""

    @property
    def scopes(self) -> frozenset[Scope]:
        """The route scopes a key of this tier holds."""
        return {"read": READ_SCOPES, "write": WRITE_SCOPES}.get(self.value, ALL_SCOPES)


class ApiKeyCreate(SQLModel):
    name: str = Field(min_length=1, max_length=200, description="What the key is for")
    scope: ApiKeyScope = ApiKeyScope.READ
    scopes: list[Scope] = Field(
        default_factory=list,
        description="Narrow the key to these route scopes (each within the tier); empty: all "
        "of the tier's",
    )


class ApiKey(OrgScoped, table=True):
    __tablename__ = "api_key"

    id: uuid.UUID = id_field()
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=200)
    scope: ApiKeyScope = enum_field(ApiKeyScope.READ)
    scopes: list[str] = json_field(list)
    """Empty: every scope of the tier."""
    key_hash: str = Field(max_length=128, unique=True)
    prefix: str = Field(max_length=16, description="The key's first characters, to tell keys apart")
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = datetime_field()
    revoked_at: datetime | None = datetime_field()


class ApiKeyPublic(SQLModel):
    id: uuid.UUID
    user_id: uuid.UUID
    name: str
    scope: ApiKeyScope
    scopes: list[Scope]
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyWithSecret(ApiKeyPublic):
    api_key: str = Field(description="Shown once; only its hash is stored.")
