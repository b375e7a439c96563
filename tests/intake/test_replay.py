"""Replay of stored inbound deliveries: a Lever delivery the worker failed (no API key) is
replayed after the key is added and becomes the application; replaying again updates it rather
than adding one; a delivery rejected at the webhook is classified again with the outcome in the
log; admin only, and another organisation's (or integration's) delivery is a 404."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx

from ats_match.models import Application, AuditLog, Role
from tests.connectors.test_vendor_roundtrip import CASES
from tests.intake.conftest import Recruiter, add_user, seed_org
from tests.support.vendor_server import VendorServer
from tests.webhooks.conftest import standard_headers

CREDLY = "https://www.credly.com/badges/0b6cf1a8-6a35-4b4e-9b0e-2b2b8f0e5f11"


def _log(recruiter: Recruiter, integration_id: str) -> list[dict[str, Any]]:
    response = recruiter.client.get(
        f"/api/v1/integrations/{integration_id}/deliveries", headers=recruiter.auth
    )
    assert response.status_code == 200, response.text
    return list(response.json())


def _replay(
    recruiter: Recruiter, integration_id: str, delivery_id: object, key: str = ""
) -> httpx.Response:
    return recruiter.client.post(
        f"/api/v1/integrations/{integration_id}/deliveries/{delivery_id}/replay",
        headers={"authorization": f"Bearer {key or recruiter.key}"},
    )


def _integration(recruiter: Recruiter, **fields: Any) -> dict[str, Any]:
    response = recruiter.client.post("/api/v1/integrations", json=fields, headers=recruiter.auth)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_failed_delivery_is_replayed_after_the_fix_without_a_duplicate(
    recruiter: Recruiter, vendor: VendorServer
) -> None:
    case = next(c for c in CASES if c.vendor == "lever")
    case.serve(vendor)
    settings = {"api_base_url": vendor.url(case.settings_path), "file_hosts": ["127.0.0.1"]}
    created = _integration(
        recruiter, name="Lever", vendor="lever", webhook_secret=case.secret, settings=settings
    )
    headers, body = case.sign(vendor, case.secret)
    delivered = recruiter.client.post(f"/webhooks/{created['id']}", content=body, headers=headers)
    assert delivered.status_code == 200, delivered.text
    recruiter.run_worker()
    [failed] = _log(recruiter, created["id"])
    assert failed["status"] == "failed" and "API key" in str(failed["error"])
    patched = recruiter.client.patch(
        f"/api/v1/integrations/{created['id']}",
        json={"api_token": "lever-api-key"},
        headers=recruiter.auth,
    )
    assert patched.status_code == 200, patched.text

    replayed = _replay(recruiter, created["id"], failed["id"])

    assert replayed.status_code == 202, replayed.text
    assert replayed.json()["status"] == "received" and replayed.json()["replays"] == 1
    assert _replay(recruiter, created["id"], failed["id"]).status_code == 409  # still waiting
    assert recruiter.run_worker() == 1
    [done] = _log(recruiter, created["id"])
    assert done["status"] == "processed" and done["error"] is None and done["replayed_at"]
    [application] = recruiter.rows(Application)
    assert application.external_id
    assert _replay(recruiter, created["id"], failed["id"]).status_code == 202
    recruiter.run_worker()
    assert [a.id for a in recruiter.rows(Application)] == [application.id]  # updated, not added
    assert _log(recruiter, created["id"])[0]["replays"] == 2
    audits = recruiter.rows(AuditLog, AuditLog.action == "webhook_delivery.replay")
    assert sorted(a.data["previous_status"] for a in audits) == ["failed", "processed"]


def test_a_rejected_delivery_is_classified_again_with_the_outcome_in_the_log(
    recruiter: Recruiter,
) -> None:
    created = _integration(recruiter, name="Ours", vendor="generic")
    body = json.dumps(
        {"type": "application.created", "data": {"application": {"id": "a-1"}}}
    ).encode()
    refused = recruiter.client.post(
        f"/webhooks/{created['id']}",
        content=body,
        headers=standard_headers(created["webhook_secret"], body),
    )
    assert refused.status_code == 422

    replayed = _replay(recruiter, created["id"], refused.json()["delivery_id"])

    assert replayed.status_code == 200  # settled at once: still not mappable
    [row] = _log(recruiter, created["id"])
    assert row["status"] == "rejected" and row["replays"] == 1
    assert str(row["error"]).startswith("replayed: payload field 'candidate'")


def test_a_processed_upload_replays_into_the_same_application(recruiter: Recruiter) -> None:
    ack = recruiter.upload(links=[CREDLY]).json()
    recruiter.run_worker()
    assert _replay(recruiter, ack["integration_id"], ack["delivery_id"]).status_code == 202
    recruiter.run_worker()
    [application] = recruiter.rows(Application)
    assert str(application.id) == ack["application_id"]


def test_replay_is_admin_only_and_tenant_isolated(recruiter: Recruiter) -> None:
    ack = recruiter.upload(links=[CREDLY]).json()
    recruiter.run_worker()
    _, other_admin = seed_org(recruiter.url, "Other")
    from_outside = _replay(recruiter, ack["integration_id"], ack["delivery_id"], other_admin)
    assert from_outside.status_code == 404
    theirs = _integration(recruiter, name="Second", vendor="generic")
    wrong_pair = _replay(recruiter, theirs["id"], ack["delivery_id"])
    assert wrong_pair.status_code == 404  # a delivery of another integration
    recruiter_key = add_user(recruiter.url, recruiter.organization_id, Role.RECRUITER)
    as_recruiter = _replay(recruiter, ack["integration_id"], ack["delivery_id"], recruiter_key)
    assert as_recruiter.status_code == 403
    unknown = _replay(recruiter, ack["integration_id"], "00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404


def test_a_delivery_whose_job_was_lost_can_be_replayed(recruiter: Recruiter) -> None:
    from datetime import timedelta

    from sqlmodel import Session

    from ats_match import db
    from ats_match.models import WebhookDelivery
    from ats_match.models.base import utcnow

    ack = recruiter.upload(links=[CREDLY]).json()
    fresh = _replay(recruiter, ack["integration_id"], ack["delivery_id"])
    assert fresh.status_code == 409 and "still waiting" in fresh.json()["detail"]
    engine = db.make_engine(recruiter.url)
    with Session(engine) as session:  # published an hour ago, and the broker lost it
        row = session.get(WebhookDelivery, uuid.UUID(ack["delivery_id"]))
        assert row is not None
        row.dispatched_at = utcnow() - timedelta(hours=1)
        session.add(row)
        session.commit()
    engine.dispose()

    replayed = _replay(recruiter, ack["integration_id"], ack["delivery_id"])

    assert replayed.status_code == 202 and replayed.json()["dispatched_at"] is None
    assert recruiter.run_worker() == 1
    assert [str(a.id) for a in recruiter.rows(Application)] == [ack["application_id"]]
