"""Small helpers the attack cases share: the worker's jobs in process, the verifier on bytes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.formats import extract_bytes
from ats_match.formats.model import ExtractionResult
from ats_match.models import DeliveryStatus, WebhookDelivery
from ats_match.verification import VerificationContext, VerificationReport, verify_credential
from tests.verification.vc.helpers import OfflineFetcher
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


@dataclass
class Verdicts:
    """What the product makes of one attachment: extraction, then one report per credential."""

    extraction: ExtractionResult
    reports: list[VerificationReport]
    fetched: list[str]

    @property
    def any_genuine(self) -> bool:
        return any(r.authenticity.status == "genuine" for r in self.reports)

    @property
    def any_verified(self) -> bool:
        return any(r.status.value == "verified" for r in self.reports)


def verify_bytes(data: bytes, *, proven_dids: tuple[str, ...] = ()) -> Verdicts:
    """The worker's two steps on an uploaded file, offline: every URL asked for is recorded
    (and unreachable), so a case can also hold that nothing was fetched."""
    fetcher = OfflineFetcher()
    extraction = extract_bytes(data, source="upload")
    context = VerificationContext(fetcher=fetcher, proven_dids=proven_dids)
    reports = [verify_credential(form, context) for form in extraction.credentials]
    return Verdicts(extraction, reports, fetcher.urls)
