"""Integration admin API (admin role): create, read, PATCH (rotate the secret, change the
subscriber URL, disable), DELETE (disable); the inbound delivery log with raw bodies and
outcomes and replay; outbound events with manual redelivery."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Response
from pydantic import BaseModel, Field

from ats_match.models import (
    DeliveryStatus,
    Integration,
    OutboundEvent,
    OutboundStatus,
    Role,
    Scope,
    User,
    WebhookDelivery,
)
from ats_match.models.integration_keys import (
    IntegrationKey,
    IntegrationKeyCreate,
    IntegrationKeyPublic,
    IntegrationKeyWithSecret,
)
from ats_match.models.integrations import (
    IntegrationBase,
    IntegrationCreate,
    IntegrationPublic,
    IntegrationUpdate,
)
from ats_match.repositories import IntegrationRepository
from ats_match.security import require_role
from ats_match.services import admin, integration_keys, integrations, replay
from web.deps import SessionDep, requires
from web.relay import delivery_relay

router = APIRouter(tags=["integrations"])


class IntegrationIn(IntegrationBase):
    webhook_secret: str | None = Field(
        default=None, min_length=16, description="Leave empty to have one generated."
    )
    api_token: str | None = Field(default=None, max_length=2000)
    settings: dict[str, Any] = Field(default_factory=dict)


class IntegrationDetail(IntegrationPublic):
    webhook_url: str
    setup_steps: list[str]


class IntegrationWithSecret(IntegrationDetail):
    webhook_secret: str = Field(description="Shown when created or rotated; stored encrypted.")


class DeliveryOut(BaseModel):
    id: uuid.UUID
    external_id: str
    event_type: str
    status: DeliveryStatus
    error: str | None
    received_at: datetime
    handled_at: datetime | None
    dispatched_at: datetime | None
    conflict_of: uuid.UUID | None
    attempts: int
    replays: int = Field(default=0, description="How often an admin replayed it")
    replayed_at: datetime | None = None
    headers: dict[str, Any]
    body: str
    body_encoding: str = Field(description="'utf-8', or 'base64' for bytes that are not text")


class EventOut(BaseModel):
    id: uuid.UUID
    event_type: str
    status: OutboundStatus
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None
    payload: dict[str, Any]


def _detail(integration: Integration, secret: str | None = None) -> dict[str, Any]:
    data = {
        **IntegrationPublic.model_validate(integration).model_dump(),
        **integrations.setup_view(integration, secret),
    }
    return {**data, "webhook_secret": secret} if secret else data


@router.get("/integrations", response_model=list[IntegrationPublic])
def list_integrations(
    session: SessionDep, user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)]
) -> Sequence[Integration]:
    require_role(user.role, Role.ADMIN)
    return IntegrationRepository(session, user.organization_id).list(limit=1000)


@router.post("/integrations", response_model=IntegrationWithSecret, status_code=201)
def create_integration(
    data: IntegrationIn,
    session: SessionDep,
    user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)],
) -> dict[str, Any]:
    require_role(user.role, Role.ADMIN)
    secret = data.webhook_secret or admin.generate_webhook_secret()
    create = IntegrationCreate(**data.model_dump(exclude={"webhook_secret"}), webhook_secret=secret)
    return _detail(admin.create_integration(session, user, create), secret)


@router.get("/integrations/{integration_id}", response_model=IntegrationDetail)
def get_integration(
    integration_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)],
) -> dict[str, Any]:
    require_role(user.role, Role.ADMIN)
    return _detail(integrations.get(session, user, integration_id))


@router.patch(
    "/integrations/{integration_id}",
    response_model=IntegrationWithSecret | IntegrationDetail,
)
def patch_integration(
    integration_id: uuid.UUID,
    data: IntegrationUpdate,
    session: SessionDep,
    user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)],
) -> dict[str, Any]:
    """Change fields; ``rotate_secret`` (or a new ``webhook_secret``) rotates with an overlap
    window of ``overlap_seconds`` during which the previous secret is still accepted."""
    require_role(user.role, Role.ADMIN)
    integration = integrations.get(session, user, integration_id)
    fields = {"name", "outbound_url", "active", "api_token", "settings"}
    changes = data.model_dump(include=fields, exclude_unset=True)
    if changes:
        integrations.update(session, user, integration, changes)
    secret = None
    if data.rotate_secret or data.webhook_secret:
        secret = integrations.rotate_secret(
            session,
            user,
            integration,
            new_secret=data.webhook_secret,
            overlap=timedelta(seconds=data.overlap_seconds),
        )
    return _detail(integration, secret)


@router.delete("/integrations/{integration_id}", status_code=204)
def delete_integration(
    integration_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)],
) -> Response:
    """Disable: deliveries are refused from now on; the logs are kept."""
    require_role(user.role, Role.ADMIN)
    integrations.disable(session, user, integrations.get(session, user, integration_id))
    return Response(status_code=204)


@router.get("/integrations/{integration_id}/deliveries", response_model=list[DeliveryOut])
def list_deliveries(
    integration_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)],
    status: DeliveryStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[DeliveryOut]:
    """The inbound delivery log: raw bodies, headers kept, outcome and reason."""
    require_role(user.role, Role.ADMIN)
    integrations.get(session, user, integration_id)
    rows = integrations.deliveries(
        session, user, integration_id, status=status, limit=min(limit, 500), offset=offset
    )
    return [_delivery(row) for row in rows]


def _delivery(row: WebhookDelivery) -> DeliveryOut:
    try:
        body, encoding = row.body.decode(), "utf-8"
    except UnicodeDecodeError:
        body, encoding = base64.b64encode(row.body).decode(), "base64"
    dropped = {"body", "organization_id", "integration_id", "body_sha256"}
    fields = row.model_dump(exclude=dropped, warnings=False)
    fields["status"] = DeliveryStatus(fields["status"])
    return DeliveryOut(**fields, body=body, body_encoding=encoding)


@router.get("/integrations/{integration_id}/events", response_model=list[EventOut])
def list_events(
    integration_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)],
    status: OutboundStatus | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Sequence[OutboundEvent]:
    """Outbound result events: sent, pending (with the next attempt), failed, blocked."""
    require_role(user.role, Role.ADMIN)
    integrations.get(session, user, integration_id)
    return integrations.events(
        session, user, integration_id, status=status, limit=min(limit, 500), offset=offset
    )


@router.post(
    "/integrations/{integration_id}/events/{event_id}/redeliver",
    response_model=EventOut,
    status_code=202,
)
def redeliver_event(
    integration_id: uuid.UUID,
    event_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)],
) -> OutboundEvent:
    require_role(user.role, Role.ADMIN)
    integrations.get(session, user, integration_id)
    return integrations.redeliver(session, user, integration_id, event_id)


@router.post(
    "/integrations/{integration_id}/deliveries/{delivery_id}/replay",
    response_model=DeliveryOut,
    responses={
        200: {"description": "settled at once: rejected or ignored again (reason in 'error')"},
        202: {"description": "queued for the worker again"},
        404: {"description": "no such delivery in this integration's log"},
        409: {"description": "still waiting for the worker"},
    },
)
def replay_delivery(
    integration_id: uuid.UUID,
    delivery_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)],
    background: BackgroundTasks,
    response: Response,
) -> DeliveryOut:
    """Run a stored delivery again (after a mapping fix, an API key added, the job created):
    classified anew from its raw body and, if it is an application, processed by the worker,
    which updates the application it names instead of adding one."""
    require_role(user.role, Role.ADMIN)
    integration = integrations.get(session, user, integration_id)
    replayed = replay.replay(session, user, integration, delivery_id)
    if replayed.waiting:
        background.add_task(lambda: delivery_relay().wake())  # after the commit
    response.status_code = 202 if replayed.waiting else 200
    return _delivery(replayed.delivery)


@router.post(
    "/integrations/{integration_id}/api-keys",
    response_model=IntegrationKeyWithSecret,
    status_code=201,
)
def issue_integration_key(
    integration_id: uuid.UUID,
    data: IntegrationKeyCreate,
    session: SessionDep,
    user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)],
) -> IntegrationKeyWithSecret:
    """A key for the integration's own service account, shown once: it posts applications to
    the integration's jobs and reads their results, nothing else."""
    integration = integrations.get(session, user, integration_id)
    row, key = integration_keys.issue(session, user, integration, data)
    return IntegrationKeyWithSecret.model_validate({**row.model_dump(), "api_key": key})


@router.get("/integrations/{integration_id}/api-keys", response_model=list[IntegrationKeyPublic])
def list_integration_keys(
    integration_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)],
) -> Sequence[IntegrationKey]:
    """The integration's keys with when each was last used, never the keys themselves."""
    integrations.get(session, user, integration_id)
    return integration_keys.listed(session, user, integration_id)


@router.delete(
    "/integrations/{integration_id}/api-keys/{key_id}", response_model=IntegrationKeyPublic
)
def revoke_integration_key(
    integration_id: uuid.UUID,
    key_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.INTEGRATIONS_ADMIN)],
) -> IntegrationKey:
    """Revoke at once; the row stays, with when it was revoked."""
    integrations.get(session, user, integration_id)
    return integration_keys.revoke(session, user, integration_id, key_id)
