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
    assert "recruiter@demo.example" in log.read_text()
