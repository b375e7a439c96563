"""ATS connections, the webhook inbox, the outbound event queue and the task outbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ats_match.models.base import (
    OrgScoped,
    created_at_field,
    datetime_field,
    enum_field,
    id_field,
    json_field,
)


class Vendor(StrEnum):
    GREENHOUSE = "greenhouse"
    LEVER = "lever"
    WORKABLE = "workable"
    ASHBY = "ashby"
    SMARTRECRUITERS = "smartrecruiters"
    GENERIC = "generic"


class IntegrationBase(SQLModel):
    vendor: Vendor = enum_field(Vendor.GENERIC)
    name: str = Field(max_length=200)
    active: bool = True
    outbound_url: str | None = Field(default=None, max_length=2000)
    """Where signed result webhooks are sent, if anywhere."""


class IntegrationCreate(IntegrationBase):
    webhook_secret: str = Field(min_length=16)


class Integration(OrgScoped, IntegrationBase, table=True):
    id: uuid.UUID = id_field()
    created_at: datetime = created_at_field()
    webhook_secret: str = Field(max_length=500)
    """Secret the vendor signs inbound webhooks with (and we sign outbound ones with)."""
    api_token: str | None = Field(default=None, max_length=2000)
    settings: dict[str, Any] = json_field()


class IntegrationPublic(IntegrationBase):
    id: uuid.UUID
    organization_id: uuid.UUID
    created_at: datetime


class WebhookDelivery(OrgScoped, table=True):
    """The inbox: every inbound delivery, stored raw before we acknowledge it.

    Unique on (integration, external id) so a redelivery is recognised and never processed twice.
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (sa.UniqueConstraint("integration_id", "external_id"),)

    id: uuid.UUID = id_field()
    integration_id: uuid.UUID = Field(foreign_key="integration.id", index=True, ondelete="CASCADE")
    external_id: str = Field(max_length=300)
    event_type: str = Field(default="", max_length=120)
    headers: dict[str, Any] = json_field()
    body: bytes = Field(sa_type=sa.LargeBinary, nullable=False)
    received_at: datetime = created_at_field()
    handled_at: datetime | None = datetime_field(index=True)
    error: str | None = Field(default=None, max_length=2000)
    attempts: int = 0


class OutboundStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboundEvent(OrgScoped, table=True):
    """A result to deliver to an ATS (signed webhook or vendor write-back), retried until sent."""

    __tablename__ = "outbound_event"

    id: uuid.UUID = id_field()
    integration_id: uuid.UUID | None = Field(
        default=None, foreign_key="integration.id", index=True, ondelete="CASCADE"
    )
    event_type: str = Field(max_length=120)
    payload: dict[str, Any] = json_field()
    status: OutboundStatus = enum_field(OutboundStatus.PENDING, index=True)
    attempts: int = 0
    next_attempt_at: datetime | None = datetime_field(index=True)
    last_error: str | None = Field(default=None, max_length=2000)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = datetime_field()


class TaskOutbox(OrgScoped, table=True):
    """Background jobs written in the same transaction as the data they act on.

    A relay publishes them to the broker after commit and stamps ``dispatched_at``; if the broker
    is down they stay here and are published later, so a Redis outage delays work but loses none.
    """

    __tablename__ = "task_outbox"

    id: uuid.UUID = id_field()
    task_name: str = Field(max_length=200)
    args: list[Any] = json_field(list)
    created_at: datetime = created_at_field()
    dispatched_at: datetime | None = datetime_field(index=True)
    completed_at: datetime | None = datetime_field()
    """Set in the transaction of the job's first successful run: a second delivery of the same
    job (a duplicate publish, a redelivery after a crash) finds it set and does nothing."""
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=2000)
