"""The JSON API: authentication, roles, tenant isolation, audit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import AuditLog, Role
from tests.factories import make_org, make_user
from tests.web.seed import Seeded


@pytest.fixture
def admin_key(database_url: str, seeded: Seeded) -> str:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        from ats_match.models import Organization

        org = session.get(Organization, seeded.org_id)
        assert org is not None
        _, key = make_user(session, org, Role.ADMIN)
        session.commit()
    engine.dispose()
    return key


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def test_requests_without_a_key_are_unauthorised(client: TestClient) -> None:
    response = client.get("/api/v1/jobs")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_jobs_are_listed_for_the_callers_organisation_only(
    client: TestClient, seeded: Seeded
) -> None:
    titles = [j["title"] for j in client.get("/api/v1/jobs", headers=_auth(seeded.key)).json()]
    assert titles == ["Data Analyst"]
    response = client.get(f"/api/v1/jobs/{seeded.other_org_job_id}", headers=_auth(seeded.key))
    assert response.status_code == 404


def test_a_viewer_cannot_create_jobs(client: TestClient, seeded: Seeded) -> None:
    response = client.post("/api/v1/jobs", json={"title": "X"}, headers=_auth(seeded.viewer_key))
    assert response.status_code == 403
    assert "hiring_manager" in response.json()["detail"]


def test_a_recruiter_creates_a_job_and_it_is_audited(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    response = client.post("/api/v1/jobs", json={"title": "Nurse"}, headers=_auth(seeded.key))
    assert response.status_code == 201
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        rows = session.exec(
            select(AuditLog).where(col(AuditLog.entity_id) == response.json()["id"])
        ).all()
    engine.dispose()
    assert [r.action for r in rows] == ["job.create"]


def test_only_admins_manage_users_and_integrations(
    client: TestClient, seeded: Seeded, admin_key: str
) -> None:
    assert client.get("/api/v1/users", headers=_auth(seeded.key)).status_code == 403
    created = client.post(
        "/api/v1/users",
        json={"email": "new@acme.example", "role": "viewer"},
        headers=_auth(admin_key),
    )
    assert created.status_code == 201
    new_key = created.json()["api_key"]
    assert client.get("/api/v1/me", headers=_auth(new_key)).json()["email"] == "new@acme.example"
    duplicate = client.post(
        "/api/v1/users", json={"email": "new@acme.example"}, headers=_auth(admin_key)
    )
    assert duplicate.status_code == 409

    integration = client.post(
        "/api/v1/integrations", json={"name": "GH", "vendor": "generic"}, headers=_auth(admin_key)
    ).json()
    assert integration["webhook_secret"].startswith("whsec_")
    assert integration["webhook_url"].endswith(f"/webhooks/{integration['id']}")
    listed = client.get("/api/v1/integrations", headers=_auth(admin_key)).json()
    assert "webhook_secret" not in listed[0]


def test_issuer_trust_lists_are_saved(client: TestClient, admin_key: str) -> None:
    response = client.put(
        "/api/v1/issuer-trust",
        headers=_auth(admin_key),
        json={"allow": ["https://b.example", "https://a.example"], "deny": []},
    )
    assert response.json() == {"allow": ["https://a.example", "https://b.example"], "deny": []}


def test_keys_of_one_tenant_do_not_open_another(client: TestClient, database_url: str) -> None:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        org = make_org(session, "Initech")
        _, key = make_user(session, org, Role.ADMIN)
        session.commit()
        org_id = org.id
    engine.dispose()
    users = client.get("/api/v1/users", headers=_auth(key)).json()
    assert {u["organization_id"] for u in users} == {str(org_id)}


def test_every_route_refuses_an_oversized_body(client: TestClient, seeded: Seeded) -> None:
    from ats_match.settings import get_settings

    big = b"x" * (get_settings().max_webhook_body_bytes + 1)
    response = client.post(
        f"/api/v1/jobs/{seeded.job_id}/requirement-sets",
        content=big,
        headers={"authorization": f"Bearer {seeded.key}", "content-type": "application/yaml"},
    )
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"y" * (get_settings().max_webhook_body_bytes // 20)

    streamed = client.post(
        "/api/v1/jobs", content=chunks(), headers={"authorization": f"Bearer {seeded.key}"}
    )
    assert streamed.status_code == 413
