"""Inbound ATS webhooks: the minimum before the acknowledgement.

Per delivery: the body read within the size limit, parsed within the depth limit, the
signature checked over the raw bytes against the integration's cached secrets, and one
``INSERT … ON CONFLICT DO NOTHING`` (the inbox row is the job) committed; then the answer, with
the vendor's own success code. The relay publishes the stored jobs in batches afterwards. The
synchronous database work runs in a worker thread, never on the event loop.

Outcomes: stored for the worker (2xx), an event we do not act on (2xx, recorded as ignored), a
redelivery (2xx, ``duplicate: true``), an application that cannot be mapped (422, stored with its
reason), an event id reused with another body (409, stored as a conflict).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool

from ats_match.db import get_ingest_engine
from ats_match.errors import AtsMatchError, BadSignature, Conflict, InvalidInput, NotFound
from ats_match.models import DeliveryStatus
from ats_match.services import inbox, integration_cache
from ats_match.services.payloads import parse_object
from ats_match.settings import get_settings
from connectors import Connector, get_connector
from web.api.contract import PUBLIC
from web.relay import delivery_relay
from web.request_body import read_body

router = APIRouter(tags=["webhooks"])

_DROPPED_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})


class DeliveryAck(BaseModel):
    delivery_id: uuid.UUID
    duplicate: bool
    status: DeliveryStatus


async def receive(request: Request) -> Response:
    """``POST /webhooks/{integration_id}`` through the framework. The server answers this path
    first with :mod:`web.ingest_asgi` (the same :func:`accept`, without the framework's
    per-request work); this is the route's OpenAPI description and its answer for an app
    without that front."""
    try:
        integration_id = uuid.UUID(request.path_params["integration_id"])
    except ValueError:
        raise NotFound("no active integration with this id") from None
    body = await read_body(request, get_settings().max_webhook_body_bytes)
    headers = {k.lower(): v for k, v in request.headers.items()}
    status, content, extra = await run_in_threadpool(accept, integration_id, headers, body)
    wake_relay(content)
    return Response(orjson.dumps(content), status, extra, media_type="application/json")


@router.post(
    "/webhooks/{integration_id}",
    openapi_extra=PUBLIC,
    status_code=202,
    response_model=DeliveryAck,
    responses={
        200: {"description": "accepted (vendors that count only 200, e.g. Greenhouse)"},
        401: {"description": "bad signature"},
        404: {"description": "no active integration with this id"},
        409: {"description": "event id reused with another body (stored as a conflict)"},
        413: {"description": "body too large"},
        422: {"description": "not JSON, too deep, or an application that cannot be mapped"},
    },
    summary="Receive an ATS delivery",
)
async def documented_receive(integration_id: uuid.UUID, request: Request) -> Response:
    """The OpenAPI description of :func:`receive`."""
    return await receive(request)


def wake_relay(answer: Mapping[str, Any]) -> None:
    """A new job was stored: the relay publishes it (batched with its neighbours), off the
    request path."""
    if answer.get("status") == DeliveryStatus.RECEIVED and not answer.get("duplicate"):
        delivery_relay().wake()


def accept(
    integration_id: uuid.UUID, headers: Mapping[str, str], body: bytes
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """The synchronous request path (runs in a thread): (status, JSON body, extra headers)."""
    engine = get_ingest_engine()
    view = integration_cache.get(engine, integration_id)
    if view is None or not view.active:
        raise NotFound("no active integration with this id")
    connector = _connector(view.vendor)
    handshake = connector.handshake(headers, body)
    if handshake is not None:
        return 200, {"handshake": True}, dict(handshake)
    payload = parse_object(body, get_settings().max_json_depth)
    try:
        connector.verify_signature(headers, body, view.secrets)
    except BadSignature:
        if view.fresh:
            raise
        view = integration_cache.get(engine, integration_id, fresh=True)  # rotated elsewhere?
        if view is None or not view.active:
            raise NotFound("no active integration with this id") from None
        connector.verify_signature(headers, body, view.secrets)
    incoming = _classify(connector, view, headers, body, payload)
    stored = _store(engine, incoming)
    return _answer(connector, stored)


def _connector(vendor: str) -> Connector:
    try:
        return get_connector(vendor)
    except LookupError as exc:
        raise InvalidInput(str(exc)) from exc


def _classify(
    connector: Connector,
    view: integration_cache.IntegrationView,
    headers: Mapping[str, str],
    body: bytes,
    payload: Mapping[str, Any],
) -> inbox.Incoming:
    """Is this an application for the worker, an event we only record, or one we refuse?"""
    status, reason = DeliveryStatus.RECEIVED, None
    try:
        if not connector.describes_application(payload):
            status = DeliveryStatus.IGNORED
            reason = "not an application event: acknowledged and recorded"
    except AtsMatchError as exc:  # it names an application we cannot map
        status, reason = DeliveryStatus.REJECTED, exc.message
    return inbox.Incoming(
        organization_id=view.organization_id,
        integration_id=view.id,
        external_id=connector.event_id(headers, body)[:300],
        event_type=connector.event_type(headers, payload),
        headers={k: v for k, v in headers.items() if k not in _DROPPED_HEADERS},
        body=body,
        status=status,
        reason=reason,
    )


def _store(engine: Any, incoming: inbox.Incoming) -> inbox.Stored:
    for attempt in (1, 2):
        try:
            with engine.connect() as connection:  # autocommit: durable before we answer
                return inbox.store(connection, incoming)
        except DBAPIError as exc:
            # No pre-ping per request: a connection the server dropped fails once, is
            # invalidated by the pool, and the insert is tried again on a fresh one.
            if attempt == 2 or not exc.connection_invalidated:
                raise
    raise AssertionError("unreachable")


def _answer(
    connector: Connector, stored: inbox.Stored
) -> tuple[int, dict[str, Any], dict[str, str]]:
    ack = {
        "delivery_id": str(stored.delivery_id),
        "duplicate": stored.duplicate,
        "status": stored.status.value,
    }
    if stored.status == DeliveryStatus.REJECTED:
        error = InvalidInput(stored.reason or "the delivery cannot be mapped to an application")
        return error.status_code, {"error": error.code, "detail": error.message, **ack}, {}
    if stored.status == DeliveryStatus.CONFLICT:
        conflict = Conflict(stored.reason or "event id reused with another body")
        extra = {"conflict_of": str(stored.conflict_of)} if stored.conflict_of else {}
        return (
            conflict.status_code,
            {"error": conflict.code, "detail": conflict.message, **ack, **extra},
            {},
        )
    return connector.success_status, ack, {}
