"""The upload and the import for real: ``ats-match serve`` and a Celery worker on Redis, each
its own process, on PostgreSQL. An upload's answer comes from the server after its commit, the
server's relay publishes it, the worker verifies and scores it; ``ats-match import`` (a third
process) goes the same way."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.conftest import REDIS_HOST, REDIS_PORT, need_service
from tests.intake.conftest import ROLE_YAML, seed_org
from tests.support.processes import (
    celery_worker_argv,
    free_port,
    product_env,
    running,
    wait_until,
)
from tests.worker.conftest import genuine_tokens

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


def _up(base: str) -> bool:
    try:
        return httpx.get(base + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def test_uploads_and_imports_are_scored_by_the_worker_process(
    committed_postgres_url: str, tmp_path: Path
) -> None:
    need_service("Redis", REDIS_HOST, REDIS_PORT)
    _, key = seed_org(committed_postgres_url, "Processes")
    auth = {"authorization": f"Bearer {key}"}
    env = product_env(
        ATS_MATCH_DATABASE_URL=committed_postgres_url,
        ATS_MATCH_BROKER_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{uuid.uuid4().int % 8 + 8}",
        ATS_MATCH_DATA_DIR=str(tmp_path),
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = [sys.executable, "-m", "ats_match.cli.main", "serve", "--port", str(port)]
    tokens = genuine_tokens(3)
    with (
        running(celery_worker_argv(), env, tmp_path / "worker.log") as worker,
        running(serve, env, tmp_path / "serve.log") as server,
    ):
        wait_until(lambda: _up(base), 60, "the server", tmp_path / "serve.log", server)
        job = httpx.post(
            f"{base}/api/v1/jobs", json={"title": "Analyst"}, headers=auth, timeout=60
        ).json()
        role = httpx.post(
            f"{base}/api/v1/jobs/{job['id']}/requirement-sets",
            content=ROLE_YAML,
            headers={**auth, "content-type": "application/yaml"},
            timeout=60,  # the first request of a loaded machine may wait for the taxonomy
        )
        assert role.status_code == 201, role.text

        upload = httpx.post(
            f"{base}/api/v1/applications",
            data={"job_id": job["id"], "candidate_name": "Ada", "candidate_email": "ada@x.org"},
            files=[("files", ("b.jwt", tokens[0].encode(), "text/plain"))],
            headers=auth,
            timeout=60,
        )
        assert upload.status_code == 202, upload.text
        ack = upload.json()

        def processed(status_url: str) -> bool:
            found = httpx.get(base + status_url, headers=auth, timeout=30).json()
            assert found["status"] != "failed", found
            return bool(found["status"] == "processed")

        wait_until(
            lambda: processed(ack["status_url"]), 90, "the upload", tmp_path / "worker.log", worker
        )
        detail = httpx.get(base + ack["application_url"], headers=auth, timeout=30).json()
        assert detail["credentials"][0]["verification"]["status"] == "verified"
        assert detail["score"] is not None

        folder = tmp_path / "in"
        for i, token in enumerate(tokens[1:]):
            (folder / f"p{i}@x.org").mkdir(parents=True)
            (folder / f"p{i}@x.org" / "b.jwt").write_text(token)
        command = [sys.executable, "-m", "ats_match.cli.main", "import", str(folder)]
        done = subprocess.run(
            [*command, "--job", job["id"], "--json"], env=env, capture_output=True, timeout=120
        )
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        summary = json.loads(done.stdout)
        assert summary["imported"] == 2 and summary["queued_for_the_worker"] == 2

        ranking_url = f"{base}/api/v1/jobs/{job['id']}/ranking"

        def all_scored() -> bool:
            rows = httpx.get(ranking_url, headers=auth, timeout=30).json()
            return len(rows) == 3 and all(r["score"] is not None for r in rows)

        wait_until(all_scored, 90, "the imported applications", tmp_path / "worker.log", worker)
