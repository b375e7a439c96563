"""The webhook path is answered before the framework (``web.ingest_asgi``): its answers keep the
API's one error shape and the framework's own answers for everything it does not take."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

from ats_match.models import WebhookDelivery
from tests.webhooks.conftest import Admin, standard_headers

APPLICATION = {
    "type": "application.created",
    "data": {
        "application": {"id": "a-front"},
        "candidate": {"id": "c-front", "email": "ada@x.example"},
        "job": {"id": "j-front", "title": "Analyst"},
    },
}


def _generic(admin: Admin) -> tuple[str, str]:
    created = admin.create(name="ATS", vendor="generic")
    return created["id"], created["webhook_secret"]


def test_a_delivery_is_stored_and_answered_with_its_ack(admin: Admin) -> None:
    integration, secret = _generic(admin)
    body = json.dumps(APPLICATION).encode()
    response = admin.client.post(
        f"/webhooks/{integration}", content=body, headers=standard_headers(secret, body, "m-1")
    )
    assert response.status_code == 202
    assert response.headers["content-type"] == "application/json"
    ack = response.json()
    assert set(ack) == {"delivery_id", "duplicate", "status"}
    assert ack["duplicate"] is False and ack["status"] == "received"
    [row] = admin.rows(WebhookDelivery, integration_id=uuid.UUID(integration))
    assert str(row.id) == ack["delivery_id"] and row.body == body
    assert row.headers["webhook-id"] == "m-1"  # stored as JSON on both databases


def test_an_id_that_is_no_uuid_and_an_unknown_integration_are_404s(admin: Admin) -> None:
    for path in ("/webhooks/not-a-uuid", f"/webhooks/{uuid.uuid4()}"):
        response = admin.client.post(path, content=b"{}")
        assert response.status_code == 404
        assert response.json() == {
            "error": "not_found",
            "detail": "no active integration with this id",
        }


def test_a_bad_signature_is_a_401_in_the_api_shape(admin: Admin) -> None:
    integration, _ = _generic(admin)
    body = json.dumps(APPLICATION).encode()
    wrong = standard_headers("whsec_" + "QUJD" * 8, body)
    response = admin.client.post(f"/webhooks/{integration}", content=body, headers=wrong)
    assert response.status_code == 401
    assert response.json()["error"] == "bad_signature"
    assert admin.rows(WebhookDelivery, integration_id=uuid.UUID(integration)) == []


def test_a_chunked_body_over_the_limit_is_a_413_without_a_declared_length(
    admin: Admin,
) -> None:
    integration, _ = _generic(admin)

    def chunks() -> Iterator[bytes]:
        for _ in range(7):
            yield b" " * (1024 * 1024)

    response = admin.client.post(f"/webhooks/{integration}", content=chunks())
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_other_methods_and_deeper_paths_are_the_frameworks(admin: Admin) -> None:
    integration, _ = _generic(admin)
    assert admin.client.get(f"/webhooks/{integration}").status_code == 405
    assert admin.client.post(f"/webhooks/{integration}/extra", content=b"{}").status_code == 404
