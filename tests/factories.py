"""Small builders for domain rows used across tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

from sqlmodel import Session

from ats_match.models import (
    Application,
    Candidate,
    Integration,
    Job,
    Organization,
    RequirementSet,
    Role,
    User,
    Vendor,
)
from ats_match.security import new_api_key
from rules import load_requirement_set

EXAMPLES = Path(__file__).resolve().parents[1] / "rules" / "examples"


def make_org(session: Session, name: str = "Acme") -> Organization:
    org = Organization(name=name, slug=f"{name.lower()}-{uuid.uuid4().hex[:6]}")
    session.add(org)
    session.flush()
    return org


def make_user(session: Session, org: Organization, role: Role = Role.ADMIN) -> tuple[User, str]:
    key, key_hash = new_api_key()
    user = User(
        organization_id=org.id,
        email=f"{role.value}-{uuid.uuid4().hex[:6]}@x.example",
        role=role,
        api_key_hash=key_hash,
    )
    session.add(user)
    session.flush()
    return user, key


def make_integration(session: Session, org: Organization, secret: str = "s" * 32) -> Integration:
    integration = Integration(
        organization_id=org.id, vendor=Vendor.GENERIC, name="hook", webhook_secret=secret
    )
    session.add(integration)
    session.flush()
    return integration


def make_ats_job(
    session: Session,
    integration: Integration,
    example: str = "data_analyst.yaml",
    title: str = "Data Analyst",
    external_id: str = "job-da",
) -> Job:
    """A job that came from ``integration``'s ATS, with an example requirement set of
    ``rules/examples/`` as its first version."""
    job = Job(
        organization_id=integration.organization_id,
        title=title,
        external_id=external_id,
        integration_id=integration.id,
    )
    session.add(job)
    session.flush()
    rs = load_requirement_set(EXAMPLES / example)
    session.add(
        RequirementSet(
            organization_id=integration.organization_id,
            job_id=job.id,
            version=1,
            name=rs.name or rs.id,
            body=rs.model_dump(mode="json", exclude_none=True),
        )
    )
    session.flush()
    return job


def make_application(
    session: Session,
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    name: str,
    email: str,
    applied_at: datetime | None = None,
) -> Application:
    """A candidate named ``name``, reached at ``email``, and their application to the job."""
    candidate = Candidate(organization_id=organization_id, name=name, emails=[email])
    session.add(candidate)
    session.flush()
    application = Application(
        organization_id=organization_id, candidate_id=candidate.id, job_id=job_id
    )
    if applied_at is not None:
        application.applied_at = applied_at
    session.add(application)
    session.flush()
    return application
