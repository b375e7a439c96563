"""The case that was broken: an integration created through the admin API, its generated
secret taken from the API's answer, a delivery signed with it by the standardwebhooks library,
accepted, stored, and turned into an application by the worker's job."""

from __future__ import annotations

import base64
import json
import uuid

from ats_match.models import Application, Candidate, DeliveryStatus, WebhookDelivery
from tests.connectors.test_vendor_roundtrip import CASES
from tests.support.vendor_server import VendorServer
from tests.webhooks.conftest import Admin, standard_headers
from worker import tasks

APPLICATION = {
    "type": "application.created",
    "data": {
        "application": {"id": "app-77", "applied_at": "2026-11-30T09:00:00Z"},
        "candidate": {"id": "cand-77", "name": "Grace Hopper", "email": "grace@navy.example"},
        "job": {"id": "job-9", "title": "Compiler Engineer"},
    },
}


def _run_job(delivery_id: str, organization_id: str) -> None:
    """What the relay publishes: the batch job for the stored delivery."""
    tasks.process_deliveries.apply(args=[organization_id, [delivery_id]]).get()


def test_generated_secret_signs_a_delivery_that_is_accepted_and_processed(admin: Admin) -> None:
    created = admin.create(name="Our ATS", vendor="generic")
    secret = created["webhook_secret"]
    assert secret.startswith("whsec_")
    base64.b64decode(secret.removeprefix("whsec_"), validate=True)  # standard base64
    body = json.dumps(APPLICATION).encode()

    response = admin.client.post(
        f"/webhooks/{created['id']}", content=body, headers=standard_headers(secret, body)
    )

    assert response.status_code == 202, response.text
    assert response.json()["duplicate"] is False
    [row] = admin.rows(WebhookDelivery, integration_id=uuid.UUID(created["id"]))
    assert str(row.id) == response.json()["delivery_id"]
    assert row.status == DeliveryStatus.RECEIVED and row.body == body
    _run_job(str(row.id), str(row.organization_id))
    [application] = admin.rows(Application, external_id="app-77", integration_id=row.integration_id)
    [candidate] = admin.rows(Candidate, id=application.candidate_id)
    assert candidate.name == "Grace Hopper"
    [handled] = admin.rows(WebhookDelivery, id=row.id)
    assert handled.status == DeliveryStatus.PROCESSED and handled.handled_at is not None


def test_greenhouse_integration_created_through_the_api(admin: Admin, vendor: VendorServer) -> None:
    case = next(c for c in CASES if c.vendor == "greenhouse")
    case.serve(vendor)
    created = admin.create(
        name="Greenhouse",
        vendor="greenhouse",
        webhook_secret=case.secret,  # Greenhouse shows the secret key the recruiter typed in
        api_token="harvest-api-key",
        settings={"api_base_url": vendor.url(case.settings_path), "file_hosts": ["127.0.0.1"]},
    )
    assert any(created["webhook_url"] in step for step in created["setup_steps"])
    headers, body = case.sign(vendor, case.secret)

    answers = [
        admin.client.post(f"/webhooks/{created['id']}", content=body, headers=headers)
        for _ in range(3)
    ]

    assert [a.status_code for a in answers] == [200, 200, 200]  # Greenhouse wants 200
    assert [a.json()["duplicate"] for a in answers] == [False, True, True]
    [row] = admin.rows(WebhookDelivery, integration_id=uuid.UUID(created["id"]))
    _run_job(str(row.id), str(row.organization_id))
    [candidate] = admin.rows(
        Candidate,
        external_id=case.candidate_external_id,
        integration_id=uuid.UUID(created["id"]),
    )
    assert candidate.name == case.candidate_name


def test_every_vendor_can_be_created_and_unknown_ones_are_refused(admin: Admin) -> None:
    for vendor_name in ("teamtailor", "lever", "smartrecruiters", "workable", "ashby"):
        assert admin.create(name=vendor_name, vendor=vendor_name)["vendor"] == vendor_name
    refused = admin.client.post(
        "/api/v1/integrations", json={"name": "x", "vendor": "bamboohr"}, headers=admin.auth
    )
    assert refused.status_code == 422
