"""Each vendor end to end: a delivery signed the vendor's way is POSTed to the product's webhook
endpoint (three times: redeliveries), stored once in the inbox, then the worker stage reads the
vendor API on a loopback server, downloads the files and stores the candidate and application.
A delivery signed with another key is refused and stores nothing."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Application, Candidate, Integration, WebhookDelivery
from tests.connectors import (
    test_ashby,
    test_greenhouse,
    test_lever,
    test_smartrecruiters,
    test_teamtailor,
    test_workable,
)
from tests.connectors.helpers import fixture, hex_hmac, raw_fixture, rehost
from tests.factories import make_org
from tests.support.vendor_server import VendorServer
from worker import pipeline

Builder = Callable[[VendorServer, str], tuple[dict[str, str], bytes]]


def _docx(text: str) -> bytes:
    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class Case:
    vendor: str
    secret: str
    settings_path: str
    sign: Builder
    serve: Callable[[VendorServer], None]
    candidate_external_id: str
    candidate_name: str


def _greenhouse(server: VendorServer, secret: str) -> tuple[dict[str, str], bytes]:
    body = raw_fixture("greenhouse", "new_candidate_application.json")
    headers = {"signature": f"sha256 {hex_hmac(secret, body)}", "greenhouse-event-id": "gh-evt-1"}
    return headers, body


def _serve_greenhouse(server: VendorServer) -> None:
    test_greenhouse._serve_harvest(server)
    server.file(test_greenhouse.RESUME_PATH, _docx("Resume"))


def _lever(server: VendorServer, secret: str) -> tuple[dict[str, str], bytes]:
    return {}, test_lever._signed(token=secret)


def _serve_lever(server: VendorServer) -> None:
    test_lever._serve_lever(server)
    server.file(
        f"/v1/opportunities/{test_lever.OPP}/resumes/5e4f3a2b-1c0d-4e9f-8a7b-6c5d4e3f2a1b/download",
        _docx("Resume"),
    )


def _workable(server: VendorServer, secret: str) -> tuple[dict[str, str], bytes]:
    body = json.dumps(
        rehost(fixture("workable", "candidate_created.json"), test_workable.S3, server.base_url)
    ).encode()
    return {"x-workable-signature": hex_hmac(secret, body)}, body


def _serve_workable(server: VendorServer) -> None:
    server.file(test_workable.RESUME, _pdf())


def _ashby(server: VendorServer, secret: str) -> tuple[dict[str, str], bytes]:
    body = raw_fixture("ashby", "applicationSubmit.json")
    return {"ashby-signature": f"sha256={hex_hmac(secret, body)}"}, body


def _serve_ashby(server: VendorServer) -> None:
    server.answer("POST", "/candidate.info", fixture("ashby", "candidate_info.json"))
    server.answer(
        "POST", "/file.info", {"success": True, "results": {"url": server.url("/files/cv.pdf")}}
    )
    server.file("/files/cv.pdf", _pdf())


def _smartrecruiters(server: VendorServer, secret: str) -> tuple[dict[str, str], bytes]:
    body = json.dumps(
        {"job_id": test_smartrecruiters.JOB, "candidate_id": test_smartrecruiters.CANDIDATE}
    ).encode()
    return test_smartrecruiters._delivery_headers(body, secret), body


def _serve_smartrecruiters(server: VendorServer) -> None:
    c, j = test_smartrecruiters.CANDIDATE, test_smartrecruiters.JOB
    server.answer("GET", f"/candidates/{c}", fixture("smartrecruiters", "candidate.json"))
    server.answer(
        "GET", f"/candidates/{c}/jobs/{j}", fixture("smartrecruiters", "application.json")
    )
    server.answer("GET", f"/jobs/{j}", fixture("smartrecruiters", "job.json"))
    server.answer(
        "GET",
        f"/candidates/{c}/jobs/{j}/screening-answers",
        fixture("smartrecruiters", "screening_answers.json"),
    )
    server.answer(
        "GET", f"/candidates/{c}/attachments", fixture("smartrecruiters", "attachments.json")
    )
    server.file(f"/candidates/{c}/attachments/att-1", _pdf())


def _teamtailor(server: VendorServer, secret: str) -> tuple[dict[str, str], bytes]:
    return {}, test_teamtailor._signed(key=secret)


def _serve_teamtailor(server: VendorServer) -> None:
    document = rehost(
        fixture("teamtailor", "job_application.json"), test_teamtailor.S3, server.base_url
    )
    server.answer("GET", "/v1/job-applications/25", document)
    server.file("/uploads/resume/11/erik_lindqvist_cv.pdf", _pdf())


CASES = [
    Case(
        "greenhouse",
        test_greenhouse.SECRET,
        "/v1/",
        _greenhouse,
        _serve_greenhouse,
        "60304594",
        "Jane Smith",
    ),
    Case(
        "lever",
        test_lever.SIGNATURE_TOKEN,
        "/v1/",
        _lever,
        _serve_lever,
        test_lever.OPP,
        "Shane Smith",
    ),
    Case(
        "workable",
        test_workable.TOKEN,
        "/spi/v3/",
        _workable,
        _serve_workable,
        "ce4da98",
        "Lakita Marrero",
    ),
    Case("ashby", test_ashby.SECRET, "/", _ashby, _serve_ashby, test_ashby.CANDIDATE, "Adam Hart"),
    Case(
        "smartrecruiters",
        test_smartrecruiters.KEY,
        "/",
        _smartrecruiters,
        _serve_smartrecruiters,
        test_smartrecruiters.CANDIDATE,
        "Maria Lopez",
    ),
    Case(
        "teamtailor",
        test_teamtailor.KEY,
        "/v1/",
        _teamtailor,
        _serve_teamtailor,
        "11",
        "Erik Lindqvist",
    ),
]


def _integration(database_url: str, case: Case, server: VendorServer) -> uuid.UUID:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        org = make_org(session, f"{case.vendor} customer")
        integration = Integration(
            organization_id=org.id,
            vendor=case.vendor,
            name=case.vendor,
            webhook_secret=case.secret,
            api_token=f"{case.vendor}-api-key",
            settings={"api_base_url": server.url(case.settings_path), "file_hosts": ["127.0.0.1"]},
        )
        session.add(integration)
        session.commit()
        found = integration.id
    engine.dispose()
    return found


@pytest.mark.parametrize("case", CASES, ids=[c.vendor for c in CASES])
def test_signed_delivery_to_the_endpoint_then_the_worker(
    case: Case, client: TestClient, database_url: str, vendor: VendorServer
) -> None:
    integration_id = _integration(database_url, case, vendor)
    case.serve(vendor)
    headers, body = case.sign(vendor, case.secret)

    forged_headers, forged_body = case.sign(vendor, "not-the-integration-secret")
    assert (
        client.post(
            f"/webhooks/{integration_id}", content=forged_body, headers=forged_headers
        ).status_code
        == 401
    )

    for _ in range(3):  # the vendor redelivers
        response = client.post(f"/webhooks/{integration_id}", content=body, headers=headers)
        assert response.is_success, response.text

    engine = db.make_engine(database_url)
    with Session(engine) as session:
        deliveries = session.exec(
            select(WebhookDelivery).where(col(WebhookDelivery.integration_id) == integration_id)
        ).all()
        assert len(deliveries) == 1
        pipeline.process_delivery(session, deliveries[0].organization_id, deliveries[0].id)
        session.commit()
        candidate = session.exec(
            select(Candidate).where(col(Candidate.integration_id) == integration_id)
        ).one()
        assert (candidate.external_id, candidate.name) == (
            case.candidate_external_id,
            case.candidate_name,
        )
        assert session.exec(
            select(Application).where(col(Application.integration_id) == integration_id)
        ).one()
    engine.dispose()
