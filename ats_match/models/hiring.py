"""Jobs, their versioned requirement sets, candidates and applications."""

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


class JobBase(SQLModel):
    title: str = Field(max_length=300)
    external_id: str | None = Field(default=None, max_length=300)
    open: bool = True


class JobCreate(JobBase):
    integration_id: uuid.UUID | None = None


class CandidateRights(SQLModel):
    """Set by an admin (``PUT /api/v1/jobs/{id}/candidate-notice``), shown to everyone."""

    candidate_notice: str = Field(
        default="",
        max_length=5000,
        description="What candidates are told about the automated screening (NYC LL144 notice: "
        "that a tool is used, what it assesses, data sources and retention).",
    )
    alternative_process: bool = Field(
        default=False,
        description="Candidates may ask for an alternative selection process or accommodation.",
    )


class Job(OrgScoped, JobBase, CandidateRights, table=True):
    __table_args__ = (sa.UniqueConstraint("organization_id", "integration_id", "external_id"),)

    id: uuid.UUID = id_field()
    integration_id: uuid.UUID | None = Field(
        default=None, foreign_key="integration.id", index=True, ondelete="SET NULL"
    )
    created_at: datetime = created_at_field()


class JobPublic(JobBase, CandidateRights):
    id: uuid.UUID
    organization_id: uuid.UUID
    integration_id: uuid.UUID | None
    created_at: datetime


class RequirementSet(OrgScoped, table=True):
    """One immutable version of a job's requirements. A change is a new row, never an update."""

    __tablename__ = "requirement_set"
    __table_args__ = (sa.UniqueConstraint("job_id", "version"),)

    id: uuid.UUID = id_field()
    job_id: uuid.UUID = Field(foreign_key="job.id", index=True, ondelete="CASCADE")
    version: int = Field(ge=1)
    name: str = Field(max_length=300)
    body: dict[str, Any] = json_field()
    created_by: uuid.UUID | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()


class RequirementSetPublic(SQLModel):
    id: uuid.UUID
    job_id: uuid.UUID
    version: int
    name: str
    body: dict[str, Any]
    created_at: datetime


class CandidateBase(SQLModel):
    name: str = Field(default="", max_length=300)
    emails: list[str] = json_field(list)
    dids: list[str] = json_field(list)
    external_id: str | None = Field(default=None, max_length=300)


class CandidateCreate(CandidateBase):
    integration_id: uuid.UUID | None = None


class Candidate(OrgScoped, CandidateBase, table=True):
    __table_args__ = (sa.UniqueConstraint("organization_id", "integration_id", "external_id"),)

    id: uuid.UUID = id_field()
    integration_id: uuid.UUID | None = Field(
        default=None, foreign_key="integration.id", index=True, ondelete="SET NULL"
    )
    created_at: datetime = created_at_field()


class CandidatePublic(CandidateBase):
    id: uuid.UUID
    created_at: datetime


class ApplicationStatus(StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    SCORED = "scored"
    ERROR = "error"


class Application(OrgScoped, table=True):
    __table_args__ = (sa.UniqueConstraint("organization_id", "integration_id", "external_id"),)

    id: uuid.UUID = id_field()
    candidate_id: uuid.UUID = Field(foreign_key="candidate.id", index=True, ondelete="CASCADE")
    job_id: uuid.UUID = Field(foreign_key="job.id", index=True, ondelete="CASCADE")
    integration_id: uuid.UUID | None = Field(
        default=None, foreign_key="integration.id", index=True, ondelete="SET NULL"
    )
    external_id: str | None = Field(default=None, max_length=300)
    status: ApplicationStatus = enum_field(ApplicationStatus.RECEIVED, index=True)
    applied_at: datetime | None = datetime_field()
    answers: dict[str, Any] = json_field()
    """Free-text answers, custom fields and cover letter: searched for credential links."""
    eeo_sex: str | None = Field(default=None, max_length=40)
    """Self-reported through the ATS's voluntary EEO form (``ats_match.fairness.categories``).
    Read only by the adverse-impact report and the candidate's data export, never by scoring."""
    eeo_race_ethnicity: str | None = Field(default=None, max_length=60)
    """Self-reported EEO-1 race/ethnicity category; like ``eeo_sex``, never a scoring input."""
    created_at: datetime = created_at_field()


class ApplicationPublic(SQLModel):
    id: uuid.UUID
    candidate_id: uuid.UUID
    job_id: uuid.UUID
    external_id: str | None
    status: ApplicationStatus
    applied_at: datetime | None
    created_at: datetime
