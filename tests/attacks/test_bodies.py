"""Deep and huge bodies on the two doors that take them: the signed webhook endpoint (signed
with the secret the integrations API returned, so only the body is hostile) and
``POST /api/v1/applications``. Each must be refused with a readable 4xx, or taken (202) and
then end as a handled delivery with a typed reason; never a 500, never a worker crash."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest

from ats_match.models import Credential, DeliveryStatus, WebhookDelivery
from tests.attacks.webhook import application_event as _application
from tests.intake.conftest import Recruiter

pytestmark = pytest.mark.attack("bodies")

MB = 1024 * 1024


WEBHOOK_BODIES: dict[str, Callable[[], bytes]] = {
    "webhook-deep-arrays-100k": lambda: b"[" * 100_000 + b"]" * 100_000,
    "webhook-deep-objects-over-limit": lambda: b'{"a":' * 80 + b"1" + b"}" * 80,
    "webhook-deep-inside-valid-event": lambda: _application(json.loads("[" * 70 + "]" * 70)),
    "webhook-deep-inline-credential": lambda: _application(
        attachment={"filename": "b.json", "content_json": json.loads('{"a":' * 60 + "1" + "}" * 60)}
    ),
    "webhook-body-over-cap": lambda: b'{"pad": "' + b"x" * (6 * MB) + b'"}',
    "webhook-huge-integer": lambda: b'{"event": ' + b"9" * 100_000 + b"}",
    "webhook-many-keys": lambda: json.dumps({f"k{i}": i for i in range(200_000)}).encode(),
    "webhook-huge-candidate-name": lambda: _application("A" * (4 * MB)),
    "webhook-huge-job-title": lambda: _application(job_title="T" * 100_000),
    "webhook-not-utf8": lambda: b'{"event": "\xff\xfe"}',
}


@dataclass
class Upload:
    files: list[tuple[str, bytes, str]]
    links: list[str] | None = None
    name: str = "Ada Lovelace"


UPLOADS: dict[str, Callable[[], Upload]] = {
    "upload-deep-json-file": lambda: Upload([("deep.json", b"[" * 100_000 + b"]" * 100_000, "")]),
    "upload-deep-objects-file": lambda: Upload(
        [("deep.json", b'{"a":' * 80 + b"1" + b"}" * 80, "application/json")]
    ),
    "upload-file-over-cap": lambda: Upload([("big.json", b"{" + b" " * (11 * MB) + b"}", "")]),
    "upload-total-over-cap": lambda: Upload(
        [(f"p{i}.json", b"{" + b" " * (9 * MB) + b"}", "") for i in range(3)]
    ),
    "upload-too-many-links": lambda: Upload(
        [], links=[f"https://x.example/{i}" for i in range(60)]
    ),
    "upload-huge-candidate-name": lambda: Upload(
        [("a.json", b"{}", "application/json")], name="A" * 100_000
    ),
}
CASES = {**WEBHOOK_BODIES, **UPLOADS}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_body_is_refused_or_handled(
    case: str, recruiter: Recruiter, webhook: Callable[[bytes], httpx.Response]
) -> None:
    if case in WEBHOOK_BODIES:
        response = webhook(WEBHOOK_BODIES[case]())
    else:
        upload = UPLOADS[case]()
        response = recruiter.upload(upload.files, links=upload.links, candidate_name=upload.name)
    assert response.status_code in (202, 413, 422), (response.status_code, response.text[:300])
    if response.status_code != 202:
        assert response.json().get("detail") or response.json().get("error"), response.text[:300]
        return
    recruiter.run_worker()
    if case in UPLOADS:  # the file is taken, and refused as a credential with a typed reason
        [credential] = recruiter.rows(Credential)
        assert credential.error_code == "unsafe_document", credential.error_code
    for row in recruiter.rows(WebhookDelivery):
        assert row.status in (DeliveryStatus.PROCESSED, DeliveryStatus.FAILED), row.status
        if row.status == DeliveryStatus.FAILED:
            assert row.error and "Traceback" not in row.error, row.error
