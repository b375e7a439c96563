"""Scoped API keys as a user holds them: issued through the API (shown once, hashed at rest),
read keys only read, write keys never administer, revoked keys stop at once, last use kept."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, select

from ats_match import db
from ats_match.models import ApiKey, AuditLog, Role
from tests.intake.conftest import add_user, seed_org


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def _issue(client: TestClient, key: str, scope: str) -> dict[str, str]:
    answer = client.post(
        "/api/v1/api-keys", json={"name": f"{scope} key", "scope": scope}, headers=_auth(key)
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def test_each_scope_does_what_it_says(client: TestClient, database_url: str) -> None:
    _, admin = seed_org(database_url, "Scoped")
    read, write, full = (_issue(client, admin, s)["api_key"] for s in ("read", "write", "admin"))

    assert client.get("/api/v1/jobs", headers=_auth(read)).status_code == 200
    refused = client.post("/api/v1/jobs", json={"title": "X"}, headers=_auth(read))
    assert refused.status_code == 403 and refused.json()["error"] == "insufficient_scope"

    assert client.post("/api/v1/jobs", json={"title": "X"}, headers=_auth(write)).status_code == 201
    user = {"email": "new@x.example", "role": "viewer"}
    assert client.post("/api/v1/users", json=user, headers=_auth(write)).status_code == 403
    assert client.get("/api/v1/me", headers=_auth(write)).json()["role"] == "recruiter"

    assert client.post("/api/v1/users", json=user, headers=_auth(full)).status_code == 201
    assert client.get("/api/v1/me", headers=_auth(admin)).json()["role"] == "admin"  # unchanged


def test_keys_are_hashed_shown_once_revocable_and_record_their_use(
    client: TestClient, database_url: str
) -> None:
    org_id, admin = seed_org(database_url, "Keys")
    issued = _issue(client, admin, "read")
    assert client.get("/api/v1/jobs", headers=_auth(issued["api_key"])).status_code == 200
    listed = client.get("/api/v1/api-keys", headers=_auth(admin)).json()
    assert [k["id"] for k in listed] == [issued["id"]]
    assert "api_key" not in listed[0] and listed[0]["last_used_at"] is not None
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        row = session.get(ApiKey, uuid.UUID(issued["id"]))
        assert row is not None and issued["api_key"] not in (row.key_hash, row.prefix)
        actions = session.exec(select(AuditLog.action).where(AuditLog.organization_id == org_id))
        assert "api_key.create" in list(actions)
    engine.dispose()

    revoked = client.delete(f"/api/v1/api-keys/{issued['id']}", headers=_auth(admin))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    gone = client.get("/api/v1/jobs", headers=_auth(issued["api_key"]))
    assert gone.status_code == 401 and gone.json()["error"] == "unauthorized"


def test_no_key_above_the_holders_role_and_no_reach_into_others_keys(
    client: TestClient, database_url: str
) -> None:
    org_id, admin = seed_org(database_url, "Roles")
    viewer = add_user(database_url, org_id, Role.VIEWER)
    recruiter = add_user(database_url, org_id, Role.RECRUITER)
    for key, scope in ((viewer, "write"), (viewer, "admin"), (recruiter, "admin")):
        answer = client.post(
            "/api/v1/api-keys", json={"name": "k", "scope": scope}, headers=_auth(key)
        )
        assert answer.status_code == 403, (scope, answer.text)
    admins_key = _issue(client, admin, "read")
    mine = _issue(client, recruiter, "write")
    assert [k["id"] for k in client.get("/api/v1/api-keys", headers=_auth(recruiter)).json()] == [
        mine["id"]
    ]
    theirs = client.delete(f"/api/v1/api-keys/{admins_key['id']}", headers=_auth(recruiter))
    assert theirs.status_code == 404
    _, stranger = seed_org(database_url, "Stranger")
    foreign = client.delete(f"/api/v1/api-keys/{mine['id']}", headers=_auth(stranger))
    assert foreign.status_code == 404
    assert client.get("/api/v1/me", headers=_auth(mine["api_key"])).status_code == 200
