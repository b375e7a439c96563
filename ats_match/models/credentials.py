"""Attached credentials, their verification results, skills and scores."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, col

from ats_match.models.base import (
    OrgScoped,
    created_at_field,
    datetime_field,
    enum_field,
    id_field,
    json_field,
)

LINK_FORMAT = "link"
"""``Credential.format`` of a link found in an application, stored until the worker fetches it."""


class Credential(OrgScoped, table=True):
    """One attachment of one application, parsed into the internal form or with the reason why
    not. Identical bytes attached twice to the same application are stored once."""

    __table_args__ = (sa.UniqueConstraint("application_id", "digest"),)

    id: uuid.UUID = id_field()
    application_id: uuid.UUID = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    bundle_id: uuid.UUID | None = Field(
        default=None, foreign_key="credential.id", index=True, ondelete="CASCADE"
    )
    """For a credential nested in a CLR bundle: the bundle's row."""
    format: str = Field(default="unknown", max_length=40, index=True)
    digest: str = Field(max_length=64)
    source: str | None = Field(default=None, max_length=2000)
    raw: bytes = Field(sa_type=sa.LargeBinary, nullable=False)
    form: dict[str, Any] = json_field()
    """The internal form (``CredentialForm`` without its raw bytes)."""
    achievement_id: str | None = Field(default=None, max_length=2000, index=True)
    issuer_id: str | None = Field(default=None, max_length=2000, index=True)
    issued_on: date | None = Field(default=None, index=True)
    """The day the credential was issued (or became valid), for "issued within" filters."""
    error_code: str | None = Field(default=None, max_length=40)
    error_detail: str | None = Field(default=None, max_length=2000)
    created_at: datetime = created_at_field()


class VerificationStatus(StrEnum):
    VERIFIED = "verified"
    FAILED = "failed"
    INDETERMINATE = "indeterminate"


class VerificationResult(OrgScoped, table=True):
    """One verification run of a credential; the newest row is the current verdict."""

    __tablename__ = "verification_result"

    id: uuid.UUID = id_field()
    credential_id: uuid.UUID = Field(foreign_key="credential.id", index=True, ondelete="CASCADE")
    status: VerificationStatus = enum_field(index=True)
    """The derived summary (compatibility); decisions read the four answers below."""
    checks: list[dict[str, Any]] = json_field(list)
    authenticity: str = enum_field("unknown", length=20, index=True)
    validity: str = enum_field("unknown", length=20)
    holder: str = enum_field("unaddressed", length=20)
    issuer_trust: str = enum_field("unknown", length=20)
    evidence_tier: str = enum_field("claimed", length=20)
    answers: dict[str, Any] = json_field()
    """``{authenticity, validity, holder, issuer}`` as ``{status, reason, detail}``, and
    ``label``: what the API, dashboard and outbound events show."""
    verified_at: datetime = created_at_field()
    retry_at: datetime | None = datetime_field(index=True)
    """When an ``indeterminate`` verdict is due to be re-checked."""
    attempt: int = 1


class Taxonomy(OrgScoped, table=True):
    """A skill vocabulary an organisation uses: ESCO by default, or its own."""

    __table_args__ = (sa.UniqueConstraint("organization_id", "name", "version"),)

    id: uuid.UUID = id_field()
    name: str = Field(max_length=120)
    version: str = Field(max_length=60)
    source: str = Field(default="", max_length=2000)
    is_default: bool = False
    created_at: datetime = created_at_field()


class Skill(OrgScoped, table=True):
    """A taxonomy concept an organisation has met in a candidate's credentials."""

    __table_args__ = (sa.UniqueConstraint("taxonomy_id", "uri"),)

    id: uuid.UUID = id_field()
    taxonomy_id: uuid.UUID = Field(foreign_key="taxonomy.id", index=True, ondelete="CASCADE")
    uri: str = Field(max_length=500)
    label: str = Field(max_length=500)


class CandidateSkill(OrgScoped, table=True):
    """A skill a candidate holds through one credential, with how sure the mapping is."""

    __tablename__ = "candidate_skill"
    __table_args__ = (sa.UniqueConstraint("credential_id", "skill_id"),)

    id: uuid.UUID = id_field()
    candidate_id: uuid.UUID = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    skill_id: uuid.UUID = Field(foreign_key="skill.id", index=True, ondelete="CASCADE")
    credential_id: uuid.UUID = Field(foreign_key="credential.id", index=True, ondelete="CASCADE")
    confidence: float = Field(ge=0, le=1)
    method: str = Field(max_length=40)
    matched_label: str | None = Field(default=None, max_length=500)
    created_at: datetime = created_at_field()


class MappingOverride(OrgScoped, table=True):
    """A recruiter's decision that an achievement maps to given skills, for every holder."""

    __tablename__ = "mapping_override"
    __table_args__ = (sa.UniqueConstraint("organization_id", "achievement_id"),)

    id: uuid.UUID = id_field()
    achievement_id: str = Field(max_length=2000)
    skill_uris: list[str] = json_field(list)
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()


class Score(OrgScoped, table=True):
    """An application scored against one requirement-set version, with every point explained."""

    __table_args__ = (sa.UniqueConstraint("application_id", "requirement_set_id"),)

    id: uuid.UUID = id_field()
    application_id: uuid.UUID = Field(foreign_key="application.id", index=True, ondelete="CASCADE")
    requirement_set_id: uuid.UUID = Field(
        foreign_key="requirement_set.id", index=True, ondelete="CASCADE"
    )
    requirement_set_version: int
    total: float
    max_total: float
    normalised: float = Field(index=True)
    qualified: bool
    shortlisted: bool
    knocked_out: bool
    tier: int = 2
    """Ranking tier (0 shortlisted, 1 qualified, 2 neither, 3 knocked out), so SQL can sort."""
    not_evaluable: int = 0
    """Requirements that could not be evaluated (a ranking key, copied from the explanation)."""
    explanation: dict[str, Any] = json_field()
    scored_at: datetime = created_at_field()


# The ranking's leading keys in its directions, so a page of a job's ranking is read in index
# order (an index of plain columns cannot serve "tier ASC, normalised DESC").
sa.Index(
    "ix_score_ranking",
    col(Score.requirement_set_id),
    col(Score.tier),
    col(Score.normalised).desc(),
    col(Score.not_evaluable),
    postgresql_include=["organization_id", "qualified"],  # page counts are index-only
)


class AuditLog(OrgScoped, table=True):
    """Append-only record of who changed what."""

    __tablename__ = "audit_log"

    id: uuid.UUID = id_field()
    actor_id: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    action: str = Field(max_length=120, index=True)
    entity_type: str = Field(max_length=80)
    entity_id: str = Field(max_length=200)
    data: dict[str, Any] = json_field()
    created_at: datetime = created_at_field()


__all__ = [
    "AuditLog",
    "CandidateSkill",
    "Credential",
    "MappingOverride",
    "Score",
    "Skill",
    "Taxonomy",
    "VerificationResult",
    "VerificationStatus",
    "enum_field",
]
