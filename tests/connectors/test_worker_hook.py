"""The worker's delivery stage with a vendor connector: a Greenhouse delivery stored in the inbox
is read back through Harvest (loopback), its resume downloaded at once, and the credential links
in the answers and in the resume become pending credential rows."""

from __future__ import annotations

import io
import json

from docx import Document
from sqlmodel import Session, select

from ats_match.models import Application, Candidate, Credential, Integration, WebhookDelivery
from ats_match.models.credentials import LINK_FORMAT
from tests.connectors.helpers import fixture, rehost
from tests.connectors.test_greenhouse import RESUME_PATH, S3
from tests.factories import make_org
from tests.support.vendor_server import VendorServer, rate_limited
from worker import pipeline

RESUME_BADGE = "https://www.credly.com/badges/7d1f0f0e-3c1a-4a8e-8f11-5b0c5a8e2d31"
ANSWER_BADGE = "https://www.credly.com/badges/0b6cf1a8-6a35-4b4e-9b0e-2b2b8f0e5f11"


def _resume() -> bytes:
    document = Document()
    document.add_paragraph("Jane Smith - Data Scientist")
    document.add_paragraph(f"AWS Certified Cloud Practitioner: {RESUME_BADGE}")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_greenhouse_delivery_is_ingested_through_harvest(
    session: Session, vendor: VendorServer
) -> None:
    org = make_org(session, "Greenhouse customer")
    integration = Integration(
        organization_id=org.id,
        vendor="greenhouse",
        name="Greenhouse",
        webhook_secret="greenhouse-secret-key-0123456789",
        api_token="harvest-key",
        settings={"api_base_url": vendor.url("/v1/"), "file_hosts": ["127.0.0.1"]},
    )
    session.add(integration)
    session.flush()
    vendor.answer(
        "GET",
        "/v1/applications/71980812",
        rate_limited(1),
        fixture("greenhouse", "harvest_application.json"),
    )
    vendor.answer(
        "GET",
        "/v1/candidates/60304594",
        rehost(fixture("greenhouse", "harvest_candidate.json"), S3, vendor.base_url),
    )
    vendor.file(RESUME_PATH, _resume())
    body = json.dumps(fixture("greenhouse", "new_candidate_application.json")).encode()
    delivery = WebhookDelivery(
        organization_id=org.id,
        integration_id=integration.id,
        external_id="d2f1c5a0",
        event_type="new_candidate_application",
        body=body,
    )
    session.add(delivery)
    session.flush()

    pipeline.process_delivery(session, org.id, delivery.id)

    candidate = session.exec(
        select(Candidate).where(Candidate.integration_id == integration.id)
    ).one()
    assert candidate.external_id == "60304594" and candidate.name == "Jane Smith"
    assert candidate.emails == ["person@example.com", "person@work.com"]
    application = session.exec(
        select(Application).where(Application.integration_id == integration.id)
    ).one()
    assert application.external_id == "71980812"
    links = session.exec(
        select(Credential.source).where(
            Credential.application_id == application.id, Credential.format == LINK_FORMAT
        )
    ).all()
    assert any(ANSWER_BADGE in (s or "") for s in links)
    assert any(RESUME_BADGE in (s or "") for s in links)
    assert delivery.handled_at is not None


def test_lever_ids_only_delivery_is_read_through_the_api_in_the_worker(
    session: Session, vendor: VendorServer
) -> None:
    from tests.connectors.test_lever import SIGNATURE_TOKEN, _serve_lever, _signed

    org = make_org(session, "Lever customer")
    integration = Integration(
        organization_id=org.id,
        vendor="lever",
        name="Lever",
        webhook_secret=SIGNATURE_TOKEN,
        api_token="lever-api-key",
        settings={"api_base_url": vendor.url("/v1/")},
    )
    session.add(integration)
    session.flush()
    _serve_lever(vendor)
    vendor.file(  # a real .docx: the pipeline reads its text for links
        "/v1/opportunities/1bd11d54-9d97-444a-a4e3-1cd56ceedbc5/resumes/5e4f3a2b-1c0d-4e9f-8a7b-6c5d4e3f2a1b/download",
        _resume(),
    )
    delivery = WebhookDelivery(
        organization_id=org.id,
        integration_id=integration.id,
        external_id="lever-1",
        event_type="applicationCreated",
        body=_signed(),
    )
    session.add(delivery)
    session.flush()

    pipeline.process_delivery(session, org.id, delivery.id)

    candidate = session.exec(
        select(Candidate).where(Candidate.integration_id == integration.id)
    ).one()
    assert candidate.name == "Shane Smith"
    assert set(candidate.emails) == {"shane@example.com", "shane.smith@example.org"}
    application = session.exec(
        select(Application).where(Application.integration_id == integration.id)
    ).one()
    sources = session.exec(
        select(Credential.source).where(Credential.application_id == application.id)
    ).all()
    assert any("credly.com/badges/2f0c7a51" in (s or "") for s in sources)  # from opportunity links
    assert any("credly.com/badges/9a8b7c6d" in (s or "") for s in sources)  # from customQuestions
    assert any(RESUME_BADGE in (s or "") for s in sources)  # from the downloaded resume
    assert delivery.handled_at is not None


def test_an_unreadable_resume_from_the_ats_does_not_fail_the_delivery(
    session: Session, vendor: VendorServer
) -> None:
    org = make_org(session, "Greenhouse customer")
    integration = Integration(
        organization_id=org.id,
        vendor="greenhouse",
        name="Greenhouse",
        webhook_secret="greenhouse-secret-key-0123456789",
        settings={"file_hosts": ["127.0.0.1"]},
    )
    session.add(integration)
    session.flush()
    vendor.file(RESUME_PATH, b"PK\x03\x04 truncated docx")
    vendor.file(
        "/person_attachments/data/081/539/559/original/Test%20Cover%20Letter.docx", _resume()
    )
    body = json.dumps(
        rehost(fixture("greenhouse", "new_candidate_application.json"), S3, vendor.base_url)
    ).encode()
    delivery = WebhookDelivery(
        organization_id=org.id,
        integration_id=integration.id,
        external_id="gh-corrupt",
        event_type="new_candidate_application",
        body=body,
    )
    session.add(delivery)
    session.flush()

    pipeline.process_delivery(session, org.id, delivery.id)

    application = session.exec(
        select(Application).where(Application.integration_id == integration.id)
    ).one()
    rows = session.exec(select(Credential).where(Credential.application_id == application.id)).all()
    assert any(
        r.source == "Test Resume.docx" and r.error_code for r in rows
    )  # recorded with its reason
    assert any(
        RESUME_BADGE in (r.source or "") for r in rows
    )  # the readable cover letter still counts
    assert delivery.handled_at is not None
