"""An organisation set up through the API: an admin, a recruiter, a generic ATS integration
(secret from the API's answer) and a job whose requirement set counts Python and SQL badges.
Applications arrive as signed webhooks and the worker's own job ingests, verifies and scores
them."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Application, Role, WebhookDelivery
from tests.factories import make_org, make_user
from tests.webhooks.conftest import NoRelay, standard_headers
from worker import tasks

JOB_EXTERNAL_ID = "job-da"
ROLE_YAML = """
id: fair-test
name: Analyst (credential names)
thresholds: {qualified: 50, shortlist: 75}
requirements:
  - id: python
    label: Python badge
    weight: 60
    credential: {name_pattern: "*Python*"}
  - id: sql
    label: SQL badge
    weight: 40
    credential: {name_pattern: "*SQL*"}
"""


@dataclass
class Org:
    client: TestClient
    url: str
    organization_id: uuid.UUID
    admin_key: str
    recruiter_key: str
    integration_id: str = ""
    secret: str = ""
    job_id: str = ""
    other_admin_key: str = ""
    pending: list[str] = field(default_factory=list)

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"authorization": f"Bearer {key or self.admin_key}"}

    def deliver(self, app_id: str, *, eeoc: Any = None, tokens: tuple[str, ...] = ()) -> str:
        """POST one signed application webhook; the stored delivery's id (ingested later)."""
        body = json.dumps(payload(app_id, eeoc, tokens)).encode()
        response = self.client.post(
            f"/webhooks/{self.integration_id}",
            content=body,
            headers=standard_headers(self.secret, body, f"evt-{app_id}-{uuid.uuid4().hex[:6]}"),
        )
        assert response.status_code == 202, response.text
        self.pending.append(response.json()["delivery_id"])
        return str(response.json()["delivery_id"])

    def process(self) -> None:
        """What the relay publishes: the worker's batch job for the stored deliveries."""
        if self.pending:
            tasks.process_deliveries.apply(args=[str(self.organization_id), self.pending]).get()
            self.pending = []

    def application_ids(self) -> dict[str, str]:
        with self.session() as session:
            rows = session.exec(
                select(Application.external_id, Application.id).where(
                    col(Application.organization_id) == self.organization_id
                )
            ).all()
        return {str(ext): str(app_id) for ext, app_id in rows}

    def session(self) -> Session:
        return Session(db.make_engine(self.url), expire_on_commit=False)

    def deliveries(self) -> list[WebhookDelivery]:
        with self.session() as session:
            return list(
                session.exec(
                    select(WebhookDelivery).where(
                        col(WebhookDelivery.organization_id) == self.organization_id
                    )
                ).all()
            )


def payload(app_id: str, eeoc: Any = None, tokens: tuple[str, ...] = ()) -> dict[str, Any]:
    import base64

    application: dict[str, Any] = {
        "id": app_id,
        "applied_at": "2026-11-20T10:00:00Z",
        "attachments": [
            {
                "filename": f"badge-{i}.jwt",
                "content_type": "text/plain",
                "content_base64": base64.b64encode(t.encode()).decode(),
            }
            for i, t in enumerate(tokens)
        ],
    }
    if eeoc is not None:
        application["eeoc"] = eeoc
    return {
        "type": "application.created",
        "data": {
            "application": application,
            "candidate": {"id": f"cand-{app_id}", "name": f"Person {app_id}", "email": "ada@x.org"},
            "job": {"id": JOB_EXTERNAL_ID, "title": "Data Analyst"},
        },
    }


@pytest.fixture
def org(client: TestClient, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Org]:
    monkeypatch.setattr("web.api.webhooks.delivery_relay", NoRelay)
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        organization = make_org(session, "Fair")
        _, admin_key = make_user(session, organization, Role.ADMIN)
        _, recruiter_key = make_user(session, organization, Role.RECRUITER)
        other = make_org(session, "Other")
        _, other_key = make_user(session, other, Role.ADMIN)
        session.commit()
        org_id = organization.id
    engine.dispose()
    found = Org(client, database_url, org_id, admin_key, recruiter_key, other_admin_key=other_key)
    created = client.post(
        "/api/v1/integrations", json={"name": "ATS", "vendor": "generic"}, headers=found.auth()
    )
    assert created.status_code == 201, created.text
    found.integration_id, found.secret = created.json()["id"], created.json()["webhook_secret"]
    job = client.post(
        "/api/v1/jobs",
        json={
            "title": "Data Analyst",
            "external_id": JOB_EXTERNAL_ID,
            "integration_id": found.integration_id,
        },
        headers=found.auth(),
    )
    assert job.status_code == 201, job.text
    found.job_id = job.json()["id"]
    saved = client.post(
        f"/api/v1/jobs/{found.job_id}/requirement-sets",
        content=ROLE_YAML,
        headers={**found.auth(), "content-type": "application/yaml"},
    )
    assert saved.status_code == 201, saved.text
    yield found
