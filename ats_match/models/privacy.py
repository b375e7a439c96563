"""What is kept after a candidate is erased: a keyed fingerprint of each erased application,
so a redelivered webhook about it is recognised and dropped instead of resurrecting the data."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field

from ats_match.models.base import OrgScoped, created_at_field, id_field


class ErasedApplication(OrgScoped, table=True):
    """One erased application. ``fingerprint`` is an HMAC of the integration id and the
    vendor's application id (``ats_match.services.erasure.fingerprint``): it identifies a
    redelivery without holding the vendor's id, the candidate's name or anything they sent."""

    __tablename__ = "erased_application"
    __table_args__ = (sa.UniqueConstraint("organization_id", "fingerprint"),)

    id: uuid.UUID = id_field()
    fingerprint: str = Field(max_length=64)
    erased_at: datetime = created_at_field()


__all__ = ["ErasedApplication"]
