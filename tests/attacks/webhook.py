"""The signed webhook door for the attack cases: a generic-vendor integration created through
the integrations API, and deliveries signed with the secret it returned."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest

from tests.intake.conftest import Recruiter

Send = Callable[[bytes], httpx.Response]


def application_event(
    name: object = "Grace Hopper", attachment: object = None, job_title: str = "Engineer"
) -> bytes:
    """A generic-vendor event, well formed apart from what the case makes hostile."""
    candidate = {"id": "cand-77", "name": name, "email": "grace@navy.example"}
    application: dict[str, object] = {"id": f"app-{uuid.uuid4().hex[:8]}"}
    if attachment is not None:
        application["attachments"] = [attachment]
    data = {
        "application": application,
        "candidate": candidate,
        "job": {"id": "job-9", "title": job_title},
    }
    return json.dumps({"type": "application.created", "data": data}).encode()


def signed_headers(secret: str, body: bytes) -> dict[str, str]:
    """Standard Webhooks headers over the raw bytes (the library's signer wants text, and one
    case is not UTF-8): ``v1,`` base64 HMAC-SHA256 of ``id.timestamp.body``."""
    msg_id, stamp = f"msg_{uuid.uuid4().hex}", str(int(time.time()))
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
        "content-type": "application/json",
    }


@pytest.fixture
def webhook(recruiter: Recruiter) -> Iterator[Send]:
    created = recruiter.client.post(
        "/api/v1/integrations",
        json={"name": "Our ATS", "vendor": "generic"},
        headers=recruiter.auth,
    )
    assert created.status_code == 201, created.text
    integration, secret = created.json()["id"], created.json()["webhook_secret"]

    def send(body: bytes) -> httpx.Response:
        return recruiter.client.post(
            f"/webhooks/{integration}", content=body, headers=signed_headers(secret, body)
        )

    yield send
