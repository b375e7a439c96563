"""Ashby: Ashby-Signature over the raw body, the documented applicationSubmit, files through
candidate.info and file.info (loopback), note / tag write-back and the assessments shape."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from ats_match.errors import BadSignature
from ats_match.models import Integration
from connectors import ashby_assessment, get_connector
from connectors.base import ResultSummary
from connectors.intake import application_from_delivery, write_back
from connectors.vendor_http import VendorClient, VendorConfig
from tests.connectors.helpers import NoSleep, fixture, hex_hmac, raw_fixture
from tests.support.vendor_server import Answer, VendorServer, rate_limited

SECRET = "ashby-secret-token-0123456789"
CANDIDATE = "5b591aad-6b5e-4d0a-8f1e-2c2b5a3d4e5f"


class Delivery:
    def __init__(self, body: bytes) -> None:
        self.body = body


def _integration(server: VendorServer) -> Integration:
    return Integration(
        organization_id=uuid.uuid4(),
        vendor="ashby",
        name="Ashby",
        webhook_secret=SECRET,
        api_token="ashby-api-key",
        settings={"api_base_url": server.url("/"), "file_hosts": ["127.0.0.1"]},
    )


def test_valid_and_bad_signatures() -> None:
    body = raw_fixture("ashby", "applicationSubmit.json")
    connector = get_connector("ashby")
    connector.verify_signature(
        {"ashby-signature": f"sha256={hex_hmac(SECRET, body)}"}, body, [SECRET]
    )
    for header in (f"sha256={hex_hmac('wrong', body)}", hex_hmac(SECRET, body), ""):
        with pytest.raises(BadSignature):
            connector.verify_signature({"ashby-signature": header}, body, [SECRET])


def test_documented_application_submit_is_mapped() -> None:
    connector = get_connector("ashby")
    body = raw_fixture("ashby", "applicationSubmit.json")
    payload = json.loads(body)
    assert connector.event_id({}, body) == "5a1d5a6b-0f0a-4c43-8a57-7d1e0b5cfa01"
    assert connector.event_type({}, payload) == "applicationSubmit"
    parsed = connector.parse_application(payload)
    assert parsed is not None
    assert (parsed.application_external_id, parsed.candidate_external_id) == (
        "23ad9d8c-7e8b-4a3b-9b2b-1a2f4e2c5d10",
        CANDIDATE,
    )
    assert parsed.candidate_name == "Adam Hart" and parsed.candidate_emails == (
        "adam.hart@example.com",
    )
    assert (parsed.job_external_id, parsed.job_title) == (
        "3ae2b801-19f6-41ef-ad28-214bd731948f",
        "Software Engineer",
    )
    assert "credly.com/badges" in json.dumps(parsed.answers["customFields"])


def test_ping_and_unknown_events_carry_no_application() -> None:
    connector = get_connector("ashby")
    assert connector.parse_application(fixture("ashby", "ping.json")) is None
    assert connector.parse_application({"action": "offerCreate", "data": {}}) is None


def test_files_are_read_through_candidate_info_and_file_info(
    vendor: VendorServer, fetcher: Any
) -> None:
    vendor.answer(
        "POST", "/candidate.info", rate_limited(1), fixture("ashby", "candidate_info.json")
    )
    vendor.answer(
        "POST",
        "/file.info",
        {"success": True, "results": {"url": vendor.url("/files/adam_hart_resume.pdf")}},
        {"success": True, "results": {"url": vendor.url("/files/aws-badge.png")}},
    )
    vendor.file("/files/adam_hart_resume.pdf", b"%PDF resume")
    vendor.file("/files/aws-badge.png", b"\x89PNG badge")
    sleep = NoSleep()
    body = raw_fixture("ashby", "applicationSubmit.json")
    parsed = application_from_delivery(_integration(vendor), Delivery(body), fetcher, sleep=sleep)
    assert parsed is not None and sleep.pauses == [1.0]
    assert [(a.filename, a.data) for a in parsed.attachments] == [
        ("adam_hart_resume.pdf", b"%PDF resume"),
        ("aws-badge.png", b"\x89PNG badge"),
    ]
    assert parsed.candidate_emails == ("adam.hart@example.com", "a.hart@work.example")
    handles = [r.json()["fileHandle"] for r in vendor.calls("POST", "/file.info")]
    assert handles == ["eyJoYW5kbGUiOiJyZXN1bWUifQ", "eyJoYW5kbGUiOiJiYWRnZSJ9"]


def test_api_down_then_back(vendor: VendorServer, fetcher: Any) -> None:
    vendor.answer(
        "POST",
        "/candidate.info",
        Answer({"error": "unavailable"}, 503),
        fixture("ashby", "candidate_info.json"),
    )
    vendor.answer(
        "POST", "/file.info", {"success": True, "results": {"url": vendor.url("/files/r.pdf")}}
    )
    vendor.file("/files/r.pdf", b"%PDF")
    vendor.down_for = 1
    sleep = NoSleep()
    parsed = application_from_delivery(
        _integration(vendor),
        Delivery(raw_fixture("ashby", "applicationSubmit.json")),
        fetcher,
        sleep=sleep,
    )
    assert parsed is not None and sleep.pauses == [0.5, 1.0]


def test_write_back_note_and_tags(vendor: VendorServer, fetcher: Any) -> None:
    vendor.answer("POST", "/candidateTag.list", {"success": True, "results": []})
    vendor.answer(
        "POST",
        "/candidateTag.create",
        {"success": True, "results": {"id": "tag-1", "title": "credentials-qualified"}},
    )
    vendor.answer("POST", "/candidate.addTag", {"success": True, "results": {"id": CANDIDATE}})
    vendor.answer("POST", "/candidate.createNote", {"success": True, "results": {"id": "note-1"}})
    result = ResultSummary(
        "23ad9d8c", CANDIDATE, 77.5, True, "3 of 3 required credentials verified"
    )
    assert write_back(_integration(vendor), result, fetcher)
    assert vendor.calls("POST", "/candidate.addTag")[0].json() == {
        "candidateId": CANDIDATE,
        "tagId": "tag-1",
    }
    note = vendor.calls("POST", "/candidate.createNote")[0].json()
    assert note["candidateId"] == CANDIDATE and "77.5 / 100" in note["note"]


def test_assessment_start_and_update_shape(vendor: VendorServer, fetcher: Any) -> None:
    assert (
        ashby_assessment.assessment_list()["results"][0]["assessment_type_id"]
        == ashby_assessment.ASSESSMENT_ID
    )
    started = ashby_assessment.read_start(
        {
            "assessment_type_id": ashby_assessment.ASSESSMENT_ID,
            "candidate": {
                "ashby_id": CANDIDATE,
                "first_name": "Adam",
                "last_name": "Hart",
                "email": "adam.hart@example.com",
            },
            "application": {"ashby_id": "23ad9d8c", "status": "Active"},
            "job": {"ashby_id": "3ae2b801", "name": "Software Engineer"},
        }
    )
    assert ashby_assessment.start_answer(started)["results"]["assessment_id"].endswith(":23ad9d8c")
    vendor.answer("POST", "/assessment.update", {"success": True})
    body = ashby_assessment.update_body(
        started, score=80, qualified=True, profile_url="https://ats-match.example/a/1", summary="ok"
    )
    import httpx

    with VendorClient(
        VendorConfig(vendor.url("/"), auth=httpx.BasicAuth("ashby-api-key", "")), fetcher
    ) as api:
        ashby_assessment.send_update(api, body)
    sent = vendor.calls("POST", "/assessment.update")[0].json()
    assert sent["assessment_result"]["value"] == 80 and sent["candidate_id"] == CANDIDATE
