"""The whole product, for real: an ATS posts signed webhooks to the server process; a Celery
worker process on Redis ingests them into PostgreSQL, verifies each credential against an issuer
served over TLS on loopback (did:web), maps it to ESCO, scores it against a requirement set,
and the recruiter reads the ranking from the API and the dashboard."""

from __future__ import annotations

import base64
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from ats_match import db
from ats_match.models import Integration, Role
from ats_match.webhook_signing import sign
from tests.conftest import (
    REDIS_HOST,
    REDIS_PORT,
    need_service,
)
from tests.factories import make_ats_job, make_org, make_user
from tests.support.issuer_server import IssuerServer
from tests.support.processes import (
    celery_worker_argv,
    free_port,
    product_env,
    running,
    wait_until,
)
from tests.support.signing import TestKey, did_document, did_web, ob3_credential, sign_vc_jwt

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]
SECRET = "whsec_" + base64.b64encode(b"e2e-secret-e2e-secret-e2e").decode()
PYTHON_URI = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def _seed(url: str) -> dict[str, Any]:
    engine = db.make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session, "Hospital")
        _, key = make_user(session, org, Role.RECRUITER)
        integration = Integration(organization_id=org.id, name="ATS", webhook_secret=SECRET)
        session.add(integration)
        session.flush()
        job = make_ats_job(session, integration)
        session.commit()
    engine.dispose()
    return {"key": key, "integration_id": integration.id, "job_id": job.id}


def _credential(
    issuer: IssuerServer, key: TestKey, did: str, email: str, name: str, alignment: bool
) -> str:
    vc = ob3_credential(did, email=email, name=name, cred_id=f"urn:uuid:{uuid.uuid4()}")
    achievement = vc["credentialSubject"]["achievement"]
    achievement["id"] = f"https://example.edu/achievements/{uuid.uuid4().hex[:8]}"
    if alignment:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetName": "Python",
                "targetUrl": PYTHON_URI,
                "targetFramework": "ESCO",
            }
        ]
    return sign_vc_jwt(vc, key, kid=f"{did}#key-1")


def _delivery(app_id: str, email: str, name: str, token: str) -> dict[str, Any]:
    return {
        "type": "application.created",
        "data": {
            "application": {
                "id": app_id,
                "applied_at": "2026-11-20T10:00:00Z",
                "attachments": [
                    {
                        "filename": "badge.jwt",
                        "content_type": "text/plain",
                        "content_base64": base64.b64encode(token.encode()).decode(),
                    }
                ],
            },
            "candidate": {"id": f"cand-{app_id}", "name": name, "email": email},
            "job": {"id": "job-da", "title": "Data Analyst"},
        },
    }


def _post(
    base: str, integration_id: uuid.UUID, payload: dict[str, Any], msg_id: str
) -> httpx.Response:
    body = json.dumps(payload).encode()
    ts = int(time.time())
    return httpx.post(
        f"{base}/webhooks/{integration_id}",
        content=body,
        timeout=10,
        headers={
            "webhook-id": msg_id,
            "webhook-timestamp": str(ts),
            "webhook-signature": sign(SECRET, msg_id, ts, body),
            "content-type": "application/json",
        },
    )


def test_webhook_to_ranked_verified_candidates(committed_postgres_url: str, tmp_path: Path) -> None:
    need_service("Redis", REDIS_HOST, REDIS_PORT)
    seeded = _seed(committed_postgres_url)
    with IssuerServer(tls=True) as issuer:
        key = TestKey.generate("Ed25519")
        did = did_web(issuer.host)
        issuer.serve("/.well-known/did.json", did_document(did, {"key-1": key}))
        good = _credential(issuer, key, did, "ada@example.org", "Python for Data Analysis", True)
        stolen = _credential(
            issuer, key, did, "someone-else@example.org", "Python for Data Analysis", True
        )
        env = product_env(
            ATS_MATCH_DATABASE_URL=committed_postgres_url,
            ATS_MATCH_BROKER_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{uuid.uuid4().int % 8 + 8}",
            ATS_MATCH_DATA_DIR=str(tmp_path),
            ATS_MATCH_FETCH_ALLOW_HOSTS="127.0.0.1",
            ATS_MATCH_FETCH_CA_BUNDLE=str(issuer.ca_path),
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        serve = [sys.executable, "-m", "ats_match.cli.main", "serve", "--port", str(port)]
        with (
            running(celery_worker_argv(), env, tmp_path / "worker.log") as worker,
            running(serve, env, tmp_path / "serve.log") as server,
        ):
            wait_until(lambda: _up(base), 60, "the server", tmp_path / "serve.log", server)
            first = _post(
                base,
                seeded["integration_id"],
                _delivery("app-1", "ada@example.org", "Ada Lovelace", good),
                "evt-1",
            )
            assert first.status_code == 202, first.text
            again = _post(
                base,
                seeded["integration_id"],
                _delivery("app-1", "ada@example.org", "Ada Lovelace", good),
                "evt-1",
            )
            assert again.json()["duplicate"] is True
            assert (
                _post(
                    base,
                    seeded["integration_id"],
                    _delivery("app-2", "bob@example.org", "Bob Stolen", stolen),
                    "evt-2",
                ).status_code
                == 202
            )

            headers = {"authorization": f"Bearer {seeded['key']}"}
            ranking_url = f"{base}/api/v1/jobs/{seeded['job_id']}/ranking"

            def both_scored() -> bool:
                rows = httpx.get(ranking_url, headers=headers, timeout=5).json()
                return len(rows) == 2 and all(r["score"] is not None for r in rows)

            wait_until(
                both_scored, 120, "both applications to be scored", tmp_path / "worker.log", worker
            )
            rows = httpx.get(ranking_url, headers=headers, timeout=5).json()
            assert [r["candidate_name"] for r in rows] == ["Ada Lovelace", "Bob Stolen"]
            ada = httpx.get(
                f"{base}/api/v1/applications/{rows[0]['application_id']}",
                headers=headers,
                timeout=5,
            ).json()
            [credential] = ada["credentials"]
            assert credential["verification"]["status"] == "verified", credential
            assert PYTHON_URI in {s["uri"] for s in credential["skills"]}
            bob = httpx.get(
                f"{base}/api/v1/applications/{rows[1]['application_id']}",
                headers=headers,
                timeout=5,
            ).json()
            assert bob["credentials"][0]["verification"]["status"] == "failed"
            assert rows[0]["score"] > rows[1]["score"]
            python_rule = next(
                r for r in rows[0]["explanation"]["rules"] if r["rule_id"] == "analysis-language"
            )
            assert python_rule["outcome"] == "met"


def _up(base: str) -> bool:
    try:
        return httpx.get(base + "/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
