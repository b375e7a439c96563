"""Replay of a stored inbound delivery: run it again after the cause of its outcome was fixed.

A delivery rejected at the webhook (it could not be mapped), one the worker failed (an ids-only
vendor without an API key, a vendor that refused), one ignored, or one already processed is
classified again by its connector from the raw body kept in the inbox; if it now describes an
application it waits for the worker again, which upserts the application by its external id,
so a replay never duplicates one. A delivery still waiting is refused, unless it was published
long ago without an outcome (its job was lost): then it is published again. The outcome is the
delivery's own row (status, reason, ``replays``, ``replayed_at``), visible in the delivery log,
and an audit entry. Services never commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, timedelta

from sqlmodel import Session

from ats_match.errors import AtsMatchError, Conflict, NotFound
from ats_match.models import DeliveryStatus, Integration, User, WebhookDelivery
from ats_match.models.base import utcnow
from ats_match.services.admin import audit
from ats_match.services.payloads import parse_object
from ats_match.settings import get_settings

STUCK_AFTER = timedelta(minutes=10)
"""A delivery published this long ago without an outcome may be replayed (its job was lost)."""


@dataclass(frozen=True)
class Replayed:
    delivery: WebhookDelivery
    previous_status: DeliveryStatus

    @property
    def waiting(self) -> bool:
        """Queued for the worker again (the relay should be woken after the commit)."""
        return self.delivery.status == DeliveryStatus.RECEIVED


def replay(
    session: Session, actor: User, integration: Integration, delivery_id: uuid.UUID
) -> Replayed:
    """Classify the delivery again and, if it is an application, queue it for the worker.

    404 unless the delivery is this integration's (and so the actor's organisation's); 409
    while it is still waiting for the worker (it will run anyway)."""
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if (
        delivery is None
        or delivery.organization_id != actor.organization_id
        or delivery.integration_id != integration.id
    ):
        raise NotFound(f"no delivery {delivery_id} in this integration's log")
    previous = DeliveryStatus(delivery.status)
    if previous == DeliveryStatus.RECEIVED and not _stuck(delivery):
        raise Conflict(
            "this delivery is still waiting for the worker; it can be replayed once it has been "
            f"published for {int(STUCK_AFTER.total_seconds() // 60)} minutes without an outcome"
        )
    status, reason = _classify(integration, delivery)
    now = utcnow()
    delivery.status = status
    delivery.error = reason[:2000] if reason else None
    delivery.handled_at = None if status == DeliveryStatus.RECEIVED else now
    delivery.dispatched_at = None if status == DeliveryStatus.RECEIVED else now
    delivery.replays += 1
    delivery.replayed_at = now
    session.add(delivery)
    audit(
        session,
        actor,
        "webhook_delivery.replay",
        "webhook_delivery",
        delivery.id,
        {"previous_status": previous.value, "status": status.value, "reason": reason},
    )
    return Replayed(delivery, previous)


def _stuck(delivery: WebhookDelivery) -> bool:
    """Published long ago and still without an outcome: the job was lost (a broker that dropped
    it); the worker skips a delivery that is handled meanwhile, so re-publishing is safe."""
    sent = delivery.dispatched_at
    if sent is None:
        return False  # the relay has not published it yet: it will
    sent = sent if sent.tzinfo else sent.replace(tzinfo=UTC)
    return utcnow() - sent > STUCK_AFTER


def _classify(
    integration: Integration, delivery: WebhookDelivery
) -> tuple[DeliveryStatus, str | None]:
    """The webhook's classification, again, with today's connector and mapping."""
    from connectors import get_connector

    vendor = str(getattr(integration.vendor, "value", integration.vendor))
    try:
        connector = get_connector(vendor)
        payload = parse_object(delivery.body, get_settings().max_json_depth)
        if not connector.describes_application(payload):
            return DeliveryStatus.IGNORED, "not an application event: acknowledged and recorded"
    except AtsMatchError as exc:
        return DeliveryStatus.REJECTED, f"replayed: {exc.message}"
    except LookupError as exc:
        return DeliveryStatus.REJECTED, f"replayed: {exc}"
    return DeliveryStatus.RECEIVED, None
