"""A real Celery worker process runs a task that writes a row: on Redis and on the embedded
SQLite transport."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from celery import Celery
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import AuditLog, Organization
from tests.conftest import (
    REDIS_HOST,
    REDIS_PORT,
    need_service,
)
from tests.support.processes import celery_worker_argv, product_env, running, wait_until


def _org(url: str) -> uuid.UUID:
    engine = db.make_engine(url)
    with Session(engine) as session:
        org = Organization(name="W", slug=f"w-{uuid.uuid4().hex[:6]}")
        session.add(org)
        session.commit()
        org_id = org.id
    engine.dispose()
    return org_id


def _audit_rows(url: str, marker: str) -> int:
    engine = db.make_engine(url)
    with Session(engine) as session:
        rows = session.exec(select(AuditLog).where(col(AuditLog.entity_id) == marker)).all()
    engine.dispose()
    return len(rows)


def _run_task_through_worker(database_url: str, broker_url: str, log: Path) -> None:
    org_id = _org(database_url)
    marker = uuid.uuid4().hex
    env = product_env(
        ATS_MATCH_DATABASE_URL=database_url,
        ATS_MATCH_BROKER_URL=broker_url,
        ATS_MATCH_DATA_DIR=str(log.parent),
    )
    client = Celery(broker=broker_url)
    client.conf.task_default_queue = "ats-match"
    with running(celery_worker_argv(), env, log) as worker:
        client.send_task("ats_match.record_audit", args=[str(org_id), "worker.test", marker])
        wait_until(
            lambda: _audit_rows(database_url, marker) == 1, 60, "the worker's row", log, worker
        )


@pytest.mark.redis
def test_worker_on_redis_writes_a_row_to_postgres(
    committed_postgres_url: str, tmp_path: Path
) -> None:
    need_service("Redis", REDIS_HOST, REDIS_PORT)
    broker = f"redis://{REDIS_HOST}:{REDIS_PORT}/{uuid.uuid4().int % 8 + 8}"
    _run_task_through_worker(committed_postgres_url, broker, tmp_path / "worker.log")


def test_worker_on_the_embedded_transport_writes_a_row_to_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    db.upgrade(url)
    broker = f"sqla+sqlite:///{tmp_path / 'broker.db'}"
    _run_task_through_worker(url, broker, tmp_path / "worker.log")
