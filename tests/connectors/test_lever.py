"""Lever: the body-carried signature over token + triggeredAt, the freshness window, and the
ids-only delivery read back through a loopback Lever API (opportunity, application, posting,
contact, resumes and files), plus note / tag write-back."""

from __future__ import annotations

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
from connectors.lever import LeverConnector
from tests.connectors.helpers import NoSleep, fixture, hex_hmac, rehost
from tests.support.vendor_server import VendorServer, rate_limited

SIGNATURE_TOKEN = "lever-signature-token-for-applicationCreated"
LEVER = "https://api.lever.co"
OPP = "1bd11d54-9d97-444a-a4e3-1cd56ceedbc5"
APP = "cdb8a3a1-5b7e-4d1c-9f0a-2e3d4c5b6a71"


class Delivery:
    def __init__(self, body: bytes) -> None:
        self.body = body


def _signed(
    name: str = "applicationCreated.json", *, at_ms: int | None = None, token: str = SIGNATURE_TOKEN
) -> bytes:
    envelope = fixture("lever", name)
    envelope["triggeredAt"] = at_ms if at_ms is not None else int(time.time() * 1000)
    envelope["signature"] = hex_hmac(
        token, f"{envelope['token']}{envelope['triggeredAt']}".encode()
    )
    return json.dumps(envelope).encode()


def _integration(server: VendorServer) -> Integration:
    return Integration(
        organization_id=uuid.uuid4(),
        vendor="lever",
        name="Lever",
        webhook_secret=SIGNATURE_TOKEN,
        api_token="lever-api-key",
        settings={"api_base_url": server.url("/v1/"), "perform_as": "df0a7c2a"},
    )


def _serve_lever(server: VendorServer, *first: Any) -> None:
    def local(name: str) -> Any:
        return rehost(fixture("lever", name), LEVER, server.base_url)

    server.answer("GET", f"/v1/opportunities/{OPP}", *first, local("opportunity.json"))
    server.answer("GET", f"/v1/opportunities/{OPP}/applications/{APP}", local("application.json"))
    server.answer("GET", "/v1/postings/f8b7dd19-1d9f-40f1-8090-e4a62e989e0b", local("posting.json"))
    server.answer("GET", "/v1/contacts/a356f90a-5c96-451c-845a-17cb181b45d0", local("contact.json"))
    server.answer("GET", f"/v1/opportunities/{OPP}/resumes", local("resumes.json"))
    server.answer("GET", f"/v1/opportunities/{OPP}/files", local("files.json"))
    server.file(
        f"/v1/opportunities/{OPP}/resumes/5e4f3a2b-1c0d-4e9f-8a7b-6c5d4e3f2a1b/download",
        b"resume docx bytes",
    )
    server.file(
        f"/v1/opportunities/{OPP}/files/6f5e4d3c-2b1a-4f0e-9d8c-7b6a5f4e3d2c/download",
        b"\x89PNG badge",
    )


def test_valid_signature() -> None:
    body = _signed()
    get_connector("lever").verify_signature({}, body, [SIGNATURE_TOKEN])


def test_bad_signature_and_wrong_token_are_refused() -> None:
    body = _signed(token="another-webhook's-token")
    with pytest.raises(BadSignature):
        get_connector("lever").verify_signature({}, body, [SIGNATURE_TOKEN])
    envelope = json.loads(_signed())
    envelope["triggeredAt"] += 1  # the signed material changed
    with pytest.raises(BadSignature):
        get_connector("lever").verify_signature(
            {}, json.dumps(envelope).encode(), [SIGNATURE_TOKEN]
        )


def test_stale_triggered_at_is_refused() -> None:
    hour_ago = int((time.time() - 3600) * 1000)
    with pytest.raises(BadSignature, match="tolerance"):
        LeverConnector().verify_signature({}, _signed(at_ms=hour_ago), [SIGNATURE_TOKEN])
    # ... and accepted by a clock that agrees with it
    LeverConnector(now=lambda: hour_ago / 1000).verify_signature(
        {}, _signed(at_ms=hour_ago), [SIGNATURE_TOKEN]
    )


def test_event_id_type_and_success_code() -> None:
    connector = get_connector("lever")
    body = _signed()
    payload = json.loads(body)
    assert connector.event_id({}, body) == "c8c4f2f0-5a3b-4a3e-9c0d-3f1f0b6e8a21"
    assert connector.event_type({}, payload) == "applicationCreated"
    assert connector.thin_payload and connector.describes_application(payload)
    assert connector.success_status == 200


def test_unknown_event_carries_no_application(vendor: VendorServer, fetcher: Any) -> None:
    connector = get_connector("lever")
    payload = json.loads(_signed("interviewCreated.json"))
    assert not connector.describes_application(payload)
    assert connector.parse_application(payload) is None
    assert (
        application_from_delivery(
            _integration(vendor), Delivery(_signed("interviewCreated.json")), fetcher
        )
        is None
    )
    assert vendor.requests == []  # nothing fetched for an event we do not ingest


def test_thin_payload_is_read_back_through_the_api(vendor: VendorServer, fetcher: Any) -> None:
    _serve_lever(vendor, rate_limited(1))
    sleep = NoSleep()
    parsed = application_from_delivery(
        _integration(vendor), Delivery(_signed()), fetcher, sleep=sleep
    )
    assert parsed is not None
    assert sleep.pauses == [1.0]
    assert parsed.application_external_id == APP
    assert parsed.candidate_external_id == OPP
    assert parsed.candidate_name == "Shane Smith"
    assert parsed.candidate_emails == ("shane@example.com", "shane.smith@example.org")
    assert (parsed.job_external_id, parsed.job_title) == (
        "f8b7dd19-1d9f-40f1-8090-e4a62e989e0b",
        "Data Scientist",
    )
    assert parsed.applied_at is not None and parsed.applied_at.year == 2017
    assert [(a.filename, a.data) for a in parsed.attachments] == [
        ("Shane Smith resume.docx", b"resume docx bytes"),
        ("aws-badge.png", b"\x89PNG badge"),
    ]
    assert (
        "https://www.credly.com/badges/2f0c7a51-7f4c-4b8e-9a36-0c2d1e3f4a5b"
        in parsed.answers["links"]
    )
    assert parsed.answers["customQuestions"][0]["text"] == "Certifications"
    downloads = [r for r in vendor.requests if r.path.endswith("/download")]
    assert all(r.headers["authorization"].startswith("Basic ") for r in downloads)


def test_lever_down_then_back(vendor: VendorServer, fetcher: Any) -> None:
    _serve_lever(vendor)
    vendor.down_for = 3
    sleep = NoSleep()
    parsed = application_from_delivery(
        _integration(vendor), Delivery(_signed()), fetcher, sleep=sleep
    )
    assert parsed is not None and parsed.candidate_name == "Shane Smith"
    assert sleep.pauses == [0.5, 1.0, 2.0]


def test_files_redirected_off_the_api_host_need_an_allowed_host(
    vendor: VendorServer, fetcher: Any
) -> None:
    from tests.support.vendor_server import Answer

    _serve_lever(vendor)
    vendor.answer(
        "GET",
        f"/v1/opportunities/{OPP}/files/6f5e4d3c-2b1a-4f0e-9d8c-7b6a5f4e3d2c/download",
        Answer(None, 302, {"Location": "http://localhost:9/elsewhere.png"}),
    )
    parsed = application_from_delivery(_integration(vendor), Delivery(_signed()), fetcher)
    assert parsed is not None
    assert [a.filename for a in parsed.attachments if a.data] == ["Shane Smith resume.docx"]
    assert "not allowed" in parsed.answers["refused_attachments"][0]["reason"]


def test_write_back_note_and_tags(vendor: VendorServer, fetcher: Any) -> None:
    vendor.answer("POST", f"/v1/opportunities/{OPP}/addTags", {"data": {"id": OPP}})
    vendor.answer("POST", f"/v1/opportunities/{OPP}/notes", {"data": {"noteId": "n1"}})
    result = ResultSummary(APP, OPP, 64.0, False, "1 of 2 required credentials verified")
    assert write_back(_integration(vendor), result, fetcher)
    tags = vendor.calls("POST", f"/v1/opportunities/{OPP}/addTags")[0]
    assert tags.json() == {"tags": ["credentials-not-qualified"]}
    assert tags.query == {"perform_as": "df0a7c2a"}
    note = vendor.calls("POST", f"/v1/opportunities/{OPP}/notes")[0].json()
    assert "64.0 / 100" in note["value"]


def test_ids_only_vendor_without_an_api_key_is_a_clear_configuration_error(
    vendor: VendorServer, fetcher: Any
) -> None:
    from connectors.vendor_http import IntegrationNotReady

    integration = _integration(vendor)
    integration.api_token = None
    with pytest.raises(IntegrationNotReady, match="needs an API key") as caught:
        application_from_delivery(integration, Delivery(_signed()), fetcher)
    assert caught.value.status_code == 409


def test_a_vendor_refusal_is_a_domain_error_with_the_vendor_status(
    vendor: VendorServer, fetcher: Any
) -> None:
    from connectors.vendor_http import VendorApiError
    from tests.support.vendor_server import Answer

    vendor.answer("GET", f"/v1/opportunities/{OPP}", Answer({"code": "NotFound"}, 404))
    with pytest.raises(VendorApiError) as caught:
        application_from_delivery(_integration(vendor), Delivery(_signed()), fetcher)
    assert (caught.value.status, caught.value.status_code) == (404, 502)
    assert len(vendor.calls("GET")) == 1  # a 404 is not retried
