"""``POST /api/v1/applications`` as a recruiter uses it: an upload stored like a webhook, run by
the worker's job, read back through ``GET /api/v1/applications/{id}``; a double submit is one
application; limits answer a readable 413; another organisation's job is a 404."""

from __future__ import annotations

import uuid

import pytest

from ats_match.models import Application, Credential, DeliveryStatus, WebhookDelivery
from ats_match.models.credentials import LINK_FORMAT
from ats_match.settings import get_settings
from tests.intake.conftest import Recruiter, create_job, seed_org
from tests.support.baking import bake_png, resume_pdf
from tests.worker.conftest import genuine_tokens

CREDLY = "https://www.credly.com/badges/7d1f0f0e-3c1a-4a8e-8f11-5b0c5a8e2d31"


def _files(tokens: list[str]) -> list[tuple[str, bytes, str]]:
    return [
        ("badge.png", bake_png(tokens[0], ob3=True), "image/png"),
        ("sql.jwt", tokens[1].encode(), "text/plain"),
        ("resume.pdf", resume_pdf(["Ada Lovelace", "Analyst"]), "application/pdf"),
    ]


def test_an_upload_is_verified_scored_and_read_back(recruiter: Recruiter) -> None:
    response = recruiter.upload(_files(genuine_tokens(2)))

    assert response.status_code == 202, response.text
    ack = response.json()
    assert ack["status"] == "received" and ack["duplicate"] is False
    assert [f["kind"] for f in ack["files"]] == ["png", "jwt", None]
    assert "PDF" in ack["files"][2]["reason"]
    assert response.headers["location"] == ack["application_url"]
    [stored] = recruiter.rows(WebhookDelivery, WebhookDelivery.id == uuid.UUID(ack["delivery_id"]))
    assert stored.status == DeliveryStatus.RECEIVED  # committed before the answer
    before = recruiter.client.get(ack["application_url"], headers=recruiter.auth)
    assert before.status_code == 404  # the worker has not run yet
    waiting = recruiter.client.get(ack["status_url"], headers=recruiter.auth).json()
    assert waiting["status"] == "received" and waiting["application_id"] == ack["application_id"]

    assert recruiter.run_worker() == 1

    detail = recruiter.client.get(ack["application_url"], headers=recruiter.auth)
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert body["application"]["id"] == ack["application_id"]
    assert body["job"]["id"] == recruiter.job_id
    assert body["candidate"]["name"] == "Ada Lovelace"
    assert body["candidate"]["emails"] == ["ada@x.org"]
    assert sorted(c["source"] for c in body["credentials"]) == ["badge.png", "sql.jwt"]
    assert all(c["verification"]["status"] == "verified" for c in body["credentials"])
    assert body["score"]["requirement_set_version"] == 1  # scored against the job's role
    done = recruiter.client.get(ack["status_url"], headers=recruiter.auth).json()
    assert done["status"] == "processed" and done["handled_at"] and done["error"] is None


def test_links_become_pending_credentials(recruiter: Recruiter) -> None:
    tokens = genuine_tokens(1)
    hosted = "https://issuer.example/assertions/7"
    response = recruiter.upload(
        [("a.jwt", tokens[0].encode(), "text/plain"), ("badge-url.txt", hosted.encode(), "")],
        links=[CREDLY, CREDLY + " "],
    )
    assert response.status_code == 202, response.text
    assert response.json()["links"] == [CREDLY]
    assert [f["kind"] for f in response.json()["files"]] == ["jwt", "url"]
    recruiter.run_worker()
    application_id = uuid.UUID(response.json()["application_id"])
    rows = recruiter.rows(Credential, Credential.application_id == application_id)
    links = [r for r in rows if r.format == LINK_FORMAT]
    assert sorted(r.source for r in links) == sorted([CREDLY, hosted])
    assert all(r.error_code is None for r in links)
    assert len(rows) == 3  # the links (resolved by process_credential) and the JWT


def test_a_double_submit_is_one_application(recruiter: Recruiter) -> None:
    files = _files(genuine_tokens(2))
    first = recruiter.upload(files).json()
    again = recruiter.upload(files).json()
    assert again["duplicate"] is True
    assert (again["delivery_id"], again["application_id"]) == (
        first["delivery_id"],
        first["application_id"],
    )
    keyed = {"Idempotency-Key": "retry-1"}
    more = genuine_tokens(1)
    one = recruiter.upload([("more.jwt", more[0].encode(), "text/plain")], headers=keyed)
    retried = recruiter.upload([("more.jwt", more[0].encode(), "text/plain")], headers=keyed)
    assert one.status_code == retried.status_code == 202
    assert retried.json()["duplicate"] is True
    reused = recruiter.upload(files[:1], headers=keyed)  # the same key, another upload
    assert reused.status_code == 409, reused.text
    assert reused.json()["error"] == "conflict"

    assert recruiter.run_worker() == 2  # the conflict is kept, never processed

    [application] = recruiter.rows(Application, Application.job_id == uuid.UUID(recruiter.job_id))
    assert str(application.id) == first["application_id"] == one.json()["application_id"]
    credentials = recruiter.rows(Credential, Credential.application_id == application.id)
    assert len(credentials) == 3  # two from the first upload, one added by the second
    conflicts = recruiter.rows(WebhookDelivery, WebhookDelivery.status == DeliveryStatus.CONFLICT)
    assert len(conflicts) == 1


def test_limits_answer_a_readable_413(
    recruiter: Recruiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATS_MATCH_MAX_UPLOAD_FILE_BYTES", "1000")
    monkeypatch.setenv("ATS_MATCH_MAX_UPLOAD_TOTAL_BYTES", "1500")
    monkeypatch.setenv("ATS_MATCH_MAX_UPLOAD_FILES", "3")
    get_settings.cache_clear()
    big = recruiter.upload([("big.json", b"{" + b" " * 1200 + b"}", "application/json")])
    assert big.status_code == 413 and "big.json" in big.json()["detail"]
    total = recruiter.upload([(f"{i}.json", b"{" + b" " * 800 + b"}", "text/plain") for i in "ab"])
    assert total.status_code == 413 and "total" in total.json()["detail"]
    many = recruiter.upload([(f"{i}.json", b"{}", "text/plain") for i in "abcd"])
    assert many.status_code == 413 and "4 files (limit 3)" in many.json()["detail"]
    assert recruiter.waiting() == []  # nothing refused was stored


def test_the_body_cap_of_the_upload_path_is_a_readable_413(
    recruiter: Recruiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from web.app import create_app

    monkeypatch.setenv("ATS_MATCH_MAX_UPLOAD_TOTAL_BYTES", "1000")
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        recruiter.client = client
        huge = recruiter.upload([("huge.png", b"\x89PNG" + b"0" * 1_200_000, "image/png")])
    assert huge.status_code == 413
    assert huge.json()["error"] == "payload_too_large"


def test_unreadable_uploads_are_refused_with_the_reason(recruiter: Recruiter) -> None:
    pdf_only = recruiter.upload([("cv.pdf", resume_pdf(["Ada"]), "application/pdf")])
    assert pdf_only.status_code == 422 and "cv.pdf: a PDF" in pdf_only.json()["detail"]
    bad_email = recruiter.upload(links=[CREDLY], candidate_email="ada at x")
    assert bad_email.status_code == 422 and "e-mail" in bad_email.json()["detail"]
    bad_link = recruiter.upload(links=["javascript:alert(1)"])
    assert bad_link.status_code == 422
    missing = recruiter.client.post(
        "/api/v1/applications", data={"candidate_name": "x"}, headers=recruiter.auth
    )
    assert missing.status_code == 422


def test_another_organisations_job_and_application_are_not_found(recruiter: Recruiter) -> None:
    _, other_key = seed_org(recruiter.url, "Other")
    other_job = create_job(recruiter.client, other_key, "Their job")
    refused = recruiter.upload(links=[CREDLY], job_id=other_job)
    assert refused.status_code == 404
    mine = recruiter.upload(links=[CREDLY]).json()
    recruiter.run_worker()
    theirs = recruiter.client.get(
        mine["application_url"], headers={"authorization": f"Bearer {other_key}"}
    )
    assert theirs.status_code == 404
    as_them = recruiter.client.post(
        "/api/v1/applications",
        data={
            "job_id": recruiter.job_id,
            "candidate_name": "A",
            "candidate_email": "a@b.org",
            "links": [CREDLY],
        },
        headers={"authorization": f"Bearer {other_key}"},
    )
    assert as_them.status_code == 404


def test_the_manual_integration_shows_uploads_and_refuses_webhooks(recruiter: Recruiter) -> None:
    ack = recruiter.upload(links=[CREDLY]).json()
    log = recruiter.client.get(
        f"/api/v1/integrations/{ack['integration_id']}/deliveries", headers=recruiter.auth
    )
    assert log.status_code == 200 and [d["id"] for d in log.json()] == [ack["delivery_id"]]
    shown = recruiter.client.get(
        f"/api/v1/integrations/{ack['integration_id']}", headers=recruiter.auth
    ).json()
    assert shown["vendor"] == "manual" and "accepts no webhooks" in shown["setup_steps"][0]
    webhook = recruiter.client.post(
        f"/webhooks/{ack['integration_id']}", content=b"{}", headers={"webhook-id": "x"}
    )
    assert webhook.status_code == 401
    created = recruiter.client.post(
        "/api/v1/integrations", json={"name": "m", "vendor": "manual"}, headers=recruiter.auth
    )
    assert created.status_code == 422


def test_the_upload_is_declared_in_openapi(recruiter: Recruiter) -> None:
    spec = recruiter.client.get("/openapi.json").json()
    operation = spec["paths"]["/api/v1/applications"]["post"]
    form = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    if "$ref" in form:
        form = spec["components"]["schemas"][form["$ref"].rsplit("/", 1)[1]]
    assert {"job_id", "candidate_name", "candidate_email", "files", "links"} <= set(
        form["properties"]
    )
    assert {"202", "404", "409", "413", "422"} <= set(operation["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])


def test_a_failed_upload_says_why_and_is_only_the_organisations(recruiter: Recruiter) -> None:
    from sqlmodel import Session

    from ats_match import db
    from ats_match.models import Job

    ack = recruiter.upload(links=[CREDLY]).json()
    engine = db.make_engine(recruiter.url)
    with Session(engine) as session:  # the job is deleted before the worker runs
        job = session.get(Job, uuid.UUID(recruiter.job_id))
        session.delete(job)
        session.commit()
    engine.dispose()
    recruiter.run_worker()
    status = recruiter.client.get(ack["status_url"], headers=recruiter.auth).json()
    assert status["status"] == "failed" and "no longer exists" in status["error"]
    _, other_key = seed_org(recruiter.url, "Other")
    other = recruiter.client.get(
        ack["status_url"], headers={"authorization": f"Bearer {other_key}"}
    )
    assert other.status_code == 404


def test_a_hosted_credential_link_is_resolved_verified_and_scored(recruiter: Recruiter) -> None:
    from ats_match.db import unit_of_work
    from tests.support.issuer_server import IssuerServer
    from worker import pipeline

    token = genuine_tokens(1)[0]
    with IssuerServer() as issuer:
        url = issuer.serve("/credentials/ada-sql", token, content_type="application/vc+jwt")
        ack = recruiter.upload(links=[url]).json()
        recruiter.run_worker()
        [link] = recruiter.rows(Credential, Credential.format == LINK_FORMAT)
        with unit_of_work() as session:  # the process_credential job the ingest staged
            pipeline.process_credential(session, recruiter.organization_id, link.id)

    detail = recruiter.client.get(ack["application_url"], headers=recruiter.auth).json()
    [resolved] = [c for c in detail["credentials"] if c["format"] != LINK_FORMAT]
    assert resolved["verification"]["status"] == "verified"
    assert detail["score"] is not None


def test_files_are_sniffed_from_their_bytes() -> None:
    from ats_match.services.intake import sniff
    from tests.support.baking import bake_svg, resume_docx

    token = genuine_tokens(1)[0]
    assert sniff(bake_png(token, ob3=True)) == ("png", None)
    assert sniff(bake_svg(verify=token, ob3=True)) == ("svg", None)
    assert sniff(b'\xef\xbb\xbf {"@context": []}') == ("json", None)
    assert sniff(f"\n{token}\n".encode()) == ("jwt", None)
    assert sniff(f"{CREDLY}\n".encode()) == ("url", None)
    for ignored in (resume_pdf(["x"]), resume_docx(["x"]), b"\x00\x01binary", b"  ", b"hello"):
        kind, reason = sniff(ignored)
        assert kind is None and reason


def test_a_new_upload_wakes_the_relay_and_a_duplicate_does_not(
    recruiter: Recruiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    woken: list[int] = []

    class Recording:
        def wake(self) -> None:
            woken.append(len(recruiter.waiting()))  # after the commit: the row is visible

    monkeypatch.setattr("web.api.applications.delivery_relay", Recording)
    recruiter.upload(links=[CREDLY])
    recruiter.upload(links=[CREDLY])
    assert woken == [1]


def test_an_admin_can_turn_manual_uploads_off_and_on(recruiter: Recruiter) -> None:
    ack = recruiter.upload(links=[CREDLY]).json()
    integration = f"/api/v1/integrations/{ack['integration_id']}"
    assert recruiter.client.delete(integration, headers=recruiter.auth).status_code == 204
    refused = recruiter.upload(links=[CREDLY + "?2"])
    assert refused.status_code == 403 and "disabled" in refused.json()["detail"]
    on = recruiter.client.patch(integration, json={"active": True}, headers=recruiter.auth)
    assert on.status_code == 200, on.text
    assert recruiter.upload(links=[CREDLY + "?2"]).status_code == 202
