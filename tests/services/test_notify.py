"""Signed outbound result events, delivered to a real loopback receiver, retried on failure."""

from __future__ import annotations

import time

import httpx
from sqlmodel import Session

from ats_match.models import (
    Application,
    Candidate,
    Integration,
    Job,
    OutboundEvent,
    OutboundStatus,
    Score,
)
from ats_match.services import notify
from ats_match.webhook_signing import matches
from tests.factories import make_integration, make_org
from tests.support.issuer_server import IssuerServer

SECRET = "whsec_" + "b3V0Ym91bmQtc2VjcmV0LW91dGJvdW5k"


def _due(session: Session, integration: Integration) -> list[OutboundEvent]:
    """This test's organisation's due events (other tests share the database)."""
    return [
        e
        for e in notify.due_events(session, limit=10_000)
        if e.organization_id == integration.organization_id
    ]


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    return httpx.post(url, content=body, headers=headers, timeout=5).status_code


def _scored_application(session: Session, integration: Integration) -> tuple[Application, Score]:
    org_id = integration.organization_id
    job = Job(organization_id=org_id, title="t")
    candidate = Candidate(organization_id=org_id, name="c")
    session.add_all([job, candidate])
    session.flush()
    application = Application(
        organization_id=org_id,
        candidate_id=candidate.id,
        job_id=job.id,
        integration_id=integration.id,
        external_id="gh-app-7",
    )
    session.add(application)
    session.flush()
    from ats_match.models import RequirementSet

    reqs = RequirementSet(organization_id=org_id, job_id=job.id, version=3, name="r", body={})
    session.add(reqs)
    session.flush()
    score = Score(
        organization_id=org_id,
        application_id=application.id,
        requirement_set_id=reqs.id,
        requirement_set_version=3,
        total=7,
        max_total=10,
        normalised=70,
        qualified=True,
        shortlisted=False,
        knocked_out=False,
        explanation={"summary": "Meets 3 of 4 requirements."},
    )
    session.add(score)
    session.flush()
    return application, score


def test_score_event_is_signed_and_delivered(session: Session) -> None:
    with IssuerServer() as receiver:
        integration = make_integration(session, make_org(session), secret=SECRET)
        integration.outbound_url = receiver.url("/ats/results")
        application, score = _scored_application(session, integration)
        notify.stage_score_event(session, application, score)
        [event] = _due(session, integration)

        status = notify.deliver(session, integration.organization_id, event.id, _post)

        assert status == OutboundStatus.SENT and event.sent_at is not None
        [(path, headers, body)] = receiver.posts
        assert path == "/ats/results"
        assert matches(
            SECRET,
            headers["webhook-id"],
            int(headers["webhook-timestamp"]),
            body,
            headers["webhook-signature"],
        )
        assert b'"application_external_id": "gh-app-7"' in body
        assert b'"score": 70' in body


def test_failed_delivery_is_retried_later_with_backoff(session: Session) -> None:
    with IssuerServer() as receiver:
        receiver.post_status = 503
        integration = make_integration(session, make_org(session), secret=SECRET)
        integration.outbound_url = receiver.url("/hook")
        application, score = _scored_application(session, integration)
        notify.stage_score_event(session, application, score)
        [event] = _due(session, integration)

        assert (
            notify.deliver(session, integration.organization_id, event.id, _post)
            == OutboundStatus.PENDING
        )
        assert event.last_error == "HTTP 503" and event.attempts == 1
        assert event.next_attempt_at is not None
        assert _due(session, integration) == []  # not due until the backoff passes

        receiver.post_status = 204
        event.next_attempt_at = event.created_at
        assert (
            notify.deliver(session, integration.organization_id, event.id, _post)
            == OutboundStatus.SENT
        )


def test_delivery_gives_up_after_the_last_attempt(session: Session) -> None:
    with IssuerServer() as receiver:
        receiver.down()
        integration = make_integration(session, make_org(session), secret=SECRET)
        integration.outbound_url = receiver.url("/hook")
        application, score = _scored_application(session, integration)
        notify.stage_score_event(session, application, score)
        [event] = _due(session, integration)
        event.attempts = notify.MAX_ATTEMPTS - 1
        assert (
            notify.deliver(session, integration.organization_id, event.id, _post)
            == OutboundStatus.FAILED
        )
        assert event.last_error


def test_no_event_without_an_outbound_url(session: Session) -> None:
    integration = make_integration(session, make_org(session))
    application, score = _scored_application(session, integration)
    notify.stage_score_event(session, application, score)
    assert _due(session, integration) == []


def test_signature_headers_use_the_given_time() -> None:
    headers = notify.signature_headers("plain-secret", "m1", b"{}", now=time.time())
    assert headers["webhook-signature"].startswith("v1,")
