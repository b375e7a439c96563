"""Jobs and their versioned requirement sets. Services take a session and never commit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, func, select

from ats_match.models import Job, RequirementSet, User
from ats_match.models.hiring import JobCreate
from ats_match.repositories import JobRepository, RequirementSetRepository
from ats_match.services.admin import audit


def create_job(session: Session, user: User, data: JobCreate) -> Job:
    job = Job.model_validate(data, update={"organization_id": user.organization_id})
    JobRepository(session, user.organization_id).add(job)
    audit(session, user, "job.create", "job", job.id, {"title": job.title})
    return job


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
