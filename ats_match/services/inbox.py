"""The webhook inbox: store a delivery durably and idempotently before acknowledging it."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ats_match.models import WebhookDelivery
from ats_match.models.base import utcnow


def record_delivery(
    session: Session,
    *,
    organization_id: uuid.UUID,
    integration_id: uuid.UUID,
    external_id: str,
    event_type: str,
    headers: dict[str, Any],
    body: bytes,
) -> tuple[WebhookDelivery, bool]:
    """Insert the delivery unless (integration, external id) is already stored.

    Returns the stored row and whether it is new. A redelivery returns the original row and
    ``False``, so the caller acknowledges it again without enqueuing anything.
    """
    existing = _find(session, integration_id, external_id)
    if existing is not None:
        return existing, False
    delivery = WebhookDelivery(
        organization_id=organization_id,
        integration_id=integration_id,
        external_id=external_id,
        event_type=event_type,
        headers=headers,
        body=body,
    )
    try:
        with session.begin_nested():
            session.add(delivery)
    except IntegrityError:
        # A concurrent delivery of the same event won the race.
        winner = _find(session, integration_id, external_id)
        if winner is None:
            raise
        return winner, False
    return delivery, True


def mark_handled(delivery: WebhookDelivery, error: str | None = None) -> None:
    """Stamp ``handled_at``; with ``error`` the delivery stays visible as failed."""
    delivery.handled_at = utcnow()
    delivery.error = error
    delivery.attempts += 1


def _find(session: Session, integration_id: uuid.UUID, external_id: str) -> WebhookDelivery | None:
    statement = select(WebhookDelivery).where(
        col(WebhookDelivery.integration_id) == integration_id,
        col(WebhookDelivery.external_id) == external_id,
    )
    return session.exec(statement).first()
