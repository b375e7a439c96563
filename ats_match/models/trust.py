"""Per-organisation issuer registries and lists (issuer trust, see :mod:`ats_match.trust`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ats_match.models.base import (
    JSONType,
    OrgScoped,
    created_at_field,
    enum_field,
    id_field,
    json_field,
)


class RegistryKind(StrEnum):
    DCC_LEGACY = "dcc_legacy"
    """The DCC legacy JSON registry: a URL, or inline ``{issuer, name, url, location}``."""
    OPENID_FEDERATION = "openid_federation"
    """An OpenID Federation: ``trust_anchor`` (entity id) and optionally its pinned keys."""
    EMPLOYER_LIST = "employer_list"
    """Inline ``{issuer, effect: allow|deny, note}`` rules."""
    ACCREDITATION_LIST = "accreditation_list"
    """Inline ``{issuer, accreditor, accreditor_id, program, valid_until, evidence_url}``."""


class IssuerRegistryBase(SQLModel):
    kind: RegistryKind = enum_field()
    name: str = Field(min_length=1, max_length=200)
    url: str | None = Field(default=None, max_length=2000)
    trust_anchor: str | None = Field(default=None, max_length=2000)
    trust_anchor_jwks: dict[str, Any] | None = Field(default=None, sa_type=JSONType, nullable=True)
    entries: list[dict[str, Any]] = json_field(list)
    position: int = Field(default=100, description="Registries are asked in ascending order.")
    enabled: bool = True
    published: bool = Field(
        default=False,
        description="Serve this registry's inline entries publicly in the DCC format.",
    )


class IssuerRegistry(OrgScoped, IssuerRegistryBase, table=True):
    __tablename__ = "issuer_registry"
    __table_args__ = (sa.UniqueConstraint("organization_id", "name"),)

    id: uuid.UUID = id_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()
