"""Small helpers the attack cases share: run the worker's jobs in process."""

from __future__ import annotations

import uuid

import pytest
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import DeliveryStatus, WebhookDelivery
from worker import tasks


class NoRelay:
    """Stands in for the web process's relay thread: the cases run the worker's job."""

    def wake(self) -> None:
        pass


def quiet_relay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("web.api.applications.delivery_relay", NoRelay)
    monkeypatch.setattr("web.api.webhooks.delivery_relay", NoRelay)


def run_deliveries(database_url: str, organization_id: uuid.UUID) -> int:
    """What the relay publishes: one batch job with every delivery of the organisation waiting."""
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        waiting = session.exec(
            select(WebhookDelivery.id).where(
                col(WebhookDelivery.organization_id) == organization_id,
                col(WebhookDelivery.status) == DeliveryStatus.RECEIVED,
            )
        ).all()
    engine.dispose()
    if waiting:
        tasks.process_deliveries.apply(args=[str(organization_id), [str(i) for i in waiting]]).get()
    return len(waiting)
