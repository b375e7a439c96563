"""Outbound result events: staged in the scoring transaction, delivered as signed webhooks.

Deliveries are signed the Standard Webhooks way (``webhook-id``, ``webhook-timestamp``,
``webhook-signature: v1,<base64 HMAC-SHA256>``) with the integration's secret, so the receiving
ATS verifies them exactly as we verify theirs. A failed delivery is retried with exponential
backoff up to ``MAX_ATTEMPTS``, then marked ``failed`` and shown to admins.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from ats_match.models import Application, Integration, OutboundEvent, OutboundStatus, Score
from ats_match.models.base import utcnow
from ats_match.services import outbox
from ats_match.webhook_signing import sign

MAX_ATTEMPTS = 10
BASE_DELAY = timedelta(seconds=30)

Poster = Callable[[str, bytes, dict[str, str]], int]
"""POSTs a body with headers to a URL and returns the status code (raises on network errors)."""


def stage_score_event(session: Session, application: Application, score: Score) -> None:
    """Queue a ``score.updated`` event if the application came through an integration that
    wants results back."""
    if application.integration_id is None:
        return
    integration = session.get(Integration, application.integration_id)
    if integration is None or not integration.outbound_url:
        return
    from ats_match.services.verdicts import credential_answers

    event = OutboundEvent(
        organization_id=application.organization_id,
        integration_id=integration.id,
        event_type="score.updated",
        next_attempt_at=utcnow(),
        payload={
            "application_external_id": application.external_id,
            "application_id": str(application.id),
            "requirement_set_version": score.requirement_set_version,
            "score": round(score.normalised, 2),
            "qualified": score.qualified,
            "shortlisted": score.shortlisted,
            "knocked_out": score.knocked_out,
            "summary": score.explanation.get("summary", ""),
            "credentials": credential_answers(session, application.organization_id, application.id),
        },
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


def signature_headers(
    secret: str, msg_id: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
        "content-type": "application/json",
    }


def deliver(
    session: Session, organization_id: uuid.UUID, event_id: uuid.UUID, post: Poster
) -> OutboundStatus:
    """Try to deliver one event now; records the attempt and schedules the next on failure."""
    event = session.get(OutboundEvent, event_id)
    if event is None or event.organization_id != organization_id:
        return OutboundStatus.FAILED
    if event.status != OutboundStatus.PENDING:
        return OutboundStatus(event.status)
    integration = session.get(Integration, event.integration_id)
    if integration is None or not integration.outbound_url:
        event.status, event.last_error = OutboundStatus.FAILED, "integration has no outbound URL"
        session.add(event)
        return OutboundStatus.FAILED
    body = json.dumps(
        {"type": event.event_type, "id": str(event.id), "data": event.payload}, sort_keys=True
    ).encode()
    event.attempts += 1
    error = _attempt(
        post,
        integration.outbound_url,
        body,
        signature_headers(integration.webhook_secret, str(event.id), body),
    )
    _record(event, error)
    session.add(event)
    return OutboundStatus(event.status)


def _attempt(post: Poster, url: str, body: bytes, headers: dict[str, str]) -> str | None:
    try:
        status = post(url, body, headers)
    except Exception as exc:  # any transport failure is a failed attempt
        return f"{type(exc).__name__}: {exc}"
    return None if 200 <= status < 300 else f"HTTP {status}"


def _record(event: OutboundEvent, error: str | None) -> None:
    if error is None:
        event.status, event.sent_at, event.last_error = OutboundStatus.SENT, utcnow(), None
        event.next_attempt_at = None
        return
    event.last_error = error[:2000]
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
