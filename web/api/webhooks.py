"""Inbound ATS webhooks: verify the signature, store the raw delivery, acknowledge, enqueue.

The 202 goes out only after the delivery row has committed; a redelivery of the same event id
is acknowledged again and enqueues nothing.
"""

from __future__ import annotations

import json
import uuid

from fastapi import APIRouter, BackgroundTasks, Request
from pydantic import BaseModel
from sqlmodel import Session

from ats_match.db import get_engine
from ats_match.errors import InvalidInput, NotFound, PayloadTooLarge
from ats_match.models import Integration
from ats_match.services import outbox
from ats_match.services.inbox import record_delivery
from ats_match.settings import get_settings
from connectors import get_connector
from web.deps import relay_after_commit

router = APIRouter(prefix="/webhooks", tags=["webhooks"])


class DeliveryAck(BaseModel):
    delivery_id: uuid.UUID
    duplicate: bool


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise PayloadTooLarge(f"body is larger than {limit} bytes")
    return bytes(body)


@router.post("/{integration_id}", status_code=202, response_model=DeliveryAck)
async def receive(
    integration_id: uuid.UUID, request: Request, background: BackgroundTasks
) -> DeliveryAck:
    body = await _read_body(request, get_settings().max_webhook_body_bytes)
    headers = {k.lower(): v for k, v in request.headers.items()}
    with Session(get_engine(), expire_on_commit=False) as session:
        integration = session.get(Integration, integration_id)
        if integration is None or not integration.active:
            raise NotFound("no active integration with this id")
        connector = get_connector(integration.vendor)
        connector.verify_signature(headers, body, (integration.webhook_secret,))
        try:
            payload = json.loads(body)
        except ValueError as exc:
            raise InvalidInput(f"body is not JSON: {exc}") from exc
        if not isinstance(payload, dict):
            raise InvalidInput("body must be a JSON object")
        delivery, created = record_delivery(
            session,
            organization_id=integration.organization_id,
            integration_id=integration.id,
            external_id=connector.event_id(headers, body),
            event_type=connector.event_type(headers, payload),
            headers=_safe_headers(headers),
            body=body,
        )
        if created:
            outbox.enqueue(
                session,
                integration.organization_id,
                "ats_match.process_delivery",
                str(integration.organization_id),
                str(delivery.id),
            )
        session.commit()  # durable before we acknowledge
    background.add_task(relay_after_commit, outbox.staged(session))
    return DeliveryAck(delivery_id=delivery.id, duplicate=not created)


def _safe_headers(headers: dict[str, str]) -> dict[str, str]:
    """Headers worth keeping for audit; credentials and cookies are dropped."""
    dropped = {"authorization", "cookie", "proxy-authorization"}
    return {k: v for k, v in headers.items() if k not in dropped}
