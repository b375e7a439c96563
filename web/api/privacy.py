"""Candidate rights: the per-job notice, data export, erasure and the retention period.
Admin only; every id is the caller's organisation's or 404."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ats_match.models import Job, Organization, Scope, User
from ats_match.models.hiring import CandidateRights, JobPublic
from ats_match.services import erasure, privacy
from web.deps import SessionDep, requires

router = APIRouter(prefix="/api/v1", tags=["candidate rights"])


@router.put("/jobs/{job_id}/candidate-notice", response_model=JobPublic)
def put_candidate_notice(
    job_id: uuid.UUID,
    data: CandidateRights,
    session: SessionDep,
    user: Annotated[User, requires(Scope.CANDIDATES_ADMIN)],
) -> Job:
    return privacy.set_candidate_notice(
        session, user, job_id, data.candidate_notice, data.alternative_process
    )


class CandidateExport(BaseModel):
    """Everything held about one candidate; binary values are given as ``<name>_base64``."""

    candidate: dict[str, Any]
    applications: list[dict[str, Any]]
    credentials: list[dict[str, Any]]
    verification_results: list[dict[str, Any]]
    skills: list[dict[str, Any]]
    scores: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    notes: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    proven_dids: list[dict[str, Any]]
    presentation_requests: list[dict[str, Any]]
    webhook_deliveries: list[dict[str, Any]]
    audit_log: list[dict[str, Any]]
    """What was done about them and by whom (decisions, exports)."""


@router.get("/candidates/{candidate_id}/export", response_model=CandidateExport)
def export_candidate(
    candidate_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.CANDIDATES_ADMIN)],
) -> dict[str, Any]:
    """The candidate's data, as JSON (GDPR access and portability; audited)."""
    return privacy.export_candidate(session, user, candidate_id)


class Erased(BaseModel):
    candidate_id: uuid.UUID
    applications: int
    credentials: int
    deliveries: int
    outbound_events: int


@router.delete("/candidates/{candidate_id}", response_model=Erased)
def erase_candidate(
    candidate_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.CANDIDATES_ADMIN)],
) -> Erased:
    """Erase the candidate and everything derived from them (see docs/fairness.md): a
    redelivered webhook about an erased application is dropped, not re-ingested."""
    counts = erasure.erase_candidate(session, user, candidate_id)
    return Erased(candidate_id=candidate_id, **counts)


class Retention(BaseModel):
    retention_days: int | None = Field(
        default=None,
        ge=1,
        le=36500,
        description="Candidates with no activity for this many days are erased by a daily "
        "task; null keeps them until erased on request.",
    )


@router.get("/organization/retention", response_model=Retention)
def get_retention(
    session: SessionDep, user: Annotated[User, requires(Scope.CANDIDATES_ADMIN)]
) -> Retention:
    organization = session.get(Organization, user.organization_id)
    return Retention(retention_days=organization.retention_days if organization else None)


@router.put("/organization/retention", response_model=Retention)
def put_retention(
    data: Retention, session: SessionDep, user: Annotated[User, requires(Scope.CANDIDATES_ADMIN)]
) -> Retention:
    organization = privacy.set_retention(session, user, data.retention_days)
    return Retention(retention_days=organization.retention_days)
