"""Results back to the ATS: the score event carries the ATS's own ids, is signed the Standard
Webhooks way (checked here by the standardwebhooks library), the vendor write-back runs, an
address the guard refuses is a visible 'blocked' state, and an admin can redeliver."""

from __future__ import annotations

import json
import uuid

from sqlmodel import Session, col, select
from standardwebhooks.webhooks import Webhook

from ats_match import db
from ats_match.models import Application, OutboundEvent, OutboundStatus, RequirementSet, Score
from ats_match.services import notify
from tests.connectors.test_vendor_roundtrip import CASES
from tests.support.issuer_server import IssuerServer
from tests.support.vendor_server import VendorServer
from tests.webhooks.conftest import Admin
from worker import tasks


def _ingested_greenhouse(admin: Admin, vendor: VendorServer, outbound_url: str) -> dict[str, str]:
    case = next(c for c in CASES if c.vendor == "greenhouse")
    case.serve(vendor)
    created = admin.create(
        name="Greenhouse",
        vendor="greenhouse",
        webhook_secret=case.secret,
        api_token="harvest-api-key",
        outbound_url=outbound_url,
        settings={
            "api_base_url": vendor.url(case.settings_path),
            "file_hosts": ["127.0.0.1"],
            "on_behalf_of": "92120",
        },
    )
    headers, body = case.sign(vendor, case.secret)
    answer = admin.client.post(f"/webhooks/{created['id']}", content=body, headers=headers)
    assert answer.status_code == 200, answer.text
    engine = db.make_engine(admin.url)
    with Session(engine) as session:
        from ats_match.models import WebhookDelivery

        delivery = session.exec(
            select(WebhookDelivery).where(
                col(WebhookDelivery.integration_id) == uuid.UUID(created["id"])
            )
        ).one()
        org = str(delivery.organization_id)
    engine.dispose()
    tasks.process_deliveries.apply(args=[org, [answer.json()["delivery_id"]]]).get()
    return {**created, "organization_id": org, "candidate": case.candidate_external_id}


def _score_it(url: str, integration_id: str) -> uuid.UUID:
    """What the scorer stores and stages for an application that came in through the ATS."""
    engine = db.make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        application = session.exec(
            select(Application).where(col(Application.integration_id) == uuid.UUID(integration_id))
        ).one()
        reqs = RequirementSet(
            organization_id=application.organization_id,
            job_id=application.job_id,
            version=1,
            name="r",
            body={},
        )
        session.add(reqs)
        session.flush()
        score = Score(
            organization_id=application.organization_id,
            application_id=application.id,
            requirement_set_id=reqs.id,
            requirement_set_version=1,
            total=8,
            max_total=10,
            normalised=80,
            qualified=True,
            shortlisted=True,
            knocked_out=False,
            explanation={"summary": "2 of 2 required credentials verified"},
        )
        session.add(score)
        session.flush()
        notify.stage_score_event(session, application, score)
        session.commit()
        event = session.exec(
            select(OutboundEvent).where(
                col(OutboundEvent.integration_id) == application.integration_id
            )
        ).one()
    engine.dispose()
    return event.id


def _serve_write_back(vendor: VendorServer, candidate: str) -> None:
    vendor.answer("GET", "/v1/tags/candidate", [{"id": 365, "name": "credentials-qualified"}])
    vendor.answer("PUT", f"/v1/candidates/{candidate}/tags/365", {"message": "applied"})
    vendor.answer("POST", f"/v1/candidates/{candidate}/activity_feed/notes", {"id": 1})


def test_score_event_carries_external_ids_is_signed_and_written_back(
    admin: Admin, vendor: VendorServer
) -> None:
    with IssuerServer() as receiver:
        created = _ingested_greenhouse(admin, vendor, receiver.url("/ats/results"))
        _serve_write_back(vendor, created["candidate"])
        event_id = _score_it(admin.url, created["id"])

        tasks.deliver_event.apply(args=[created["organization_id"], str(event_id)]).get()

        [(_, headers, body)] = receiver.posts
        # a vendor's own (non-whsec_) secret signs as its UTF-8 bytes
        data = Webhook(created["webhook_secret"].encode()).verify(body, headers)["data"]
        assert data["candidate_external_id"] == created["candidate"]
        assert data["application_external_id"] and data["job_external_id"]
        assert data["scored_at"] and data["score"] == 80
        notes = vendor.calls("POST", f"/v1/candidates/{created['candidate']}/activity_feed/notes")
        assert len(notes) == 1 and "80.0 / 100" in notes[0].json()["body"]
    [event] = admin.rows(OutboundEvent, id=event_id)
    assert event.status == OutboundStatus.SENT and event.written_back_at is not None
    listed = admin.client.get(
        f"/api/v1/integrations/{created['id']}/events", headers=admin.auth
    ).json()
    assert [e["status"] for e in listed] == ["sent"]


def test_a_blocked_subscriber_is_visible_and_can_be_redelivered(
    admin: Admin, vendor: VendorServer
) -> None:
    created = _ingested_greenhouse(admin, vendor, "http://10.255.0.1/results")
    _serve_write_back(vendor, created["candidate"])
    event_id = _score_it(admin.url, created["id"])

    tasks.deliver_event.apply(args=[created["organization_id"], str(event_id)]).get()

    events = f"/api/v1/integrations/{created['id']}/events"
    [blocked] = admin.client.get(events, headers=admin.auth).json()
    assert blocked["status"] == "blocked"
    assert "address guard" in blocked["last_error"] and "10.255.0.1" in blocked["last_error"]
    with IssuerServer() as receiver:
        admin.client.patch(
            f"/api/v1/integrations/{created['id']}",
            json={"outbound_url": receiver.url("/fixed")},
            headers=admin.auth,
        )
        again = admin.client.post(f"{events}/{event_id}/redeliver", headers=admin.auth)
        assert again.status_code == 202 and again.json()["status"] == "pending"
        tasks.deliver_event.apply(args=[created["organization_id"], str(event_id)]).get()
        [(_, _, body)] = receiver.posts
        assert json.loads(body)["id"] == str(event_id)  # the same event id: receivers dedupe
    [sent] = admin.client.get(events, headers=admin.auth).json()
    assert sent["status"] == "sent"
    # the write-back ran once, not once per attempt
    assert (
        len(vendor.calls("POST", f"/v1/candidates/{created['candidate']}/activity_feed/notes")) == 1
    )
