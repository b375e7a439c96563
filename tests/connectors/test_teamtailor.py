"""Teamtailor: the body-carried base64(hex HMAC) signature over the payload, the documented
envelope, the application read back with its candidate and job (JSON:API include) and the
resume downloaded at once; note / tag write-back."""

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
from connectors.teamtailor import top_level_members
from tests.connectors.helpers import NoSleep, fixture, hex_hmac, raw_fixture, rehost
from tests.support.vendor_server import VendorServer, rate_limited

KEY = "teamtailor-signature-key-0123456"
S3 = "https://teamtailor-production.s3.amazonaws.com"


class Delivery:
    def __init__(self, body: bytes) -> None:
        self.body = body


def _signed(name: str = "job_application_create.json", key: str = KEY) -> bytes:
    payload = json.dumps(fixture("teamtailor", name)["payload"], separators=(",", ":"))
    signature = base64.b64encode(hex_hmac(key, payload.encode()).encode()).decode()
    return ('{"payload":' + payload + ',"signature":"' + signature + '"}').encode()


def _integration(server: VendorServer) -> Integration:
    return Integration(
        organization_id=uuid.uuid4(),
        vendor="teamtailor",
        name="Teamtailor",
        webhook_secret=KEY,
        api_token="teamtailor-api-key",
        settings={"api_base_url": server.url("/v1/"), "file_hosts": ["127.0.0.1"]},
    )


def test_valid_and_bad_signatures() -> None:
    connector = get_connector("teamtailor")
    connector.verify_signature({}, _signed(), [KEY])
    with pytest.raises(BadSignature):
        connector.verify_signature({}, _signed(key="another-key"), [KEY])
    tampered = _signed().replace(b"Python", b"Pascal")
    with pytest.raises(BadSignature):
        connector.verify_signature({}, tampered, [KEY])


def test_documented_example_is_parsed_but_its_unpublished_key_cannot_verify() -> None:
    body = raw_fixture("teamtailor", "job_update_documented.json")
    members = top_level_members(body)
    assert json.loads(members["payload"])["event_name"] == "job.update"
    assert base64.b64decode(json.loads(members["signature"])).decode().isalnum()  # hex inside
    connector = get_connector("teamtailor")
    with pytest.raises(BadSignature):
        connector.verify_signature({}, body, [KEY])
    payload = json.loads(body)
    assert connector.event_type({}, payload) == "job.update"
    assert not connector.describes_application(payload)  # a job event: acknowledged, not ingested


def test_event_id_is_stable_for_a_redelivery() -> None:
    connector = get_connector("teamtailor")
    assert connector.event_id({}, _signed()) == connector.event_id({}, _signed())
    assert connector.describes_application(json.loads(_signed()))


def test_application_read_back_with_candidate_job_and_resume(
    vendor: VendorServer, fetcher: Any
) -> None:
    vendor.answer(
        "GET",
        "/v1/job-applications/25",
        rate_limited(1),
        rehost(fixture("teamtailor", "job_application.json"), S3, vendor.base_url),
    )
    vendor.file("/uploads/resume/11/erik_lindqvist_cv.pdf", b"%PDF cv")
    sleep = NoSleep()
    parsed = application_from_delivery(
        _integration(vendor), Delivery(_signed()), fetcher, sleep=sleep
    )
    assert parsed is not None and sleep.pauses == [1.0]
    assert (parsed.application_external_id, parsed.candidate_external_id) == ("25", "11")
    assert (parsed.candidate_name, parsed.candidate_emails) == (
        "Erik Lindqvist",
        ("erik.lindqvist@example.se",),
    )
    assert (parsed.job_external_id, parsed.job_title) == ("2", "IT Designer 1")
    assert [a.data for a in parsed.attachments] == [b"%PDF cv"]
    assert "credly.com/badges" in parsed.answers["pitch"]
    request = vendor.calls("GET", "/v1/job-applications/25")[-1]
    assert request.query == {"include": "candidate,job"}
    assert request.headers["authorization"] == "Token token=teamtailor-api-key"
    assert request.headers["x-api-version"] == "20240404"


def test_write_back_note_and_tags(vendor: VendorServer, fetcher: Any) -> None:
    vendor.answer("POST", "/v1/notes", {"data": {"id": "n1", "type": "notes"}})
    vendor.answer(
        "GET",
        "/v1/candidates/11",
        {"data": {"id": "11", "type": "candidates", "attributes": {"tags": ["stockholm"]}}},
    )
    vendor.answer("PATCH", "/v1/candidates/11", {"data": {"id": "11", "type": "candidates"}})
    result = ResultSummary("25", "11", 88.0, True, "2 of 2 required credentials verified")
    assert write_back(_integration(vendor), result, fetcher)
    note = vendor.calls("POST", "/v1/notes")[0].json()["data"]
    assert note["relationships"]["candidate"]["data"] == {"type": "candidates", "id": "11"}
    assert "88.0 / 100" in note["attributes"]["note"]
    tags = vendor.calls("PATCH", "/v1/candidates/11")[0].json()["data"]["attributes"]["tags"]
    assert tags == ["stockholm", "credentials-qualified"]
