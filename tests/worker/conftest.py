"""A product database on the real PostgreSQL with one organisation, an ATS integration that
wants results back, and a job with a requirement set, as an admin would set them up."""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Application, Integration, Role
from ats_match.settings import get_settings
from ats_match.webhook_signing import sign
from tests.factories import make_ats_job, make_org, make_user
from tests.support.signing import TestKey, ob3_credential, sign_vc_jwt

SECRET = "whsec_" + base64.b64encode(b"worker-secret-worker-secret").decode()


@dataclass
class Product:
    url: str
    client: TestClient
    organization_id: uuid.UUID
    integration_id: uuid.UUID
    job_id: uuid.UUID
    key: str

    def deliver(
        self,
        app_id: str,
        tokens: list[str],
        msg_id: str | None = None,
        links: list[str] | None = None,
    ) -> uuid.UUID:
        """POST a signed application webhook the way the ATS does; the stored delivery's id."""
        body = json.dumps(application_payload(app_id, tokens, links or [])).encode()
        msg_id = msg_id or f"evt-{app_id}"
        ts = int(time.time())
        response = self.client.post(
            f"/webhooks/{self.integration_id}",
            content=body,
            headers={
                "webhook-id": msg_id,
                "webhook-timestamp": str(ts),
                "webhook-signature": sign(SECRET, msg_id, ts, body),
                "content-type": "application/json",
            },
        )
        assert response.status_code == 202, response.text
        return uuid.UUID(response.json()["delivery_id"])

    def application_id(self, external_id: str) -> uuid.UUID:
        """The id of the stored application the ATS calls ``external_id``."""
        engine = db.make_engine(self.url)
        with Session(engine) as session:
            found = session.exec(
                select(Application.id).where(col(Application.external_id) == external_id)
            ).one()
        engine.dispose()
        return found


def application_payload(
    app_id: str, tokens: list[str], links: list[str] | None = None
) -> dict[str, Any]:
    return {
        "type": "application.created",
        "data": {
            "application": {
                "id": app_id,
                "applied_at": "2026-11-20T10:00:00Z",
                "attachments": [
                    {
                        "filename": f"badge-{i}.jwt",
                        "content_type": "text/plain",
                        "content_base64": base64.b64encode(t.encode()).decode(),
                    }
                    for i, t in enumerate(tokens)
                ]
                + [{"url": url} for url in links or []],
            },
            "candidate": {"id": f"cand-{app_id}", "name": "Ada Lovelace", "email": "ada@x.org"},
            "job": {"id": "job-da", "title": "Data Analyst"},
        },
    }


def genuine_tokens(n: int) -> list[str]:
    """``n`` genuine OB 3.0 VC-JWTs (did:key issuer) held by ada@x.org."""
    key = TestKey.generate("Ed25519")
    names = ["Python for Data Analysis", "SQL Fundamentals", "Statistics with R"]
    return [
        sign_vc_jwt(
            ob3_credential(
                key.did_key(),
                email="ada@x.org",
                name=names[i % len(names)],
                cred_id=f"urn:uuid:{uuid.uuid4()}",
            ),
            key,
            kid=key.did_key_vm(),
        )
        for i in range(n)
    ]


@pytest.fixture
def product(committed_postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Product]:
    from web.app import create_app

    engine = db.make_engine(committed_postgres_url)
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session, "Parallel")
        _, key = make_user(session, org, Role.ADMIN)
        integration = Integration(
            organization_id=org.id,
            name="ATS",
            webhook_secret=SECRET,
            outbound_url="https://ats.example/results",
        )
        session.add(integration)
        session.flush()
        job = make_ats_job(session, integration)
        session.commit()
    engine.dispose()
    monkeypatch.setenv("ATS_MATCH_DATABASE_URL", committed_postgres_url)
    if not os.environ.get("ATS_MATCH_BROKER_URL", "").startswith("redis://"):
        monkeypatch.setenv("ATS_MATCH_BROKER_URL", "memory://")
    get_settings.cache_clear()
    with TestClient(create_app()) as client:
        yield Product(committed_postgres_url, client, org.id, integration.id, job.id, key)
    get_settings.cache_clear()
