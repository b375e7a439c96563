"""Faults in the middle of a run of many applications, each ending with every application
scored exactly once per version, no duplicate credentials or verdicts, and one result event per
application: a worker killed with SIGKILL, Redis stopped and restarted, an issuer answering 500
and then recovering. A real Celery worker (prefork) on a private Redis and the real PostgreSQL;
deliveries come in as signed webhooks through the app."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, col, func, select

from ats_match import db
from ats_match.models import (
    Application,
    Credential,
    OutboundEvent,
    Score,
    VerificationResult,
)
from ats_match.services import inbox, outbox
from ats_match.settings import get_settings
from tests.conftest import REDIS_HOST, REDIS_PORT, need_service
from tests.support.issuer_server import IssuerServer
from tests.support.processes import celery_worker_argv, product_env, wait_until
from tests.support.redis_server import PrivateRedis
from tests.worker.conftest import Product, genuine_tokens
from worker.celery_app import publish

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]
N = 12


@pytest.fixture
def redis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateRedis]:
    need_service("Redis", REDIS_HOST, REDIS_PORT)
    server = PrivateRedis(tmp_path)
    server.start()
    monkeypatch.setenv("ATS_MATCH_BROKER_URL", server.url)
    get_settings.cache_clear()
    yield server
    server.stop()


class Worker:
    """A prefork worker process group that can be killed and replaced."""

    def __init__(self, product: Product, redis: PrivateRedis, tmp_path: Path) -> None:
        self.env = product_env(
            ATS_MATCH_DATABASE_URL=product.url,
            ATS_MATCH_BROKER_URL=redis.url,
            ATS_MATCH_BROKER_VISIBILITY_TIMEOUT="3",
            ATS_MATCH_DATA_DIR=str(tmp_path),
            ATS_MATCH_FETCH_ALLOW_HOSTS="127.0.0.1",
        )
        self.tmp_path, self.runs = tmp_path, 0
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.tmp_path / f"worker-{self.runs}.log"

    def start(self) -> None:
        self.runs += 1
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                celery_worker_argv(concurrency=2, pool="prefork"),
                env=self.env,
                cwd=Path(__file__).resolve().parents[2],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)
        self.process = None


@pytest.fixture
def worker(product: Product, redis: PrivateRedis, tmp_path: Path) -> Iterator[Worker]:
    running = Worker(product, redis, tmp_path)
    running.start()
    yield running
    running.stop()


def _counts(url: str) -> dict[str, Any]:
    engine = db.make_engine(url)
    with Session(engine) as session:

        def count(model: Any, *where: Any) -> int:
            return int(session.exec(select(func.count()).select_from(model).where(*where)).one())

        per_app = session.exec(
            select(Score.application_id, func.count()).group_by(col(Score.application_id))
        ).all()
        per_credential = session.exec(
            select(VerificationResult.credential_id, func.count()).group_by(
                col(VerificationResult.credential_id)
            )
        ).all()
        found = {
            "applications": count(Application),
            "scored": len(per_app),
            "max scores per application": max((n for _, n in per_app), default=0),
            "credentials": count(Credential, col(Credential.format) != "link"),
            "verdicts": count(VerificationResult),
            "max verdicts per credential": max((n for _, n in per_credential), default=0),
            "events": count(OutboundEvent),
        }
    engine.dispose()
    return found


def _scored(product: Product) -> int:
    # what the periodic relay does: jobs left in the outbox, deliveries left in the inbox
    outbox.relay(db.get_engine(), publish)
    inbox.relay_deliveries(db.get_engine(), publish)
    return int(_counts(product.url)["scored"])


def _wait_scored(product: Product, worker: Worker, n: int, timeout: float = 90) -> None:
    wait_until(lambda: _scored(product) >= n, timeout, f"{n} scored", worker.log, worker.process)


def _exactly_once(product: Product, applications: int, credentials: int) -> None:
    counts = _counts(product.url)
    assert counts == {
        "applications": applications,
        "scored": applications,
        "max scores per application": 1,
        "credentials": credentials,
        "verdicts": credentials,
        "max verdicts per credential": 1,
        "events": applications,
    }, counts


def test_faults_mid_run_leave_every_application_scored_once(
    product: Product, worker: Worker, redis: PrivateRedis
) -> None:
    """One worker and one database through three faults in turn (one run keeps CI time low)."""
    # 1. SIGKILL of the worker while it works through a backlog
    for i in range(N):
        product.deliver(f"k-{i:03d}", genuine_tokens(2))
    _wait_scored(product, worker, 3)
    worker.stop(signal.SIGKILL)  # jobs in flight were not acknowledged
    assert _counts(product.url)["scored"] < N
    worker.start()
    _wait_scored(product, worker, N)
    _exactly_once(product, N, 2 * N)

    # 2. Redis stopped and restarted mid-run; deliveries meanwhile wait in the outbox
    for i in range(N // 2):
        product.deliver(f"r-{i:03d}", genuine_tokens(2))
    redis.stop()
    for i in range(N // 2, N):
        product.deliver(f"r-{i:03d}", genuine_tokens(2))
    time.sleep(1)
    redis.start()
    _wait_scored(product, worker, 2 * N)  # the same worker: it reconnects, it does not exit
    assert "Unrecoverable error" not in worker.log.read_text()
    _exactly_once(product, 2 * N, 4 * N)

    # 3. an issuer answering 500, then recovering
    tokens = genuine_tokens(N)
    with IssuerServer() as issuer:
        urls = [issuer.serve(f"/badges/{i}", "oops", status=500) for i in range(N)]
        for i, url in enumerate(urls):
            product.deliver(f"i-{i:03d}", [], links=[url])
        wait_until(
            lambda: len(set(issuer.requests)) >= N // 2,
            60,
            "the worker to meet the failing issuer",
            worker.log,
            worker.process,
        )
        assert _counts(product.url)["scored"] == 2 * N  # a pending link holds its application back
        for i, token in enumerate(tokens):
            issuer.serve(f"/badges/{i}", token, content_type="application/vc+jwt")
        _wait_scored(product, worker, 3 * N)
    _exactly_once(product, 3 * N, 5 * N)
