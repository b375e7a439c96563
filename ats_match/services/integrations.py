"""Integration administration: create, rotate the secret with an overlap window, change the
subscriber URL, disable; the inbound delivery log and outbound events with redelivery.
Services never commit; each change drops the endpoint's cached view of the integration."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col

from ats_match import webhook_signing
from ats_match.errors import InvalidInput
from ats_match.models import (
    DeliveryStatus,
    Integration,
    OutboundEvent,
    OutboundStatus,
    User,
    WebhookDelivery,
)
from ats_match.models.base import utcnow
from ats_match.repositories import (
    IntegrationRepository,
    OutboundEventRepository,
    WebhookDeliveryRepository,
)
from ats_match.services import integration_cache, outbox
from ats_match.services.admin import audit
from ats_match.settings import get_settings

DEFAULT_OVERLAP = timedelta(hours=24)


def require_connector(vendor: Any) -> None:
    """A vendor without a connector plugin is refused up front (422), not at its first
    delivery."""
    from connectors import vendors

    name = str(getattr(vendor, "value", vendor))
    if name not in vendors():
        raise InvalidInput(f"no connector for vendor '{name}'; available: {', '.join(vendors())}")


def rotate_secret(
    session: Session,
    actor: User,
    integration: Integration,
    *,
    new_secret: str | None = None,
    overlap: timedelta = DEFAULT_OVERLAP,
) -> str:
    """Make a new secret current; the old one is still accepted until ``now + overlap``."""
    secret = new_secret or webhook_signing.generate_secret()
    if overlap > timedelta(0):
        integration.previous_webhook_secret = integration.webhook_secret
        integration.previous_secret_expires_at = utcnow() + overlap
    else:
        integration.previous_webhook_secret = None
        integration.previous_secret_expires_at = None
    integration.webhook_secret = secret
    _save(session, actor, integration, "integration.rotate_secret", {"overlap_s": overlap.seconds})
    return secret


def update(
    session: Session, actor: User, integration: Integration, changes: dict[str, Any]
) -> None:
    """Apply the admin's changes (name, subscriber URL, API key, settings, active)."""
    for name, value in changes.items():
        setattr(integration, name, value)
    if "active" in changes:
        integration.disabled_at = None if changes["active"] else utcnow()
    logged = {k: v for k, v in changes.items() if k != "api_token"}
    _save(session, actor, integration, "integration.update", {"changed": sorted(logged)})


def disable(session: Session, actor: User, integration: Integration) -> None:
    """Stop accepting deliveries; stored deliveries and events stay for the log."""
    integration.active = False
    integration.disabled_at = utcnow()
    _save(session, actor, integration, "integration.disable", {})


def _save(
    session: Session, actor: User, integration: Integration, action: str, data: dict[str, Any]
) -> None:
    session.add(integration)
    session.flush()
    audit(session, actor, action, "integration", integration.id, data)
    integration_cache.invalidate(integration.id)


def get(session: Session, actor: User, integration_id: uuid.UUID) -> Integration:
    return IntegrationRepository(session, actor.organization_id).get_or_404(integration_id)


def deliveries(
    session: Session,
    actor: User,
    integration_id: uuid.UUID,
    *,
    status: DeliveryStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Sequence[WebhookDelivery]:
    """The inbound delivery log, newest first."""
    repo = WebhookDeliveryRepository(session, actor.organization_id)
    statement = repo.query().where(col(WebhookDelivery.integration_id) == integration_id)
    if status is not None:
        statement = statement.where(col(WebhookDelivery.status) == status)
    statement = statement.order_by(col(WebhookDelivery.received_at).desc())
    return session.exec(statement.offset(offset).limit(limit)).all()


def events(
    session: Session,
    actor: User,
    integration_id: uuid.UUID,
    *,
    status: OutboundStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Sequence[OutboundEvent]:
    """Outbound result events, newest first."""
    repo = OutboundEventRepository(session, actor.organization_id)
    statement = repo.query().where(col(OutboundEvent.integration_id) == integration_id)
    if status is not None:
        statement = statement.where(col(OutboundEvent.status) == status)
    statement = statement.order_by(col(OutboundEvent.created_at).desc())
    return session.exec(statement.offset(offset).limit(limit)).all()


def redeliver(
    session: Session, actor: User, integration_id: uuid.UUID, event_id: uuid.UUID
) -> OutboundEvent:
    """Send an event again now, whatever its state (sent, failed, blocked); same event id, so
    the receiver deduplicates."""
    event = OutboundEventRepository(session, actor.organization_id).get_or_404(event_id)
    if event.integration_id != integration_id:
        raise InvalidInput("the event belongs to another integration")
    event.status, event.next_attempt_at, event.attempts = OutboundStatus.PENDING, utcnow(), 0
    session.add(event)
    outbox.enqueue(
        session,
        actor.organization_id,
        "ats_match.deliver_event",
        str(actor.organization_id),
        str(event.id),
    )
    audit(session, actor, "outbound_event.redeliver", "outbound_event", event.id)
    return event


def setup_view(integration: Integration, secret: str | None = None) -> dict[str, Any]:
    """The webhook URL to paste into the ATS and the vendor's set-up steps (with the secret
    only when it was just made: it is shown once)."""
    from connectors import get_connector

    url = f"{get_settings().base_url}/webhooks/{integration.id}"
    steps = get_connector(str(getattr(integration.vendor, "value", integration.vendor))).setup_steps
    shown = secret or "(the integration secret)"
    return {
        "webhook_url": url,
        "setup_steps": [s.format(webhook_url=url, secret=shown) for s in steps],
    }
