"""Outbound result events: staged in the scoring transaction, delivered as signed webhooks.

Deliveries are signed the Standard Webhooks way (``webhook-id``, ``webhook-timestamp``,
``webhook-signature: v1,<base64 HMAC-SHA256>``, by the ``standardwebhooks`` library) with the
integration's secret, so the receiving ATS verifies them exactly as we verify theirs. Where the
vendor's connector writes results (notes, tags, assessment scores) and the integration has an
API key, the write-back runs first, once per event. A failed delivery is retried with
exponential backoff up to ``MAX_ATTEMPTS``, then marked ``failed``; one the address guard refused
is ``blocked`` at once. Both are shown to admins, who can redeliver.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from ats_match import webhook_signing
from ats_match.models import (
    Application,
    Candidate,
    Integration,
    Job,
    OutboundEvent,
    OutboundStatus,
    Score,
)
from ats_match.models.base import utcnow
from ats_match.net.fetcher import Fetcher
from ats_match.services import outbox

MAX_ATTEMPTS = 10
BASE_DELAY = timedelta(seconds=30)
BLOCKED_PREFIX = "blocked by the address guard:"

Poster = Callable[[str, bytes, dict[str, str]], int]
"""POSTs a body with headers to a URL and returns the status code (raises on network errors)."""


def stage_score_event(session: Session, application: Application, score: Score) -> None:
    """Queue a ``score.updated`` event if the application came through an integration that
    wants results back: a subscriber URL (signed webhook) or a vendor write-back (an API key
    for a vendor whose connector writes results)."""
    if application.integration_id is None:
        return
    integration = session.get(Integration, application.integration_id)
    if integration is None or not (integration.outbound_url or wants_write_back(integration)):
        return
    event = OutboundEvent(
        organization_id=application.organization_id,
        integration_id=integration.id,
        event_type="score.updated",
        next_attempt_at=utcnow(),
        payload=score_payload(session, application, score),
    )
    session.add(event)
    session.flush()
    outbox.enqueue(
        session,
        application.organization_id,
        "ats_match.deliver_event",
        str(application.organization_id),
        str(event.id),
    )


def score_payload(session: Session, application: Application, score: Score) -> dict[str, Any]:
    """The event's data: the ATS's own ids for the application, candidate and job (what it
    needs to attach the result), when it was scored, and the score summary."""
    from ats_match.services.verdicts import credential_answers

    candidate = session.get(Candidate, application.candidate_id)
    job = session.get(Job, application.job_id)
    return {
        "application_external_id": application.external_id,
        "candidate_external_id": candidate.external_id if candidate else None,
        "job_external_id": job.external_id if job else None,
        "application_id": str(application.id),
        "scored_at": utcnow().isoformat(),
        "requirement_set_version": score.requirement_set_version,
        "score": round(score.normalised, 2),
        "qualified": score.qualified,
        "shortlisted": score.shortlisted,
        "knocked_out": score.knocked_out,
        "summary": score.explanation.get("summary", ""),
        "credentials": credential_answers(session, application.organization_id, application.id),
    }


def wants_write_back(integration: Integration) -> bool:
    """The vendor has a result writer and the integration an API key to call it with."""
    from connectors import get_connector
    from connectors.base import ResultWriter

    try:
        connector = get_connector(str(getattr(integration.vendor, "value", integration.vendor)))
    except LookupError:
        return False
    return isinstance(connector, ResultWriter) and bool(integration.api_token)


def signature_headers(
    secret: str, msg_id: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    """Standard Webhooks headers, signed by the ``standardwebhooks`` library."""
    timestamp = int(now if now is not None else time.time())
    return {
        **webhook_signing.headers(secret, msg_id, timestamp, body),
        "content-type": "application/json",
    }


def deliver(
    session: Session,
    organization_id: uuid.UUID,
    event_id: uuid.UUID,
    post: Poster,
    fetcher: Fetcher | None = None,
) -> OutboundStatus:
    """Try to deliver one event now (the vendor write-back, then the signed webhook); records
    the attempt and schedules the next on failure. An address the guard refuses is ``blocked``:
    shown to admins, not retried until the URL changes or an admin redelivers."""
    event = session.get(OutboundEvent, event_id)
    if event is None or event.organization_id != organization_id:
        return OutboundStatus.FAILED
    if event.status != OutboundStatus.PENDING:
        return OutboundStatus(event.status)
    integration = session.get(Integration, event.integration_id)
    if integration is None or not (integration.outbound_url or wants_write_back(integration)):
        event.status = OutboundStatus.FAILED
        event.last_error = "integration has no outbound URL and no vendor write-back"
        session.add(event)
        return OutboundStatus.FAILED
    event.attempts += 1
    error = _write_back(integration, event, fetcher)
    if error is None and integration.outbound_url:
        body = json.dumps(event_body(event), sort_keys=True).encode()
        headers = signature_headers(integration.webhook_secret, str(event.id), body)
        error = _attempt(post, integration.outbound_url, body, headers)
    _record(event, error)
    session.add(event)
    return OutboundStatus(event.status)


def _write_back(
    integration: Integration, event: OutboundEvent, fetcher: Fetcher | None
) -> str | None:
    """The vendor write-back, once per event (``written_back_at``); an error string or None."""
    if event.written_back_at is not None or not wants_write_back(integration):
        return None
    from connectors.base import ResultSummary
    from connectors.intake import attachment_fetcher, write_back

    try:
        write_back(
            integration, ResultSummary.from_event(event.payload), fetcher or attachment_fetcher()
        )
    except Exception as exc:  # a vendor refusal or outage is a failed attempt, retried
        return _describe(exc, "vendor write-back")
    event.written_back_at = utcnow()
    return None


def _attempt(post: Poster, url: str, body: bytes, headers: dict[str, str]) -> str | None:
    try:
        status = post(url, body, headers)
    except Exception as exc:  # any transport failure is a failed attempt
        return _describe(exc, url)
    return None if 200 <= status < 300 else f"HTTP {status}"


def _describe(exc: BaseException, target: str) -> str:
    blocked = _blocked_detail(exc)
    if blocked is not None:
        return f"{BLOCKED_PREFIX} {target}: {blocked}"
    return f"{type(exc).__name__}: {exc}"


def _blocked_detail(exc: BaseException) -> str | None:
    """The address guard's reason if it refused the connection (anywhere in the cause chain)."""
    from ats_match.net.fetcher import FetchError, FetchErrorKind
    from ats_match.net.http import BlockedAddress

    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return None
        if isinstance(seen, BlockedAddress):
            return seen.detail
        if isinstance(seen, FetchError) and seen.kind == FetchErrorKind.BLOCKED:
            return str(seen)
        seen = seen.__cause__ or seen.__context__
    return None


def _record(event: OutboundEvent, error: str | None) -> None:
    if error is None:
        event.status, event.sent_at, event.last_error = OutboundStatus.SENT, utcnow(), None
        event.next_attempt_at = None
        return
    event.last_error = error[:2000]
    if error.startswith(BLOCKED_PREFIX):
        event.status, event.next_attempt_at = OutboundStatus.BLOCKED, None
        return
    if event.attempts >= MAX_ATTEMPTS:
        event.status, event.next_attempt_at = OutboundStatus.FAILED, None
    else:
        event.next_attempt_at = utcnow() + BASE_DELAY * (2 ** (event.attempts - 1))


def due_events(session: Session, limit: int = 200) -> list[OutboundEvent]:
    statement = (
        select(OutboundEvent)
        .where(
            col(OutboundEvent.status) == OutboundStatus.PENDING,
            col(OutboundEvent.next_attempt_at) <= utcnow(),
        )
        .order_by(col(OutboundEvent.next_attempt_at))
        .limit(limit)
    )
    return list(session.exec(statement).all())


def event_body(event: OutboundEvent) -> dict[str, Any]:
    return {"type": event.event_type, "id": str(event.id), "data": event.payload}
