"""SmartRecruiters: the vendor's own signing example verifies, rotation (several v1 entries),
stale timestamps, the X-Hook-Secret handshake, 202 within 5 s, and the thin body read back
through a loopback Customer API."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import pytest

from ats_match.errors import BadSignature
from ats_match.models import Integration
from connectors import get_connector
from connectors.base import ResultSummary
from connectors.intake import application_from_delivery, write_back
from connectors.smartrecruiters import SmartRecruitersConnector
from tests.connectors.helpers import NoSleep, fixture
from tests.support.vendor_server import VendorServer, rate_limited

KEY = "sr-subscription-secret-key-0123"
CANDIDATE = "9d1f8e2c-4b3a-4c5d-8e6f-7a8b9c0d1e2f"
JOB = "743999683791876"


class Delivery:
    def __init__(self, body: bytes) -> None:
        self.body = body


def _sign(body: bytes, headers: dict[str, str], *keys: str) -> dict[str, str]:
    fields = [headers["smartrecruiters-timestamp"].encode(), body] + [
        headers.get(h, "").encode() for h in ("event-id", "event-name", "event-version", "link")
    ]
    message = b".".join(fields)
    signature = ";".join(
        f"v1={hmac.new(k.encode(), message, hashlib.sha256).hexdigest()}" for k in keys
    )
    return {**headers, "smartrecruiters-signature": signature}


def _delivery_headers(body: bytes, *keys: str, at: int | None = None) -> dict[str, str]:
    headers = {
        "smartrecruiters-timestamp": str(at if at is not None else int(time.time())),
        "event-id": "6b1f9a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
        "event-name": "application.created",
        "event-version": "v201910",
        "link": f"<https://api.smartrecruiters.com/candidates/{CANDIDATE}/jobs/{JOB}>; rel=self",
    }
    return _sign(body, headers, *keys)


def _integration(server: VendorServer) -> Integration:
    return Integration(
        organization_id=uuid.uuid4(),
        vendor="smartrecruiters",
        name="SmartRecruiters",
        webhook_secret=KEY,
        api_token="sr-api-token",
        settings={"api_base_url": server.url("/"), "file_hosts": ["127.0.0.1"]},
    )


def test_the_vendors_published_signing_example_verifies() -> None:
    example = fixture("smartrecruiters", "signed_example.json")
    connector = SmartRecruitersConnector(now=lambda: 1574080897 + 30)
    connector.verify_signature(example["headers"], example["body"].encode(), [example["key"]])
    with pytest.raises(BadSignature):
        connector.verify_signature(example["headers"], example["body"].encode(), ["another-key"])


def test_rotation_either_key_and_bad_signature() -> None:
    body = json.dumps({"job_id": JOB, "candidate_id": CANDIDATE}).encode()
    connector = get_connector("smartrecruiters")
    headers = _delivery_headers(body, "old-key-still-active", KEY)
    connector.verify_signature(headers, body, [KEY])
    connector.verify_signature(headers, body, ["old-key-still-active"])
    tampered = {**headers, "event-name": "candidate.deleted"}  # headers are signed too
    with pytest.raises(BadSignature):
        connector.verify_signature(tampered, body, [KEY])


def test_stale_timestamp_is_refused() -> None:
    body = json.dumps({"job_id": JOB, "candidate_id": CANDIDATE}).encode()
    with pytest.raises(BadSignature, match="tolerance"):
        get_connector("smartrecruiters").verify_signature(
            _delivery_headers(body, KEY, at=int(time.time()) - 3600), body, [KEY]
        )


def test_contract_202_in_5_seconds_event_id_and_handshake() -> None:
    connector = get_connector("smartrecruiters")
    assert (connector.success_status, connector.response_deadline_seconds) == (202, 5.0)
    body = b'{"job_id":"jid","candidate_id":"cid"}'
    headers = _delivery_headers(body, KEY)
    assert connector.event_id(headers, body) == "6b1f9a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
    assert connector.event_type(headers, {}) == "application.created"
    assert connector.handshake({"x-hook-secret": "4jn8fs9011jj8"}, b"") == {
        "X-Hook-Secret": "4jn8fs9011jj8"
    }
    assert connector.handshake(headers, body) is None
    assert connector.describes_application({"job_id": "j", "candidate_id": "c"})
    assert not connector.describes_application({"id": "job-only"})


def test_thin_payload_read_back_through_the_api(vendor: VendorServer, fetcher: Any) -> None:
    vendor.answer(
        "GET",
        f"/candidates/{CANDIDATE}",
        rate_limited(1),
        fixture("smartrecruiters", "candidate.json"),
    )
    vendor.answer(
        "GET", f"/candidates/{CANDIDATE}/jobs/{JOB}", fixture("smartrecruiters", "application.json")
    )
    vendor.answer("GET", f"/jobs/{JOB}", fixture("smartrecruiters", "job.json"))
    vendor.answer(
        "GET",
        f"/candidates/{CANDIDATE}/jobs/{JOB}/screening-answers",
        fixture("smartrecruiters", "screening_answers.json"),
    )
    vendor.answer(
        "GET",
        f"/candidates/{CANDIDATE}/attachments",
        fixture("smartrecruiters", "attachments.json"),
    )
    vendor.file(f"/candidates/{CANDIDATE}/attachments/att-1", b"%PDF cv")
    sleep = NoSleep()
    body = json.dumps({"job_id": JOB, "candidate_id": CANDIDATE}).encode()
    parsed = application_from_delivery(_integration(vendor), Delivery(body), fetcher, sleep=sleep)
    assert parsed is not None and sleep.pauses == [1.0]
    assert parsed.application_external_id == "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
    assert (parsed.candidate_name, parsed.candidate_emails) == (
        "Maria Lopez",
        ("maria.lopez@example.com",),
    )
    assert (parsed.job_external_id, parsed.job_title) == (JOB, "Data Analyst")
    assert [(a.filename, a.data) for a in parsed.attachments] == [
        ("Maria_Lopez_CV.pdf", b"%PDF cv")
    ]
    assert any("credly.com/badges" in link for link in parsed.answers["links"])
    assert all(r.headers["x-smarttoken"] == "sr-api-token" for r in vendor.requests)


def test_unknown_event_is_not_fetched(vendor: VendorServer, fetcher: Any) -> None:
    parsed = application_from_delivery(
        _integration(vendor), Delivery(b'{"id":"743999683791876"}'), fetcher
    )
    assert parsed is None and vendor.requests == []


def test_write_back_tags_and_comment(vendor: VendorServer, fetcher: Any) -> None:
    vendor.answer("GET", f"/candidates/{CANDIDATE}", fixture("smartrecruiters", "candidate.json"))
    vendor.answer("PUT", f"/candidates/{CANDIDATE}/tags", None)
    vendor.answer("POST", f"/candidates/{CANDIDATE}/comments", {"id": "c1"})
    result = ResultSummary(
        "a1b2c3d4", CANDIDATE, 55.0, False, "1 of 3 required credentials verified"
    )
    assert write_back(_integration(vendor), result, fetcher)
    assert vendor.calls("PUT")[0].json() == {"tags": ["madrid", "credentials-not-qualified"]}
    assert "55.0 / 100" in vendor.calls("POST")[0].json()["content"]
