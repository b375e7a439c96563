"""Wallet presentations: per-application presentation requests and the DIDs candidates proved."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ats_match.models.base import (
    OrgScoped,
    created_at_field,
    datetime_field,
    enum_field,
    id_field,
    json_field,
)


class PresentationProtocol(StrEnum):
    VP_UPLOAD = "vp_upload"
    """A W3C Verifiable Presentation posted to the request (VC-API exchange, LCW, upload)."""
    OID4VP = "oid4vp"
    """OpenID for Verifiable Presentations 1.0, ``direct_post`` response."""


class PresentationRequest(OrgScoped, table=True):
    """One "present your credentials" request for an application. Its ``nonce`` is the
    challenge (VC-API) and the OID4VP nonce; it is single-use (``used_at``) and expires."""

    __tablename__ = "presentation_request"

    id: uuid.UUID = id_field()
    application_id: uuid.UUID = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    nonce: str = Field(max_length=200, unique=True)
    state: str = Field(max_length=200)
    """OID4VP ``state``: echoed by the wallet with its response."""
    domain: str = Field(max_length=300)
    expires_at: datetime = datetime_field(nullable=False)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    used_at: datetime | None = datetime_field()
    used_protocol: str | None = Field(default=None, max_length=20)
    holder_did: str | None = Field(default=None, max_length=2000)
    """The DID the presentation proved (``None``: nothing bound)."""
    outcome: dict[str, Any] = json_field()


class PresentationRequestPublic(SQLModel):
    request_id: uuid.UUID
    application_id: uuid.UUID
    url: str
    challenge: str
    nonce: str
    domain: str
    client_id: str
    openid4vp_url: str
    expires_at: datetime


class ProvenDid(OrgScoped, table=True):
    """A DID a candidate proved control of by a signed presentation."""

    __tablename__ = "proven_did"
    __table_args__ = (sa.UniqueConstraint("candidate_id", "did"),)

    id: uuid.UUID = id_field()
    candidate_id: uuid.UUID = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    did: str = Field(max_length=2000)
    request_id: uuid.UUID | None = Field(
        default=None, foreign_key="presentation_request.id", ondelete="SET NULL"
    )
    protocol: str = enum_field(PresentationProtocol.VP_UPLOAD, length=20)
    proven_at: datetime = created_at_field()
