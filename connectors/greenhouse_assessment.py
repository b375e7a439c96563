"""Greenhouse Assessment Partner API: our credential score shown natively in Greenhouse.

Greenhouse calls the partner (us), with HTTP Basic auth whose user name is the partner API key
the customer pasted into Greenhouse:

- ``GET list_tests`` -> ``[{"partner_test_id", "partner_test_name"}]``;
- ``POST send_test`` with ``{partner_test_id, candidate: {first_name, last_name, email,
  greenhouse_profile_url, url, ...}}`` -> ``{"partner_interview_id"}``;
- ``GET test_status?partner_interview_id=...`` -> ``{partner_status, partner_profile_url,
  partner_score, metadata}`` (``complete`` once a score exists).

When a score is ready we ``PATCH`` the ``url`` Greenhouse gave in ``send_test`` (no body) so it
asks ``test_status`` at once instead of polling.

The ``partner_interview_id`` is stateless: the order (application id, test id, completion URL)
signed with a key derived from the app's secret key and the integration id, so no table is
needed and an id from one integration is refused by another.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ats_match.errors import InvalidInput, NotFound
from connectors.base import VendorApi

CREDENTIAL_TEST_ID = "ats-match-credentials"
CREDENTIAL_TEST_NAME = "Verified credentials (ats-match)"


@dataclass(frozen=True)
class TestOrder:
    """One ``send_test`` request, as far as we need it later."""

    application_external_id: str
    partner_test_id: str
    email: str
    completion_url: str | None


@dataclass(frozen=True)
class ScoreView:
    score: float
    """0..100, as the product stores ``Score.normalised``."""
    qualified: bool
    summary: str


def list_tests() -> list[dict[str, str]]:
    return [{"partner_test_id": CREDENTIAL_TEST_ID, "partner_test_name": CREDENTIAL_TEST_NAME}]


def read_send_test(body: Mapping[str, Any]) -> TestOrder:
    """The order in a ``send_test`` body; the application id comes from the profile URL."""
    candidate = body.get("candidate")
    if not isinstance(candidate, Mapping):
        raise InvalidInput("send_test needs a candidate object")
    if str(body.get("partner_test_id") or "") != CREDENTIAL_TEST_ID:
        raise NotFound(f"no test with id {body.get('partner_test_id')!r}")
    profile = str(candidate.get("greenhouse_profile_url") or "")
    application_ids = parse_qs(urlsplit(profile).query).get("application_id")
    if not application_ids:
        raise InvalidInput("greenhouse_profile_url carries no application_id")
    url = candidate.get("url")
    return TestOrder(
        application_external_id=application_ids[0],
        partner_test_id=CREDENTIAL_TEST_ID,
        email=str(candidate.get("email") or ""),
        completion_url=str(url) if url else None,
    )


def interview_id(key: bytes, order: TestOrder) -> str:
    """The stateless ``partner_interview_id`` for ``order``."""
    raw = json.dumps(
        [order.application_external_id, order.partner_test_id, order.email, order.completion_url],
        separators=(",", ":"),
    ).encode()
    body = base64.urlsafe_b64encode(raw).rstrip(b"=")
    tag = base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha256).digest()[:16]).rstrip(b"=")
    return (body + b"." + tag).decode()


def read_interview_id(key: bytes, value: str) -> TestOrder:
    body, _, tag = value.encode().partition(b".")
    expected = base64.urlsafe_b64encode(hmac.new(key, body, hashlib.sha256).digest()[:16])
    if not hmac.compare_digest(expected.rstrip(b"="), tag):
        raise NotFound("unknown partner_interview_id")
    try:
        fields = json.loads(base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4)))
        application, test, email, url = fields
    except (ValueError, binascii.Error, TypeError) as exc:
        raise NotFound("unknown partner_interview_id") from exc
    return TestOrder(str(application), str(test), str(email), url)


def order_key(secret_key: str, integration_id: str) -> bytes:
    return hmac.new(
        secret_key.encode(), f"greenhouse-assessment:{integration_id}".encode(), hashlib.sha256
    ).digest()


def test_status(score: ScoreView | None, profile_url: str) -> dict[str, Any]:
    """The ``test_status`` answer: ``complete`` with the score once one exists."""
    if score is None:
        return {"partner_status": "sent"}
    return {
        "partner_status": "complete",
        "partner_profile_url": profile_url,
        "partner_score": round(score.score, 1),
        "metadata": {
            "Qualified": "yes" if score.qualified else "no",
            "Summary": score.summary[:500],
        },
    }


def mark_completed(api: VendorApi, order: TestOrder) -> bool:
    """``PATCH`` the completion URL so Greenhouse reads ``test_status`` now (if it gave one)."""
    if not order.completion_url:
        return False
    api.send_json("PATCH", order.completion_url)
    return True


def partner_key_matches(authorization: str, expected_sha256: str) -> bool:
    """Greenhouse sends ``Basic base64(key + ":")``; we keep only the key's SHA-256."""
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic" or not expected_sha256:
        return False
    try:
        user = base64.b64decode(encoded, validate=True).decode().split(":", 1)[0]
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    digest = hashlib.sha256(user.encode()).hexdigest()
    return hmac.compare_digest(digest, expected_sha256)
