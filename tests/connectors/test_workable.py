"""Workable: X-Workable-Signature over the raw body, the documented candidate object, the resume
downloaded at once from an allowed host, comments and tags written back."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from ats_match.errors import BadSignature
from ats_match.models import Integration
from connectors import get_connector
from connectors.base import ResultSummary
from connectors.intake import application_from_delivery, write_back
from tests.connectors.helpers import NoSleep, fixture, hex_hmac, raw_fixture, rehost
from tests.support.vendor_server import VendorServer, rate_limited

TOKEN = "workable-account-api-token-0123"
S3 = "https://workable.s3.amazonaws.com"
RESUME = "/uploads/resumes/ce4da98/lakita_marrero_resume.pdf"


class Delivery:
    def __init__(self, body: bytes) -> None:
        self.body = body


def _integration(server: VendorServer, file_hosts: list[str] | None = None) -> Integration:
    return Integration(
        organization_id=uuid.uuid4(),
        vendor="workable",
        name="Workable",
        webhook_secret=TOKEN,
        api_token=TOKEN,
        settings={
            "api_base_url": server.url("/spi/v3/"),
            "file_hosts": file_hosts if file_hosts is not None else ["127.0.0.1"],
            "member_id": "13e0e4",
        },
    )


def test_valid_and_bad_signatures() -> None:
    body = raw_fixture("workable", "candidate_created.json")
    connector = get_connector("workable")
    connector.verify_signature({"x-workable-signature": hex_hmac(TOKEN, body)}, body, [TOKEN])
    with pytest.raises(BadSignature):
        connector.verify_signature({"x-workable-signature": hex_hmac("other", body)}, body, [TOKEN])
    with pytest.raises(BadSignature):
        connector.verify_signature({}, body, [TOKEN])


def test_documented_candidate_is_mapped() -> None:
    connector = get_connector("workable")
    payload = fixture("workable", "candidate_created.json")
    assert connector.event_id({}, json.dumps(payload).encode()) == payload["id"]
    assert connector.event_type({}, payload) == "candidate_created"
    parsed = connector.parse_application(payload)
    assert parsed is not None
    assert (parsed.candidate_external_id, parsed.candidate_name) == ("ce4da98", "Lakita Marrero")
    assert parsed.candidate_emails == ("lakita_marrero@gmail.com",)
    assert (parsed.job_external_id, parsed.job_title) == ("GROOV005", "Sales Intern")
    assert "credly.com/badges" in parsed.answers["cover_letter"]
    assert (
        parsed.attachments[0].vendor_file
        and parsed.attachments[0].filename == "lakita_marrero_resume.pdf"
    )


def test_unknown_event_carries_no_application() -> None:
    assert (
        get_connector("workable").parse_application(fixture("workable", "candidate_deleted.json"))
        is None
    )


def test_resume_downloaded_and_host_not_allowed_refused(vendor: VendorServer, fetcher: Any) -> None:
    vendor.file(RESUME, b"%PDF-1.4 resume")
    body = json.dumps(
        rehost(fixture("workable", "candidate_created.json"), S3, vendor.base_url)
    ).encode()
    parsed = application_from_delivery(_integration(vendor), Delivery(body), fetcher)
    assert parsed is not None and parsed.attachments[0].data == b"%PDF-1.4 resume"
    elsewhere = _integration(vendor, ["*.s3.amazonaws.com"])
    elsewhere.settings["api_base_url"] = (
        "https://groove-tech.workable.com/spi/v3/"  # not the file host
    )
    refused = application_from_delivery(elsewhere, Delivery(body), fetcher)
    assert refused is not None and refused.attachments == ()
    assert refused.answers["refused_attachments"][0]["filename"] == "lakita_marrero_resume.pdf"
    assert len(vendor.calls("GET", RESUME)) == 1  # the refused one never reached the server


def test_write_back_comment_and_tags(vendor: VendorServer, fetcher: Any) -> None:
    vendor.answer(
        "GET",
        "/spi/v3/candidates/ce4da98",
        rate_limited(1),
        {"candidate": {"id": "ce4da98", "tags": ["sales"]}},
    )
    vendor.answer("PUT", "/spi/v3/candidates/ce4da98/tags", None)
    vendor.answer("POST", "/spi/v3/candidates/ce4da98/comments", {"id": "c1"})
    sleep = NoSleep()
    result = ResultSummary("ce4da98", "ce4da98", 91.0, True, "All required credentials verified")
    assert write_back(_integration(vendor), result, fetcher, sleep=sleep)
    assert sleep.pauses == [1.0]
    assert vendor.calls("PUT")[0].json() == {"tags": ["sales", "credentials-qualified"]}
    comment = vendor.calls("POST", "/spi/v3/candidates/ce4da98/comments")[0]
    assert comment.json()["member_id"] == "13e0e4"
    assert "91.0 / 100" in comment.json()["comment"]["body"]
    assert comment.headers["authorization"] == f"Bearer {TOKEN}"
