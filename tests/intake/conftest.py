"""A recruiter of a fresh organisation with a job and its requirement set, both created through
the API, and a second organisation for the tenant checks; the worker's job is run in process."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import DeliveryStatus, Organization, Role, WebhookDelivery
from tests.conftest import REPO_ROOT
from tests.connectors.conftest import vendor  # noqa: F401 - the loopback vendor fixture
from tests.factories import make_org, make_user
from worker import tasks

ROLE_YAML = (REPO_ROOT / "rules/examples/data_analyst.yaml").read_text()


class NoRelay:
    """Stands in for the web process's relay thread: the tests run the worker's job."""

    def wake(self) -> None:
        pass


@dataclass
class Recruiter:
    client: TestClient
    key: str
    url: str
    organization_id: uuid.UUID
    job_id: str

    @property
    def auth(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.key}"}

    def upload(
        self,
        files: list[tuple[str, bytes, str]] | None = None,
        links: list[str] | None = None,
        headers: dict[str, str] | None = None,
        **form: Any,
    ) -> httpx.Response:
        fields: dict[str, Any] = {
            "job_id": self.job_id,
            "candidate_name": "Ada Lovelace",
            "candidate_email": "ada@x.org",
            **form,
        }
        if links:
            fields["links"] = links
        return self.client.post(
            "/api/v1/applications",
            data=fields,
            files=[("files", f) for f in files or []] or None,
            headers={**self.auth, **(headers or {})},
        )

    def run_worker(self) -> int:
        """What the relay publishes: one batch job with every delivery still waiting."""
        ids = [str(d.id) for d in self.waiting()]
        if ids:
            tasks.process_deliveries.apply(args=[str(self.organization_id), ids]).get()
        return len(ids)

    def waiting(self) -> list[WebhookDelivery]:
        return self.rows(WebhookDelivery, col(WebhookDelivery.status) == DeliveryStatus.RECEIVED)

    def rows(self, model: Any, *where: Any) -> list[Any]:
        """This organisation's rows of ``model`` (the SQLite database is shared by tests)."""
        engine = db.make_engine(self.url)
        with Session(engine) as session:
            mine = col(model.organization_id) == self.organization_id
            found = list(session.exec(select(model).where(mine, *where)).all())
        engine.dispose()
        return found


def seed_org(url: str, name: str, role: Role = Role.ADMIN) -> tuple[uuid.UUID, str]:
    engine = db.make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session, name)
        _, key = make_user(session, org, role)
        session.commit()
    engine.dispose()
    return org.id, key


def add_user(url: str, organization_id: uuid.UUID, role: Role) -> str:
    """Another user of the organisation; their API key."""
    engine = db.make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        org = session.get(Organization, organization_id)
        assert org is not None
        _, key = make_user(session, org, role)
        session.commit()
    engine.dispose()
    return key


def create_job(client: TestClient, key: str, title: str = "Data Analyst") -> str:
    auth = {"authorization": f"Bearer {key}"}
    job = client.post("/api/v1/jobs", json={"title": title}, headers=auth)
    assert job.status_code == 201, job.text
    job_id = str(job.json()["id"])
    role = client.post(
        f"/api/v1/jobs/{job_id}/requirement-sets",
        content=ROLE_YAML,
        headers={**auth, "content-type": "application/yaml"},
    )
    assert role.status_code == 201, role.text
    return job_id


@pytest.fixture
def recruiter(
    client: TestClient, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Recruiter]:
    monkeypatch.setattr("web.api.applications.delivery_relay", NoRelay)
    monkeypatch.setattr("web.api.webhooks.delivery_relay", NoRelay)
    org_id, key = seed_org(database_url, "Intake")
    yield Recruiter(client, key, database_url, org_id, create_job(client, key))
