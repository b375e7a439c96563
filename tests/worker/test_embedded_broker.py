"""The embedded default (no Redis) picks a job up within ~50 ms of its publication: a real
worker process on the SQLite transport, jobs published the way the product publishes them."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import AuditLog, Organization
from ats_match.settings import get_settings
from tests.support.processes import celery_worker_argv, product_env, running, wait_until
from worker.celery_app import publish
from worker.embedded_broker import POLLING_INTERVAL_SECONDS


def _audit_rows(url: str, marker: str) -> int:
    engine = db.make_engine(url)
    with Session(engine) as session:
        rows = session.exec(select(AuditLog.id).where(col(AuditLog.entity_id) == marker)).all()
    engine.dispose()
    return len(rows)


def test_a_published_job_is_picked_up_within_the_polling_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    db.upgrade(url)
    engine = db.make_engine(url)
    with Session(engine) as session:
        org = Organization(name="E", slug=f"e-{uuid.uuid4().hex[:6]}")
        session.add(org)
        session.commit()
        org_id = str(org.id)
    engine.dispose()
    broker = f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    monkeypatch.setenv("ATS_MATCH_BROKER_URL", broker)
    get_settings.cache_clear()
    env = product_env(
        ATS_MATCH_DATABASE_URL=url, ATS_MATCH_BROKER_URL=broker, ATS_MATCH_DATA_DIR=str(tmp_path)
    )
    log = tmp_path / "worker.log"
    with running(celery_worker_argv(), env, log) as worker:
        publish("ats_match.record_audit", [org_id, "warm-up", "warm"], str(uuid.uuid4()))
        wait_until(lambda: _audit_rows(url, "warm") == 1, 60, "the first job", log, worker)
        latencies = []
        for i in range(5):
            marker = f"job-{i}"
            started = time.monotonic()
            publish("ats_match.record_audit", [org_id, "latency", marker], str(uuid.uuid4()))
            while _audit_rows(url, marker) == 0 and time.monotonic() - started < 10:
                time.sleep(0.01)
            latencies.append(time.monotonic() - started)
    get_settings.cache_clear()
    # the old transport polled once a second: a job waited 0.5 s on average, up to 1 s
    assert POLLING_INTERVAL_SECONDS <= 0.05
    assert sorted(latencies)[2] < 0.2, latencies
