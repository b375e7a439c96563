"""Jobs and their versioned requirement sets. Services take a session and never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, func, select

from ats_match.errors import Conflict, InvalidInput
from ats_match.models import Job, RequirementSet, User
from ats_match.models.hiring import JobCreate
from ats_match.repositories import (
    IntegrationRepository,
    JobRepository,
    RequirementSetRepository,
)
from ats_match.services.admin import audit


def create_job(session: Session, user: User, data: JobCreate) -> Job:
    """A job of the caller's organisation; its ``integration_id``, if any, must be one of the
    organisation's integrations (never another tenant's), and its ``external_id`` unused there."""
    job = Job.model_validate(data, update={"organization_id": user.organization_id})
    if job.integration_id is not None:
        if IntegrationRepository(session, user.organization_id).get(job.integration_id) is None:
            raise InvalidInput(
                "integration_id is not an integration of your organisation",
                [{"field": "body.integration_id", "message": "no such integration"}],
            )
        if job.external_id is not None and _job_of(session, job) is not None:
            raise Conflict(f"this integration already has a job {job.external_id!r}")
    JobRepository(session, user.organization_id).add(job)
    audit(session, user, "job.create", "job", job.id, {"title": job.title})
    return job


def _job_of(session: Session, job: Job) -> Job | None:
    """The organisation's job with the same integration and external id, if there is one."""
    return session.exec(
        select(Job).where(
            col(Job.organization_id) == job.organization_id,
            col(Job.integration_id) == job.integration_id,
            col(Job.external_id) == job.external_id,
        )
    ).first()


def add_requirement_version(
    session: Session, user: User, job_id: uuid.UUID, name: str, body: dict[str, Any]
) -> RequirementSet:
    """Store ``body`` (already validated by the rules engine) as the job's next version."""
    job = JobRepository(session, user.organization_id).get_or_404(job_id)
    current = session.exec(
        select(func.max(RequirementSet.version)).where(col(RequirementSet.job_id) == job.id)
    ).one()
    row = RequirementSet(
        organization_id=user.organization_id,
        job_id=job.id,
        version=(current or 0) + 1,
        name=name,
        body=body,
        created_by=user.id,
    )
    RequirementSetRepository(session, user.organization_id).add(row)
    audit(
        session,
        user,
        "requirement_set.create",
        "requirement_set",
        row.id,
        {"job_id": str(job.id), "version": row.version},
    )
    return row


def requirement_versions(
    session: Session, organization_id: uuid.UUID, job_id: uuid.UUID
) -> Sequence[RequirementSet]:
    repo = RequirementSetRepository(session, organization_id)
    statement = repo.query().where(col(RequirementSet.job_id) == job_id)
    return session.exec(statement.order_by(col(RequirementSet.version).desc())).all()


def latest_requirements(
    session: Session, organization_id: uuid.UUID, job_id: uuid.UUID
) -> RequirementSet | None:
    repo = RequirementSetRepository(session, organization_id)
    statement = repo.query().where(col(RequirementSet.job_id) == job_id)
    return session.exec(statement.order_by(col(RequirementSet.version).desc()).limit(1)).first()
