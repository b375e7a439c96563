"""ATS connections, the webhook inbox, the outbound event queue and the task outbox."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from ats_match.crypto import EncryptedString
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
    TEAMTAILOR = "teamtailor"
    GENERIC = "generic"
    MANUAL = "manual"
    """The organisation's own uploads (``POST /api/v1/applications``, ``ats-match import``):
    one per organisation, created on first use, never reachable as a webhook."""


class IntegrationBase(SQLModel):
    vendor: Vendor = enum_field(Vendor.GENERIC)
    name: str = Field(max_length=200)
    active: bool = True
    outbound_url: str | None = Field(default=None, max_length=2000)
    """Where signed result webhooks are sent, if anywhere."""


class IntegrationCreate(IntegrationBase):
    webhook_secret: str = Field(min_length=16)
    api_token: str | None = Field(default=None, max_length=2000)
    settings: dict[str, Any] = Field(default_factory=dict)
    """Vendor settings: ``api_base_url``, ``file_hosts``, ``on_behalf_of``, ``subdomain``…"""


class IntegrationUpdate(SQLModel):
    """A PATCH: only the fields sent change."""

    name: str | None = Field(default=None, max_length=200)
    outbound_url: str | None = Field(default=None, max_length=2000)
    active: bool | None = None
    api_token: str | None = Field(default=None, max_length=2000)
    settings: dict[str, Any] | None = None
    rotate_secret: bool = False
    """Generate a new secret (returned once); the old one is accepted during the overlap."""
    webhook_secret: str | None = Field(default=None, min_length=16)
    """Or set this secret (the ATS generated it, e.g. Teamtailor's signature key)."""
    overlap_seconds: int = Field(default=24 * 3600, ge=0, le=30 * 24 * 3600)


def _encrypted(nullable: bool) -> Any:
    return Field(
        default=None if nullable else ...,
        sa_type=EncryptedString(4000),
        nullable=nullable,
    )


class Integration(OrgScoped, IntegrationBase, table=True):
    id: uuid.UUID = id_field()
    created_at: datetime = created_at_field()
    webhook_secret: str = _encrypted(nullable=False)
    """Secret the vendor signs inbound webhooks with (and we sign outbound ones with); stored
    encrypted (:mod:`ats_match.crypto`), plaintext in Python."""
    previous_webhook_secret: str | None = _encrypted(nullable=True)
    """The secret before the last rotation, still accepted until ``previous_secret_expires_at``
    (the overlap window while the recruiter pastes the new one into the ATS)."""
    previous_secret_expires_at: datetime | None = datetime_field()
    api_token: str | None = _encrypted(nullable=True)
    settings: dict[str, Any] = json_field()
    disabled_at: datetime | None = datetime_field()

    def accepted_secrets(self, now: datetime) -> tuple[str, ...]:
        """The current secret, and the previous one while its overlap window lasts."""
        expires = self.previous_secret_expires_at
        if self.previous_webhook_secret and expires is not None and _aware(expires) > now:
            return (self.webhook_secret, self.previous_webhook_secret)
        return (self.webhook_secret,)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class IntegrationPublic(IntegrationBase):
    id: uuid.UUID
    organization_id: uuid.UUID
    created_at: datetime
    previous_secret_expires_at: datetime | None = None
    disabled_at: datetime | None = None


class DeliveryStatus(StrEnum):
    """What became of an inbound delivery (the delivery log's outcome column)."""

    RECEIVED = "received"
    """Stored and acknowledged; the worker has not handled it yet."""
    PROCESSED = "processed"
    """Turned into an application."""
    IGNORED = "ignored"
    """Acknowledged and recorded, nothing to ingest (an event type we do not act on)."""
    REJECTED = "rejected"
    """Stored with its reason and answered 4xx: it claims to be an application but cannot be
    mapped (no application id, an unreadable field)."""
    CONFLICT = "conflict"
    """An event id already stored with a different body: kept beside the original, answered
    409, shown to admins; never processed silently."""
    FAILED = "failed"
    """The worker could not ingest it (reason in ``error``)."""


class WebhookDelivery(OrgScoped, table=True):
    """The inbox: every inbound delivery, stored raw before we acknowledge it.

    Unique on (integration, external id) so a redelivery is recognised and never processed twice.
    """

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.UniqueConstraint("integration_id", "external_id"),
        sa.Index(
            "ix_webhook_delivery_undispatched",
            "received_at",
            postgresql_where=sa.text("dispatched_at IS NULL"),
            sqlite_where=sa.text("dispatched_at IS NULL"),
        ),
    )

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
    status: DeliveryStatus = enum_field(DeliveryStatus.RECEIVED, index=True)
    body_sha256: str = Field(default="", max_length=64)
    """Tells a redelivery (same body) from a conflicting reuse of the event id."""
    dispatched_at: datetime | None = datetime_field()
    """When the relay published this delivery's ``process_delivery`` job: the inbox row is
    the job (one INSERT before the acknowledgement), the relay batches the broker publish."""
    conflict_of: uuid.UUID | None = Field(default=None)
    """For a conflict: the delivery first stored under the same event id."""
    application_id: uuid.UUID | None = Field(
        default=None, foreign_key="application.id", index=True, ondelete="CASCADE"
    )
    """The application this delivery was ingested into: erasing the application erases the raw
    delivery with it (personal data in the body)."""
    replays: int = 0
    """How often an admin re-ran this delivery (``…/deliveries/{id}/replay``)."""
    replayed_at: datetime | None = datetime_field()


class OutboundStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    """The address guard refused the subscriber URL (private / loopback address not allowed):
    not retried until an admin changes the URL or redelivers."""


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
    written_back_at: datetime | None = datetime_field()
    """When the vendor write-back succeeded (done once, even if the webhook is retried)."""


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
