"""A broker outage delays work but loses none: the webhook is still stored and acknowledged,
the job waits in the inbox, and once Redis is back the relay publishes it and a real worker
runs it."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from ats_match import db
from ats_match.models import WebhookDelivery
from ats_match.services import inbox
from ats_match.settings import get_settings
from ats_match.webhook_signing import sign
from tests.conftest import REDIS_HOST, REDIS_PORT, need_service
from tests.factories import make_integration, make_org
from tests.support.processes import celery_worker_argv, product_env, running, wait_until
from tests.support.redis_server import PrivateRedis
from worker.celery_app import publish

SECRET = "outage-secret-outage-secret"
pytestmark = [pytest.mark.redis, pytest.mark.slow]


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    need_service("Redis", REDIS_HOST, REDIS_PORT)  # the binary comes with the service
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def _rows(url: str, model):  # type: ignore[no-untyped-def]
    engine = db.make_engine(url)
    with Session(engine) as session:
        rows = session.exec(select(model)).all()
    engine.dispose()
    return rows


def test_webhook_survives_a_redis_outage(
    redis: PrivateRedis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with Session(engine) as session:
        integration = make_integration(session, make_org(session), secret=SECRET)
        session.commit()
        integration_id = integration.id
    monkeypatch.setenv("ATS_MATCH_DATABASE_URL", url)
    monkeypatch.setenv("ATS_MATCH_BROKER_URL", redis.url)
    get_settings.cache_clear()
    redis.stop()  # the outage
    body = json.dumps(
        {
            "data": {
                "application": {"id": "a-1"},
                "candidate": {"id": "c-1"},
                "job": {"id": "j-1", "title": "Nurse"},
            }
        }
    ).encode()
    ts, msg_id = int(time.time()), f"evt-{uuid.uuid4().hex[:6]}"
    from web.app import create_app

    with TestClient(create_app()) as client:
        response = client.post(
            f"/webhooks/{integration_id}",
            content=body,
            headers={
                "webhook-id": msg_id,
                "webhook-timestamp": str(ts),
                "webhook-signature": sign(SECRET, msg_id, ts, body),
            },
        )
    assert response.status_code == 202
    # the inbox row is the job: it waits, unpublished, while the broker is down
    [waiting] = _rows(url, WebhookDelivery)
    assert waiting.dispatched_at is None

    redis.start()  # Redis is back
    inbox.relay_deliveries(engine, publish)  # (or the web process's relay, retrying)
    assert _rows(url, WebhookDelivery)[0].dispatched_at is not None
    env = product_env(
        ATS_MATCH_DATABASE_URL=url, ATS_MATCH_BROKER_URL=redis.url, ATS_MATCH_DATA_DIR=str(tmp_path)
    )
    log = tmp_path / "worker.log"
    with running(celery_worker_argv(), env, log) as process:
        wait_until(
            lambda: _rows(url, WebhookDelivery)[0].handled_at is not None,
            60,
            "the delivery to be handled",
            log,
            process,
        )
    engine.dispose()
    get_settings.cache_clear()
