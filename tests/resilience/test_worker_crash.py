"""A worker killed with SIGKILL in the middle of a job loses nothing: the job was not
acknowledged (``acks_late``), so Redis hands it to the next worker once the visibility timeout
passes, and the idempotent stage finishes the work."""

from __future__ import annotations

import base64
import json
import os
import signal
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Credential, Integration, Job, VerificationResult
from ats_match.webhook_signing import sign
from tests.conftest import (
    REDIS_HOST,
    REDIS_PORT,
    need_service,
)
from tests.factories import make_org
from tests.support.issuer_server import IssuerServer
from tests.support.processes import celery_worker_argv, free_port, product_env, running, wait_until
from tests.support.signing import TestKey, ob3_credential, sign_vc_jwt

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]
SECRET = "whsec_" + base64.b64encode(b"crash-secret-crash-secret").decode()


def _seed(url: str) -> uuid.UUID:
    engine = db.make_engine(url)
    with Session(engine) as session:
        org = make_org(session, "Crash")
        integration = Integration(organization_id=org.id, name="ATS", webhook_secret=SECRET)
        session.add_all([integration, Job(organization_id=org.id, title="Any", external_id="j")])
        session.commit()
        found = integration.id
    engine.dispose()
    return found


def _verdicts(url: str) -> list[str]:
    engine = db.make_engine(url)
    with Session(engine) as session:
        rows = session.exec(select(VerificationResult.status)).all()
        links = session.exec(select(Credential).where(col(Credential.format) == "link")).all()
    engine.dispose()
    return [str(r) for r in rows] + [f"link:{bool(link.form)}" for link in links]


def test_sigkill_mid_job_is_redelivered_and_finished(
    committed_postgres_url: str, tmp_path: Path
) -> None:
    need_service("Redis", REDIS_HOST, REDIS_PORT)
    integration_id = _seed(committed_postgres_url)
    key = TestKey.generate("Ed25519")
    token = sign_vc_jwt(
        ob3_credential(key.did_key(), email="kim@example.org"), key, kid=key.did_key_vm()
    )
    with IssuerServer() as issuer:
        badge_url = issuer.serve(
            "/badges/1", token, content_type="application/vc+jwt", delay_first=8.0
        )
        env = product_env(
            ATS_MATCH_DATABASE_URL=committed_postgres_url,
            ATS_MATCH_BROKER_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{uuid.uuid4().int % 8 + 8}",
            ATS_MATCH_BROKER_VISIBILITY_TIMEOUT="3",
            ATS_MATCH_DATA_DIR=str(tmp_path),
            ATS_MATCH_FETCH_ALLOW_HOSTS="127.0.0.1",
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = [sys.executable, "-m", "ats_match.cli.main", "serve", "--port", str(port)]
        with running(serve, env, tmp_path / "serve.log") as server:
            wait_until(lambda: _up(base), 60, "the server", tmp_path / "serve.log", server)
            with running(celery_worker_argv(), env, tmp_path / "worker-1.log") as first:
                body = json.dumps(
                    {
                        "data": {
                            "application": {"id": "a-1", "attachments": [{"url": badge_url}]},
                            "candidate": {"id": "c-1", "email": "kim@example.org"},
                            "job": {"id": "j"},
                        }
                    }
                ).encode()
                ts = int(time.time())
                response = httpx.post(
                    f"{base}/webhooks/{integration_id}",
                    content=body,
                    headers={
                        "webhook-id": "e-1",
                        "webhook-timestamp": str(ts),
                        "webhook-signature": sign(SECRET, "e-1", ts, body),
                    },
                )
                assert response.status_code == 202
                wait_until(
                    lambda: "/badges/1" in issuer.requests,
                    60,
                    "the worker to start fetching the badge",
                    tmp_path / "worker-1.log",
                    first,
                )
                os.killpg(first.pid, signal.SIGKILL)  # crash mid-job
                first.wait(timeout=10)
            assert "verified" not in _verdicts(committed_postgres_url)
            with running(celery_worker_argv(), env, tmp_path / "worker-2.log") as second:
                wait_until(
                    lambda: "verified" in _verdicts(committed_postgres_url),
                    90,
                    "the redelivered job to finish",
                    tmp_path / "worker-2.log",
                    second,
                )
    assert _verdicts(committed_postgres_url).count("verified") == 1


def _up(base: str) -> bool:
    try:
        return httpx.get(base + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
