"""API keys of an ATS integration (the vendor's service account): created by an admin, hashed
at rest (the key itself is shown once), limited to a subset of the integration scopes and to
the integration's own jobs and their applications, revocable, with when each was last used."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from ats_match.models.base import (
    OrgScoped,
    created_at_field,
    datetime_field,
    id_field,
    json_field,
)
from ats_match.models.scopes import INTEGRATION_SCOPES, Scope


def _default_scopes() -> list[Scope]:
    return sorted(INTEGRATION_SCOPES)


class IntegrationKeyCreate(SQLModel):
    name: str = Field(min_length=1, max_length=200, description="What the key is for")
    scopes: list[Scope] = Field(
        default_factory=_default_scopes,
        min_length=1,
        description="Route scopes, among results:read and applications:write",
    )


class IntegrationKey(OrgScoped, table=True):
    __tablename__ = "integration_key"

    id: uuid.UUID = id_field()
    integration_id: uuid.UUID = Field(foreign_key="integration.id", index=True, ondelete="CASCADE")
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    """The admin who issued it; the key acts in their name (as a recruiter at most)."""
    name: str = Field(max_length=200)
    scopes: list[str] = json_field(list)
    key_hash: str = Field(max_length=128, unique=True)
    prefix: str = Field(max_length=16, description="The key's first characters, to tell keys apart")
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = datetime_field()
    revoked_at: datetime | None = datetime_field()


class IntegrationKeyPublic(SQLModel):
    id: uuid.UUID
    integration_id: uuid.UUID
    name: str
    scopes: list[Scope]
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class IntegrationKeyWithSecret(IntegrationKeyPublic):
    api_key: str = Field(description="Shown once; only its hash is stored.")
