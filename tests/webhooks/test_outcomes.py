"""Nothing lost, nothing duplicated: every delivery is stored with its outcome, and the answer
says what happened (the vendor shows 4xx answers to its admins)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from ats_match.models import WebhookDelivery
from tests.connectors.helpers import hex_hmac, raw_fixture
from tests.webhooks.conftest import Admin, standard_headers


def _generic(admin: Admin) -> tuple[str, str]:
    created = admin.create(name="ATS", vendor="generic")
    return created["id"], created["webhook_secret"]


def _post(admin: Admin, integration: str, secret: str, payload: Any, msg_id: str | None = None):  # type: ignore[no-untyped-def]
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return admin.client.post(
        f"/webhooks/{integration}", content=body, headers=standard_headers(secret, body, msg_id)
    )


APPLICATION = {
    "type": "application.created",
    "data": {
        "application": {"id": "a-1"},
        "candidate": {"id": "c-1", "email": "ada@x.example"},
        "job": {"id": "j-1", "title": "Analyst"},
    },
}


def test_an_application_without_its_id_is_stored_refused_and_listed(admin: Admin) -> None:
    integration, secret = _generic(admin)
    payload = json.loads(json.dumps(APPLICATION))
    del payload["data"]["application"]["id"]

    response = _post(admin, integration, secret, payload)

    assert response.status_code == 422
    assert "'id' is required" in response.json()["detail"]
    [logged] = admin.deliveries(integration)
    assert logged["status"] == "rejected" and "'id' is required" in logged["error"]
    assert json.loads(logged["body"]) == payload  # the raw body is kept for the admin
    assert admin.deliveries(integration, status="rejected") == [logged]


def test_an_application_event_without_an_application_is_refused(admin: Admin) -> None:
    integration, secret = _generic(admin)
    response = _post(admin, integration, secret, {"type": "application.created", "data": {}})
    assert response.status_code == 422
    assert admin.deliveries(integration)[0]["status"] == "rejected"


def test_an_unknown_event_is_acknowledged_and_recorded(admin: Admin) -> None:
    integration, secret = _generic(admin)
    response = _post(admin, integration, secret, {"type": "job.archived", "data": {"id": "j"}})
    assert response.status_code == 202 and response.json()["status"] == "ignored"
    [logged] = admin.deliveries(integration)
    assert (logged["event_type"], logged["status"]) == ("job.archived", "ignored")
    assert logged["handled_at"] is not None  # nothing left for the worker


def test_a_reused_event_id_with_another_body_is_a_visible_conflict(admin: Admin) -> None:
    integration, secret = _generic(admin)
    first = _post(admin, integration, secret, APPLICATION, "evt-1")
    other = json.loads(json.dumps(APPLICATION))
    other["data"]["candidate"]["name"] = "Someone Else"

    conflict = _post(admin, integration, secret, other, "evt-1")
    again = _post(admin, integration, secret, other, "evt-1")

    assert first.status_code == 202
    assert conflict.status_code == 409, conflict.text
    assert conflict.json()["conflict_of"] == first.json()["delivery_id"]
    assert again.status_code == 409 and again.json()["duplicate"] is True
    logged = {d["status"]: d for d in admin.deliveries(integration)}
    assert set(logged) == {"received", "conflict"}
    assert logged["conflict"]["conflict_of"] == first.json()["delivery_id"]
    assert json.loads(logged["conflict"]["body"]) == other  # the content is not lost


def test_three_redeliveries_store_one_row(admin: Admin) -> None:
    integration, secret = _generic(admin)
    answers = [_post(admin, integration, secret, APPLICATION, "evt-r") for _ in range(3)]
    assert [a.json()["duplicate"] for a in answers] == [False, True, True]
    assert len(admin.rows(WebhookDelivery, integration_id=uuid.UUID(integration))) == 1


@pytest.mark.parametrize("depth", [65, 100_000])
def test_over_deep_json_is_422_not_500(admin: Admin, depth: int) -> None:
    integration, secret = _generic(admin)
    body = b'{"a":' * depth + b"1" + b"}" * depth
    response = _post(admin, integration, secret, body)
    assert response.status_code == 422
    assert "nested deeper than 64" in response.json()["detail"]


def test_json_at_the_depth_limit_is_accepted(admin: Admin) -> None:
    integration, secret = _generic(admin)
    nested: Any = {"leaf": 1}
    for _ in range(60):
        nested = {"n": nested}
    response = _post(admin, integration, secret, {"type": "other", "data": nested})
    assert response.status_code == 202


def test_oversized_body_is_a_readable_413(admin: Admin) -> None:
    integration, _ = _generic(admin)
    big = b"{" + b" " * (6 * 1024 * 1024) + b"}"
    response = admin.client.post(f"/webhooks/{integration}", content=big)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert admin.rows(WebhookDelivery, integration_id=uuid.UUID(integration)) == []


def test_a_disabled_integration_refuses_deliveries(admin: Admin) -> None:
    integration, secret = _generic(admin)
    assert _post(admin, integration, secret, APPLICATION).status_code == 202
    deleted = admin.client.delete(f"/api/v1/integrations/{integration}", headers=admin.auth)
    assert deleted.status_code == 204
    assert _post(admin, integration, secret, APPLICATION, "evt-2").status_code == 404


def test_smartrecruiters_subscription_handshake_is_echoed(admin: Admin) -> None:
    created = admin.create(name="SR", vendor="smartrecruiters", webhook_secret="s" * 32)
    response = admin.client.post(
        f"/webhooks/{created['id']}", content=b"", headers={"x-hook-secret": "4jn8fs9011jj8"}
    )
    assert response.status_code == 200
    assert response.headers["x-hook-secret"] == "4jn8fs9011jj8"


def test_greenhouse_ping_is_answered_200_and_recorded(admin: Admin) -> None:
    secret = "greenhouse-secret-key-0123456789"
    created = admin.create(name="GH", vendor="greenhouse", webhook_secret=secret)
    body = json.dumps({"action": "ping", "payload": {"web_hook_id": 1}}).encode()
    headers = {"signature": f"sha256 {hex_hmac(secret, body)}"}
    response = admin.client.post(f"/webhooks/{created['id']}", content=body, headers=headers)
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert raw_fixture("greenhouse", "new_candidate_application.json")  # fixture present


def test_bad_signature_stores_nothing(admin: Admin) -> None:
    integration, _ = _generic(admin)
    response = _post(
        admin, integration, "whsec_" + "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==", APPLICATION
    )
    assert response.status_code == 401
    assert admin.rows(WebhookDelivery, integration_id=uuid.UUID(integration)) == []
