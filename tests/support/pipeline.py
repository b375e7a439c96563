"""The set-up of the tests that take one credential through the worker's pipeline: an
applicant's application to a job, and an attachment stored on it as the worker stores one."""

from __future__ import annotations

from sqlmodel import Session

from ats_match.formats import extract_bytes
from ats_match.models import Application, Credential, Job
from tests.factories import make_application, make_org
from worker import pipeline


def application_of(
    session: Session, email: str, name: str = "Ada", job_title: str = "Engineer"
) -> Application:
    """A new organisation's job, and the application to it of a candidate reached at
    ``email``."""
    org = make_org(session)
    job = Job(organization_id=org.id, title=job_title)
    session.add(job)
    session.flush()
    return make_application(session, org.id, job.id, name, email)


def attach(session: Session, application: Application, raw: bytes, filename: str) -> Credential:
    """The one credential of an attachment, extracted and stored on ``application``."""
    [credential] = pipeline.store_extraction(
        session, application, extract_bytes(raw), raw, filename
    )
    return credential
