"""What schemathesis found, each fixed in the product and pinned here on the user's path."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.orgs import admin_key_of_new_org


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def _integration(client: TestClient, key: str) -> str:
    created = client.post(
        "/api/v1/integrations",
        json={"vendor": "generic", "name": "hook", "webhook_secret": "s" * 32},
        headers=_auth(key),
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def test_a_job_cannot_refer_to_another_organisations_integration(
    client: TestClient, database_url: str
) -> None:
    mine, theirs = admin_key_of_new_org(database_url), admin_key_of_new_org(database_url, "Other")
    foreign = _integration(client, theirs)
    refused = client.post(
        "/api/v1/jobs", json={"title": "Nurse", "integration_id": foreign}, headers=_auth(mine)
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "body.integration_id"
    assert client.get("/api/v1/jobs", headers=_auth(mine)).json() == []
    own = _integration(client, mine)
    job = {"title": "Nurse", "integration_id": own, "external_id": "J-1"}
    assert client.post("/api/v1/jobs", json=job, headers=_auth(mine)).status_code == 201
    again = client.post("/api/v1/jobs", json=job, headers=_auth(mine))
    assert again.status_code == 409 and again.json()["error"] == "conflict"


def test_a_catalogue_of_the_wrong_shape_is_refused_not_a_crash(
    client: TestClient, database_url: str
) -> None:
    key = admin_key_of_new_org(database_url)
    for content in ([True], [{"id": "a", "name": "b", "vendor_skill": {}}]):
        answer = client.put("/api/v1/skill-files/catalogue", json=content, headers=_auth(key))
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"] == "invalid_input"


def test_a_nul_character_is_invalid_input_on_every_database(
    client: TestClient, database_url: str
) -> None:
    key = admin_key_of_new_org(database_url)
    answer = client.put(
        "/api/v1/issuer-trust", json={"allow": ["did:web:a\u0000b"]}, headers=_auth(key)
    )
    assert answer.status_code in (200, 422)  # SQLite stores it; PostgreSQL cannot
    if answer.status_code == 422:
        assert answer.json()["error"] == "invalid_input"
    assert client.get("/api/v1/me", headers=_auth(key)).status_code == 200
