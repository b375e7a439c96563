"""Inbound webhooks: stored before acknowledged, idempotent, signed, bounded."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import DeliveryStatus, Organization, TaskOutbox, WebhookDelivery
from ats_match.settings import get_settings
from ats_match.webhook_signing import sign
from tests.factories import make_integration, make_org

SECRET = "whsec_" + "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0"


@pytest.fixture
def integration_id(database_url: str) -> uuid.UUID:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        integration = make_integration(session, make_org(session), secret=SECRET)
        session.commit()
        found = integration.id
    engine.dispose()
    return found


def _post(
    client: TestClient,
    integration_id: uuid.UUID,
    body: bytes,
    msg_id: str,
    secret: str = SECRET,
    timestamp: int | None = None,
):  # type: ignore[no-untyped-def]
    ts = timestamp or int(time.time())
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sign(secret, msg_id, ts, body),
        "content-type": "application/json",
    }
    return client.post(f"/webhooks/{integration_id}", content=body, headers=headers)


def _rows(database_url: str, model, **where):  # type: ignore[no-untyped-def]
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        statement = select(model)
        for key, value in where.items():
            statement = statement.where(col(getattr(model, key)) == value)
        rows = session.exec(statement).all()
    engine.dispose()
    return rows


BODY = json.dumps(
    {
        "type": "application.created",
        "data": {
            "application": {"id": "app-1"},
            "candidate": {"id": "c-1", "email": "a@b.example"},
            "job": {"id": "job-1", "title": "Analyst"},
        },
    }
).encode()


def test_delivery_is_committed_before_the_acknowledgement(
    client: TestClient, integration_id: uuid.UUID, database_url: str
) -> None:
    response = _post(client, integration_id, BODY, "msg-1")
    assert response.status_code == 202, response.text
    delivery_id = response.json()["delivery_id"]
    stored = _rows(database_url, WebhookDelivery, integration_id=integration_id)
    assert [str(d.id) for d in stored] == [delivery_id]
    assert stored[0].body == BODY
    assert stored[0].status == DeliveryStatus.RECEIVED and stored[0].handled_at is None
    # the inbox row is the job: no second row is written on the request path
    assert _rows(database_url, TaskOutbox, organization_id=stored[0].organization_id) == []


def test_redelivery_is_acknowledged_and_enqueues_nothing(
    client: TestClient, integration_id: uuid.UUID, database_url: str
) -> None:
    first = _post(client, integration_id, BODY, "msg-2")
    again = _post(client, integration_id, BODY, "msg-2")
    assert again.status_code == 202
    assert again.json() == {
        "delivery_id": first.json()["delivery_id"],
        "duplicate": True,
        "status": "received",
    }
    assert len(_rows(database_url, WebhookDelivery, integration_id=integration_id)) == 1


@pytest.mark.parametrize("case", ["wrong-secret", "stale", "unsigned"])
def test_bad_signatures_are_refused_and_nothing_is_stored(
    client: TestClient, integration_id: uuid.UUID, database_url: str, case: str
) -> None:
    if case == "unsigned":
        response = client.post(f"/webhooks/{integration_id}", content=BODY)
    elif case == "stale":
        response = _post(client, integration_id, BODY, "m", timestamp=int(time.time()) - 3600)
    else:
        response = _post(client, integration_id, BODY, "m", secret="whsec_d3Jvbmc=")
    assert response.status_code == 401
    assert response.json()["error"] == "bad_signature"
    assert _rows(database_url, WebhookDelivery, integration_id=integration_id) == []


def test_oversized_body_is_refused(client: TestClient, integration_id: uuid.UUID) -> None:
    body = b"x" * (get_settings().max_webhook_body_bytes + 1)
    assert _post(client, integration_id, body, "big").status_code == 413


def test_malformed_json_gets_a_clear_error(client: TestClient, integration_id: uuid.UUID) -> None:
    response = _post(client, integration_id, b"{not json", "bad")
    assert response.status_code == 422
    assert "not JSON" in response.json()["detail"]


def test_unknown_integration_is_not_found(client: TestClient) -> None:
    assert _post(client, uuid.uuid4(), BODY, "x").status_code == 404


def test_organisation_table_is_untouched_by_webhooks(database_url: str) -> None:
    assert _rows(database_url, Organization, slug="never-created") == []
