"""Concurrent double submits on PostgreSQL: the first upload of an organisation (which also
creates its manual integration) sent six times at once is one integration, one delivery and one
announced application."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Integration, Job, Vendor, WebhookDelivery
from ats_match.services import intake
from tests.factories import make_org
from tests.worker.conftest import genuine_tokens

pytestmark = pytest.mark.postgres


def test_simultaneous_first_uploads_store_one_delivery(postgres_url: str) -> None:
    engine = db.make_engine(postgres_url, pool_size=8)
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session, "Race")
        job = Job(organization_id=org.id, title="Analyst")
        session.add(job)
        session.commit()
    upload = intake.Upload(
        job_id=job.id,
        candidate_name="Ada",
        candidate_email="ada@x.org",
        files=[intake.UploadFile("a.jwt", genuine_tokens(1)[0].encode())],
    )
    start = threading.Barrier(6)
    receipts: list[intake.Receipt] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            with Session(engine) as session:
                start.wait()
                receipts.append(intake.submit(session, org.id, upload))
                session.commit()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert len({r.delivery_id for r in receipts}) == 1
    assert len({r.application_id for r in receipts}) == 1
    assert sorted(r.duplicate for r in receipts) == [False] + [True] * 5
    with Session(engine) as session:
        manual = session.exec(
            select(Integration).where(
                col(Integration.organization_id) == org.id, col(Integration.vendor) == Vendor.MANUAL
            )
        ).all()
        deliveries = session.exec(
            select(WebhookDelivery).where(col(WebhookDelivery.organization_id) == org.id)
        ).all()
    engine.dispose()
    assert len(manual) == 1 and len(deliveries) == 1
    assert uuid.UUID(str(deliveries[0].headers["x-application-id"])) == receipts[0].application_id
