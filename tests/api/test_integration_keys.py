"""An integration's own API keys, as an admin issues them and the vendor's service account uses
them: shown once and hashed at rest, limited to their scopes and to the integration's own jobs
and applications, last use recorded, audited, revoked at once, dead while the integration is
disabled; listed, created and revoked on the admin integrations page too."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from ats_match import db
from ats_match.models import AuditLog, IntegrationKey
from tests.intake.conftest import seed_org
from tests.worker.conftest import genuine_tokens
from worker import tasks


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def _created(client: TestClient, key: str, path: str, body: object) -> dict[str, str]:
    answer = client.post(path, json=body, headers=_auth(key))
    assert answer.status_code == 201, f"{path}: {answer.text}"
    return dict(answer.json())


def _upload(client: TestClient, key: str, job_id: str) -> tuple[int, dict[str, str]]:
    answer = client.post(
        "/api/v1/applications",
        data={"job_id": job_id, "candidate_name": "Ada", "candidate_email": "ada@x.org"},
        files=[("files", ("a.jwt", genuine_tokens(1)[0].encode(), "text/plain"))],
        headers=_auth(key),
    )
    return answer.status_code, dict(answer.json())


def test_an_integration_key_reaches_its_own_jobs_only(
    client: TestClient, database_url: str
) -> None:
    org_id, admin = seed_org(database_url, "Vendor keys")
    hook = _created(client, admin, "/api/v1/integrations", {"vendor": "generic", "name": "hook"})
    other = _created(client, admin, "/api/v1/integrations", {"vendor": "generic", "name": "two"})
    own_job = _created(
        client, admin, "/api/v1/jobs", {"title": "Analyst", "integration_id": hook["id"]}
    )["id"]
    foreign_job = _created(
        client, admin, "/api/v1/jobs", {"title": "Nurse", "integration_id": other["id"]}
    )["id"]
    keys_path = f"/api/v1/integrations/{hook['id']}/api-keys"
    issued = _created(client, admin, keys_path, {"name": "ATS service account"})
    key = issued["api_key"]
    assert sorted(issued["scopes"]) == ["applications:write", "results:read"]

    status, ack = _upload(client, key, own_job)
    assert status == 202, ack
    tasks.process_deliveries.apply(args=[str(org_id), [ack["delivery_id"]]]).get()
    application = client.get(f"/api/v1/applications/{ack['application_id']}", headers=_auth(key))
    assert application.status_code == 200, application.text
    assert (
        client.get(f"/api/v1/uploads/{ack['delivery_id']}", headers=_auth(key)).status_code == 200
    )
    assert client.get(f"/api/v1/jobs/{own_job}/ranking", headers=_auth(key)).status_code == 200

    status, refused = _upload(client, key, foreign_job)
    assert status == 404 and refused["error"] == "not_found"
    assert client.get(f"/api/v1/jobs/{foreign_job}/ranking", headers=_auth(key)).status_code == 404
    admins_upload = _upload(client, admin, foreign_job)[1]
    tasks.process_deliveries.apply(args=[str(org_id), [admins_upload["delivery_id"]]]).get()
    elsewhere = f"/api/v1/applications/{admins_upload['application_id']}"
    assert client.get(elsewhere, headers=_auth(key)).status_code == 404
    listing = client.get("/api/v1/jobs", headers=_auth(key))
    assert listing.status_code == 403 and listing.json()["error"] == "insufficient_scope"
    decided = client.post(
        f"/api/v1/applications/{ack['application_id']}/decisions",
        json={"action": "shortlist"},
        headers=_auth(key),
    )
    assert decided.status_code == 403 and decided.json()["error"] == "insufficient_scope"
    assert client.get(keys_path, headers=_auth(key)).status_code == 403

    reader = _created(client, admin, keys_path, {"name": "r", "scopes": ["results:read"]})
    status, body = _upload(client, reader["api_key"], own_job)
    assert status == 403 and body["error"] == "insufficient_scope"
    too_much = client.post(
        keys_path, json={"name": "x", "scopes": ["jobs:read"]}, headers=_auth(admin)
    )
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["field"] == "body.scopes"

    listed = client.get(keys_path, headers=_auth(admin)).json()
    assert [k["id"] for k in listed] == [issued["id"], reader["id"]]
    assert "api_key" not in listed[0] and listed[0]["last_used_at"] is not None
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        row = session.get(IntegrationKey, uuid.UUID(issued["id"]))
        assert row is not None and key not in (row.key_hash, row.prefix)
        actions = list(
            session.exec(select(AuditLog.action).where(AuditLog.organization_id == org_id))
        )
        assert actions.count("integration_key.create") == 2
    engine.dispose()

    revoked = client.delete(f"{keys_path}/{issued['id']}", headers=_auth(admin))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    gone = client.get(f"/api/v1/jobs/{own_job}/ranking", headers=_auth(key))
    assert gone.status_code == 401 and gone.json()["error"] == "unauthorized"
    other_keys = f"/api/v1/integrations/{other['id']}/api-keys/{reader['id']}"
    assert client.delete(other_keys, headers=_auth(admin)).status_code == 404


def test_disabling_the_integration_disables_its_keys(client: TestClient, database_url: str) -> None:
    _, admin = seed_org(database_url, "Vendor disabled")
    hook = _created(client, admin, "/api/v1/integrations", {"vendor": "generic", "name": "hook"})
    job = _created(client, admin, "/api/v1/jobs", {"title": "A", "integration_id": hook["id"]})
    key = _created(client, admin, f"/api/v1/integrations/{hook['id']}/api-keys", {"name": "k"})
    ranking = f"/api/v1/jobs/{job['id']}/ranking"
    assert client.get(ranking, headers=_auth(key["api_key"])).status_code == 200
    assert (
        client.delete(f"/api/v1/integrations/{hook['id']}", headers=_auth(admin)).status_code == 204
    )
    refused = client.get(ranking, headers=_auth(key["api_key"]))
    assert refused.status_code == 401 and "disabled" in refused.json()["detail"]
    enabled = client.patch(
        f"/api/v1/integrations/{hook['id']}", json={"active": True}, headers=_auth(admin)
    )
    assert enabled.status_code == 200
    assert client.get(ranking, headers=_auth(key["api_key"])).status_code == 200


def test_the_admin_page_lists_creates_and_revokes_integration_keys(
    client: TestClient, database_url: str
) -> None:
    _, admin = seed_org(database_url, "Vendor page")
    hook = _created(client, admin, "/api/v1/integrations", {"vendor": "generic", "name": "hook"})
    page = client.get("/admin/integrations", headers=_auth(admin))
    assert (
        page.status_code == 200 and "API keys of hook" in page.text and "No keys yet" in page.text
    )
    made = client.post(
        f"/admin/integrations/{hook['id']}/keys",
        data={"name": "Greenhouse account", "scopes": ["results:read"]},
        headers=_auth(admin),
    )
    assert made.status_code == 200 and "It is shown once" in made.text
    listed = client.get(f"/api/v1/integrations/{hook['id']}/api-keys", headers=_auth(admin)).json()
    assert [(k["name"], k["scopes"]) for k in listed] == [("Greenhouse account", ["results:read"])]
    assert listed[0]["prefix"] in made.text
    shown_once = client.get("/admin/integrations", headers=_auth(admin)).text
    assert "It is shown once" not in shown_once and "Greenhouse account" in shown_once
    revoked = client.post(
        f"/admin/integrations/{hook['id']}/keys/{listed[0]['id']}/revoke",
        headers=_auth(admin),
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    after = client.get(f"/api/v1/integrations/{hook['id']}/api-keys", headers=_auth(admin)).json()
    assert after[0]["revoked_at"] is not None
