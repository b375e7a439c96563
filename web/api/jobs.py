"""Jobs of the caller's organisation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter

from ats_match.models import Job, Role, Scope, User
from ats_match.models.hiring import JobCreate, JobPublic
from ats_match.repositories import JobRepository
from ats_match.security import require_role
from ats_match.services import hiring
from web.deps import SessionDep, requires

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])


@router.get("", response_model=list[JobPublic])
def list_jobs(
    session: SessionDep, user: Annotated[User, requires(Scope.JOBS_READ)]
) -> Sequence[Job]:
    return JobRepository(session, user.organization_id).list(limit=500)


@router.post("", response_model=JobPublic, status_code=201)
def create_job(
    data: JobCreate, session: SessionDep, user: Annotated[User, requires(Scope.JOBS_WRITE)]
) -> Job:
    require_role(user.role, Role.HIRING_MANAGER)
    return hiring.create_job(session, user, data)


@router.get("/{job_id}", response_model=JobPublic)
def get_job(
    job_id: uuid.UUID, session: SessionDep, user: Annotated[User, requires(Scope.JOBS_READ)]
) -> Job:
    return JobRepository(session, user.organization_id).get_or_404(job_id)
