"""The app answers /healthz, and `ats-match run` (the README's first command) serves it."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

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
def test_run_command_serves_the_demo_with_every_format_and_answer(tmp_path: Path) -> None:
    """``ats-match run`` as the README starts it: the 30 demo applicants are verified and ranked
    within seconds, and between them they show every answer the product gives, from files of
    every format (the OB 2.0 issuer and the status lists are this app, fetched over HTTP)."""
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
        started = time.monotonic()
        key = _demo_key(tmp_path / "data" / "demo-keys.txt", "recruiter@demo.example")
        base = f"http://127.0.0.1:{port}/api/v1"
        headers = {"authorization": f"Bearer {key}"}
        jobs = {j["title"]: j["id"] for j in httpx.get(f"{base}/jobs", headers=headers).json()}

        def rankings() -> dict[str, list[dict[str, Any]]]:
            return {
                title: httpx.get(f"{base}/jobs/{job}/ranking", headers=headers).json()
                for title, job in jobs.items()
            }

        def demo_scored() -> bool:
            rows = [r for ranked in rankings().values() for r in ranked]
            return len(rows) == 30 and all(r["score"] is not None for r in rows)

        wait_until(demo_scored, 180, "the demo applicants to be verified and scored", log, process)
        print(f"demo of 30 applicants scored {time.monotonic() - started:.1f} s after /healthz")
        ranked = rankings()
        details = [
            httpx.get(f"{base}/applications/{r['application_id']}", headers=headers).json()
            for rows in ranked.values()
            for r in rows
        ]
    analysts = ranked["Data Analyst"]
    best = max(r["score"] for r in analysts)
    amira = next(r for r in analysts if r["candidate_name"] == "Amira Haddad")
    assert amira["score"] == best and amira["shortlisted"]
    credentials = [c for d in details for c in d["credentials"]]
    formats = {c["format"] for c in credentials}
    assert {"ob3-jwt", "ob3-json", "ob3-png", "ob2-jws", "ob2-hosted", "clr2-jwt"} <= formats
    answers = {
        (axis, c["verification"][axis]["status"])
        for c in credentials
        for axis in ("authenticity", "validity", "holder", "issuer")
    }
    assert {
        ("authenticity", "genuine"),
        ("authenticity", "forged"),
        ("authenticity", "unknown"),
        ("validity", "current"),
        ("validity", "expired"),
        ("validity", "revoked"),
        ("holder", "bound"),
        ("holder", "mismatch"),
        ("holder", "unaddressed"),
        ("issuer", "trusted"),
        ("issuer", "unknown"),
    } <= answers


def _demo_key(path: Path, email: str) -> str:
    for line in path.read_text().splitlines():
        who, key = line.split("\t")
        if who == email:
            return key
    raise AssertionError(f"no key for {email}")
