"""Repositories on SQLite and on the real PostgreSQL: tenancy, inbox idempotency, types."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ats_match.errors import NotFound
from ats_match.models import Application, Candidate, Credential, Job, WebhookDelivery
from ats_match.repositories import CandidateRepository, JobRepository, WebhookDeliveryRepository
from ats_match.services.inbox import mark_handled, record_delivery
from tests.factories import make_integration, make_org


def test_repository_never_returns_another_organisations_row(session: Session) -> None:
    acme, globex = make_org(session, "Acme"), make_org(session, "Globex")
    job = JobRepository(session, acme.id).add(Job(title="Analyst", organization_id=acme.id))

    assert JobRepository(session, acme.id).get(job.id) is not None
    assert JobRepository(session, globex.id).get(job.id) is None
    assert JobRepository(session, globex.id).list() == []
    with pytest.raises(NotFound):
        JobRepository(session, globex.id).get_or_404(job.id)


def test_repository_refuses_to_add_a_row_of_another_organisation(session: Session) -> None:
    acme, globex = make_org(session, "Acme"), make_org(session, "Globex")
    with pytest.raises(NotFound):
        JobRepository(session, globex.id).add(Job(title="x", organization_id=acme.id))


def test_list_filters_combine_with_the_tenant(session: Session) -> None:
    acme, globex = make_org(session, "Acme"), make_org(session, "Globex")
    CandidateRepository(session, acme.id).add(Candidate(organization_id=acme.id, name="Ann"))
    CandidateRepository(session, globex.id).add(Candidate(organization_id=globex.id, name="Ann"))
    found = CandidateRepository(session, acme.id).list(name="Ann")
    assert [c.organization_id for c in found] == [acme.id]


def test_inbox_stores_a_redelivery_once(session: Session) -> None:
    org = make_org(session)
    integration = make_integration(session, org)
    args = dict(
        organization_id=org.id,
        integration_id=integration.id,
        external_id="evt-1",
        event_type="application.created",
        headers={"a": "b"},
        body=b'{"x":1}',
    )
    first, created = record_delivery(session, **args)  # type: ignore[arg-type]
    again, created_again = record_delivery(session, **args)  # type: ignore[arg-type]

    assert created and not created_again
    assert again.id == first.id
    assert len(WebhookDeliveryRepository(session, org.id).list()) == 1
    mark_handled(first)
    assert first.handled_at is not None and first.attempts == 1


def test_inbox_unique_constraint_holds_at_the_database(session: Session) -> None:
    org = make_org(session)
    integration = make_integration(session, org)
    for _ in range(2):
        session.add(
            WebhookDelivery(
                organization_id=org.id, integration_id=integration.id, external_id="dup", body=b""
            )
        )
    with pytest.raises(IntegrityError):
        session.flush()


def test_credential_digest_is_unique_per_application(session: Session) -> None:
    org = make_org(session)
    job = Job(organization_id=org.id, title="t")
    candidate = Candidate(organization_id=org.id, name="c")
    session.add_all([job, candidate])
    session.flush()
    application = Application(organization_id=org.id, candidate_id=candidate.id, job_id=job.id)
    session.add(application)
    session.flush()
    for _ in range(2):
        session.add(
            Credential(
                organization_id=org.id, application_id=application.id, digest="a" * 64, raw=b"{}"
            )
        )
    with pytest.raises(IntegrityError):
        session.flush()


def test_datetimes_come_back_timezone_aware_in_utc(session: Session) -> None:
    org = make_org(session)
    stamp = datetime(2026, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    job = Job(organization_id=org.id, title="t", created_at=stamp)
    session.add(job)
    session.flush()
    session.expire_all()
    loaded = JobRepository(session, org.id).get_or_404(job.id)
    assert loaded.created_at == stamp
    assert loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset() == UTC.utcoffset(None)


def test_naive_datetimes_are_refused(session: Session) -> None:
    org = make_org(session)
    session.add(Job(organization_id=org.id, title="t", created_at=datetime(2026, 1, 1)))
    with pytest.raises(Exception, match="naive"):
        session.flush()
