"""Greenhouse: signature, event id, the documented payload, Harvest read-back and write-back,
all against a loopback server that plays Harvest and S3."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest

from ats_match.errors import BadSignature
from ats_match.models import Integration
from connectors import get_connector
from connectors.base import ResultSummary
from connectors.intake import application_from_delivery, write_back
from connectors.vendor_http import VendorUnavailable
from tests.connectors.helpers import NoSleep, fixture, hex_hmac, raw_fixture, rehost
from tests.support.vendor_server import Answer, VendorServer, rate_limited

SECRET = "greenhouse-secret-key-0123456789"
S3 = "https://prod-heroku.s3.amazonaws.com"
RESUME_PATH = "/person_attachments/data/081/539/558/original/Test%20Resume.docx"
COVER_PATH = "/person_attachments/data/081/539/559/original/Test%20Cover%20Letter.docx"


class Delivery:
    def __init__(self, body: bytes) -> None:
        self.body = body


def _integration(server: VendorServer, *, api_key: str | None = "harvest-key") -> Integration:
    return Integration(
        organization_id=uuid.uuid4(),
        vendor="greenhouse",
        name="Greenhouse",
        webhook_secret=SECRET,
        api_token=api_key,
        settings={
            "api_base_url": server.url("/v1/"),
            "file_hosts": ["127.0.0.1"],
            "on_behalf_of": "92120",
        },
    )


def _headers(body: bytes, secret: str = SECRET) -> dict[str, str]:
    return {
        "signature": f"sha256 {hex_hmac(secret, body)}",
        "greenhouse-event-id": "d2f1c5a0-4b1e-4c55-9d7e-1c3a0b2e9f10",
        "content-type": "application/json",
    }


def _serve_harvest(server: VendorServer, *first: Answer) -> None:
    application = fixture("greenhouse", "harvest_application.json")
    candidate = rehost(fixture("greenhouse", "harvest_candidate.json"), S3, server.base_url)
    server.answer("GET", "/v1/applications/71980812", *first, application)
    server.answer("GET", "/v1/candidates/60304594", candidate)
    server.file(RESUME_PATH, b"PK resume bytes", "application/octet-stream")
    server.file(COVER_PATH, b"PK cover letter bytes")


def _delivery(server: VendorServer) -> Delivery:
    payload = rehost(fixture("greenhouse", "new_candidate_application.json"), S3, server.base_url)
    return Delivery(json.dumps(payload).encode())


# -- signature ------------------------------------------------------------------------------
def test_valid_signature_over_the_raw_bytes() -> None:
    body = raw_fixture("greenhouse", "new_candidate_application.json")
    get_connector("greenhouse").verify_signature(_headers(body), body, [SECRET])


def test_signature_with_the_second_secret_during_rotation() -> None:
    body = raw_fixture("greenhouse", "new_candidate_application.json")
    headers = _headers(body, "the-new-secret-after-rotation")
    get_connector("greenhouse").verify_signature(
        headers, body, [SECRET, "the-new-secret-after-rotation"]
    )


@pytest.mark.parametrize(
    "header",
    ["sha256 " + "0" * 64, "sha1 abc", "", "sha256"],
    ids=["wrong-digest", "wrong-scheme", "missing", "no-digest"],
)
def test_bad_signatures_are_refused(header: str) -> None:
    body = raw_fixture("greenhouse", "new_candidate_application.json")
    with pytest.raises(BadSignature):
        get_connector("greenhouse").verify_signature({"signature": header}, body, [SECRET])


def test_reserialised_json_does_not_verify() -> None:
    """The HMAC covers the bytes sent, not the JSON they parse to."""
    body = raw_fixture("greenhouse", "new_candidate_application.json")
    headers = _headers(body)
    reserialised = json.dumps(json.loads(body)).encode()
    with pytest.raises(BadSignature):
        get_connector("greenhouse").verify_signature(headers, reserialised, [SECRET])


def test_success_code_is_200_and_event_id_is_the_greenhouse_header() -> None:
    connector = get_connector("greenhouse")
    body = raw_fixture("greenhouse", "new_candidate_application.json")
    assert connector.success_status == 200
    assert connector.event_id(_headers(body), body) == "d2f1c5a0-4b1e-4c55-9d7e-1c3a0b2e9f10"
    payload = json.loads(body)
    assert connector.event_type({}, payload) == "new_candidate_application"


# -- payload mapping ------------------------------------------------------------------------
def test_documented_application_created_payload_is_mapped() -> None:
    parsed = get_connector("greenhouse").parse_application(
        fixture("greenhouse", "new_candidate_application.json")
    )
    assert parsed is not None
    assert parsed.application_external_id == "71980812"
    assert parsed.candidate_external_id == "60304594"
    assert parsed.candidate_name == "Jane Smith"
    assert parsed.candidate_emails == ("person@work.com", "person@example.com")
    assert (parsed.job_external_id, parsed.job_title) == ("274075", "Data Scientist")
    assert parsed.applied_at is not None and parsed.applied_at.year == 2017
    assert [a.filename for a in parsed.attachments] == [
        "Test Cover Letter.docx",
        "Test Resume.docx",
    ]
    assert all(a.vendor_file and a.url and a.url.startswith(S3) for a in parsed.attachments)
    assert parsed.answers["links"] == ["mysite.com", "socialmedia.com"]


def test_unknown_event_carries_no_application() -> None:
    connector = get_connector("greenhouse")
    assert connector.parse_application(fixture("greenhouse", "offer_created.json")) is None
    assert connector.parse_application({"action": "ping", "payload": {}}) is None


# -- Harvest read-back and files ------------------------------------------------------------
def test_harvest_read_back_after_a_429_honours_retry_after(
    vendor: VendorServer, fetcher: Any
) -> None:
    _serve_harvest(vendor, rate_limited(2))
    sleep = NoSleep()
    parsed = application_from_delivery(
        _integration(vendor), _delivery(vendor), fetcher, sleep=sleep
    )
    assert parsed is not None
    assert sleep.pauses == [2.0]
    reads = vendor.calls("GET", "/v1/applications/71980812")
    assert [c.path for c in reads].count("/v1/applications/71980812") == 2  # then its /eeoc
    auth = vendor.calls("GET", "/v1/candidates/60304594")[0].headers["authorization"]
    assert auth == "Basic " + base64.b64encode(b"harvest-key:").decode()
    # Harvest's fresh resume link was downloaded at once; the answers came from Harvest.
    assert [(a.filename, a.data, a.url) for a in parsed.attachments] == [
        ("Test Resume.docx", b"PK resume bytes", None)
    ]
    questions = [a["question"] for a in parsed.answers["answers"]]
    assert "Link to your certifications" in questions


def test_harvest_down_then_back(vendor: VendorServer, fetcher: Any) -> None:
    _serve_harvest(vendor)
    vendor.down_for = 2
    sleep = NoSleep()
    parsed = application_from_delivery(
        _integration(vendor), _delivery(vendor), fetcher, sleep=sleep
    )
    assert parsed is not None and parsed.candidate_name == "Jane Smith"
    assert sleep.pauses == [0.5, 1.0]  # exponential backoff while the connection was refused


def test_harvest_down_for_good_is_a_retryable_error(vendor: VendorServer, fetcher: Any) -> None:
    _serve_harvest(vendor)
    vendor.down()
    with pytest.raises(VendorUnavailable):
        application_from_delivery(_integration(vendor), _delivery(vendor), fetcher, sleep=NoSleep())
    assert isinstance(VendorUnavailable("x"), ConnectionError)  # the Celery task retries it


def test_retry_after_beyond_patience_is_left_to_the_task_queue(
    vendor: VendorServer, fetcher: Any
) -> None:
    _serve_harvest(vendor, rate_limited(3600))
    sleep = NoSleep()
    with pytest.raises(VendorUnavailable, match="3600"):
        application_from_delivery(_integration(vendor), _delivery(vendor), fetcher, sleep=sleep)
    assert sleep.pauses == []


def test_without_an_api_key_the_webhook_files_are_downloaded(
    vendor: VendorServer, fetcher: Any
) -> None:
    _serve_harvest(vendor)
    parsed = application_from_delivery(
        _integration(vendor, api_key=None), _delivery(vendor), fetcher
    )
    assert parsed is not None
    assert sorted(a.data for a in parsed.attachments if a.data) == [
        b"PK cover letter bytes",
        b"PK resume bytes",
    ]
    assert vendor.calls("GET", "/v1/") == []


def test_attachment_host_not_allowed_is_refused(vendor: VendorServer, fetcher: Any) -> None:
    _serve_harvest(vendor)
    integration = _integration(vendor, api_key=None)
    integration.settings = {**integration.settings, "file_hosts": ["*.s3.amazonaws.com"]}
    parsed = application_from_delivery(integration, _delivery(vendor), fetcher)
    assert parsed is not None
    assert [a for a in parsed.attachments if a.data] == []
    refused = parsed.answers["refused_attachments"]
    assert {r["filename"] for r in refused} == {"Test Resume.docx", "Test Cover Letter.docx"}
    assert all("not allowed" in r["reason"] for r in refused)
    assert vendor.calls("GET", "/person_attachments") == []  # never contacted


# -- write-back -------------------------------------------------------------------------------
def test_write_back_tags_and_a_note(vendor: VendorServer, fetcher: Any) -> None:
    vendor.answer("GET", "/v1/tags/candidate", [{"id": 365, "name": "credentials-qualified"}])
    vendor.answer("POST", "/v1/tags/candidate", {"id": 366, "name": "python-verified"})
    vendor.answer("PUT", "/v1/candidates/60304594/tags/365", {"message": "applied"})
    vendor.answer("PUT", "/v1/candidates/60304594/tags/366", {"message": "applied"})
    vendor.answer("POST", "/v1/candidates/60304594/activity_feed/notes", rate_limited(1), {"id": 1})
    result = ResultSummary(
        application_external_id="71980812",
        candidate_external_id="60304594",
        score=82.0,
        qualified=True,
        summary="2 of 2 required credentials verified",
        profile_url="https://ats-match.example/applications/71980812",
        tags=("python-verified",),
    )
    assert write_back(_integration(vendor), result, fetcher, sleep=NoSleep())
    assert vendor.calls("POST", "/v1/tags/candidate")[0].json() == {"name": "python-verified"}
    assert {r.path for r in vendor.calls("PUT")} == {
        "/v1/candidates/60304594/tags/365",
        "/v1/candidates/60304594/tags/366",
    }
    notes = vendor.calls("POST", "/v1/candidates/60304594/activity_feed/notes")
    assert len(notes) == 2  # the 429 was retried
    note = notes[-1].json()
    assert note["user_id"] == "92120" and note["visibility"] == "private"
    assert "82.0 / 100" in note["body"] and "2 of 2 required" in note["body"]
    assert notes[-1].headers["on-behalf-of"] == "92120"


def test_a_resume_over_the_document_cap_still_downloads(vendor: VendorServer) -> None:
    """Vendor files use the attachment cap (20 MB), not the 2 MB JSON-document cap."""
    from connectors.intake import attachment_fetcher

    _serve_harvest(vendor)
    big = b"PK" + b"\0" * (3 * 1024 * 1024)
    vendor.file(RESUME_PATH, big)
    parsed = application_from_delivery(
        _integration(vendor, api_key=None), _delivery(vendor), attachment_fetcher()
    )
    assert parsed is not None
    assert big in [a.data for a in parsed.attachments]
