"""The app answers /healthz, and `ats-match run` (the README's first command) serves it."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from ats_match.settings import get_settings
from tests.support.processes import free_port, product_env, running, wait_until
from web.app import create_app


def test_healthz_checks_database_and_broker(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATS_MATCH_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        response = client.get("/healthz")
    get_settings.cache_clear()
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_reports_a_dead_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "ATS_MATCH_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"
    )
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        response = client.get("/healthz")
    get_settings.cache_clear()
    assert response.status_code == 503
    assert response.json()["checks"]["database"].startswith("error")


def test_openapi_is_served(sqlite_url: str) -> None:
    with TestClient(create_app()) as client:
        schema = client.get("/openapi.json").json()
    assert "/webhooks/{integration_id}" in schema["paths"]


@pytest.mark.slow
def test_run_command_serves_healthz_on_the_embedded_default(tmp_path: Path) -> None:
    port = free_port()
    argv = [sys.executable, "-m", "ats_match.cli.main", "run", "--port", str(port)]
    env = product_env(ATS_MATCH_DATA_DIR=str(tmp_path / "data"))
    log = tmp_path / "run.log"
    url = f"http://127.0.0.1:{port}/healthz"

    def healthy() -> bool:
        try:
            return httpx.get(url, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    with running(argv, env, log) as process:
        wait_until(healthy, 90, "ats-match run to answer /healthz", log, process)
        key = _demo_key(tmp_path / "data" / "demo-keys.txt", "recruiter@demo.example")
        base = f"http://127.0.0.1:{port}/api/v1"
        headers = {"authorization": f"Bearer {key}"}
        [job] = [
            j
            for j in httpx.get(f"{base}/jobs", headers=headers).json()
            if j["title"] == "Data Analyst"
        ]

        def demo_scored() -> bool:
            rows = httpx.get(f"{base}/jobs/{job['id']}/ranking", headers=headers).json()
            return len(rows) == 4 and all(r["score"] is not None for r in rows)

        wait_until(demo_scored, 180, "the demo applicants to be verified and scored", log, process)
        rows = httpx.get(f"{base}/jobs/{job['id']}/ranking", headers=headers).json()
    assert rows[0]["candidate_name"] == "Amira Haddad" and rows[0]["shortlisted"]
    assert [r["knocked_out"] for r in rows[2:]] == [True, True]


def _demo_key(path: Path, email: str) -> str:
    for line in path.read_text().splitlines():
        who, key = line.split("\t")
        if who == email:
            return key
    raise AssertionError(f"no key for {email}")
