"""Secrets at rest and their rotation: ciphertext in the database, plaintext only in the
process; a rotated secret's predecessor is accepted until its overlap window ends."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from ats_match import crypto, db
from ats_match.settings import Environment, Settings
from tests.webhooks.conftest import Admin, standard_headers

BODY = json.dumps({"type": "candidate.tagged", "data": {"id": "x"}}).encode()


def _deliver(admin: Admin, integration: str, secret: str) -> int:
    headers = standard_headers(secret, BODY)
    response = admin.client.post(f"/webhooks/{integration}", content=BODY, headers=headers)
    return response.status_code


def _stored(url: str, integration: str) -> tuple[str, str | None]:
    engine = db.make_engine(url)
    with engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT webhook_secret, api_token FROM integration WHERE id = :id"),
            {"id": integration if url.startswith("postgres") else integration.replace("-", "")},
        ).one()
    engine.dispose()
    return row[0], row[1]


def test_secrets_are_encrypted_in_the_database(admin: Admin) -> None:
    created = admin.create(name="GH", vendor="greenhouse", api_token="harvest-key-123456")
    secret, token = _stored(admin.url, created["id"])
    assert secret.startswith(crypto.MARKER) and created["webhook_secret"] not in secret
    assert token is not None and "harvest-key" not in token
    assert crypto.decrypt(secret) == created["webhook_secret"]
    listed = admin.client.get("/api/v1/integrations", headers=admin.auth).json()
    assert all("webhook_secret" not in item and "api_token" not in item for item in listed)


def test_rotation_keeps_the_old_secret_during_the_overlap(admin: Admin) -> None:
    created = admin.create(name="ATS", vendor="generic")
    old = created["webhook_secret"]
    url = f"/api/v1/integrations/{created['id']}"

    rotated = admin.client.patch(url, json={"rotate_secret": True}, headers=admin.auth).json()
    new = rotated["webhook_secret"]

    assert new != old and rotated["previous_secret_expires_at"] is not None
    assert _deliver(admin, created["id"], new) == 202
    assert _deliver(admin, created["id"], old) == 202  # still inside the overlap window

    admin.client.patch(url, json={"rotate_secret": True, "overlap_seconds": 0}, headers=admin.auth)
    assert _deliver(admin, created["id"], old) == 401
    assert _deliver(admin, created["id"], new) == 401  # the one before is gone too


def test_patch_changes_the_subscriber_url_and_disables(admin: Admin) -> None:
    created = admin.create(name="ATS", vendor="generic")
    url = f"/api/v1/integrations/{created['id']}"
    changed = admin.client.patch(
        url, json={"outbound_url": "https://ats.example/results"}, headers=admin.auth
    ).json()
    assert changed["outbound_url"] == "https://ats.example/results"
    assert "webhook_secret" not in changed
    disabled = admin.client.patch(url, json={"active": False}, headers=admin.auth).json()
    assert disabled["active"] is False and disabled["disabled_at"] is not None
    assert _deliver(admin, created["id"], created["webhook_secret"]) == 404


def test_a_legacy_url_safe_secret_still_verifies(admin: Admin) -> None:
    legacy = "whsec_" + "a-b_c" * 8  # the form this product generated before
    created = admin.create(name="Old", vendor="generic", webhook_secret=legacy)
    from ats_match import webhook_signing

    body = BODY
    import time

    ts = int(time.time())
    headers = webhook_signing.headers(legacy, "m-1", ts, body)
    response = admin.client.post(f"/webhooks/{created['id']}", content=body, headers=headers)
    assert response.status_code == 202


def test_settings_refuse_a_placeholder_or_malformed_key_in_production() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        Settings(
            environment=Environment.PRODUCTION, secret_key="x" * 40, encryption_keys=["changethis"]
        )
    with pytest.raises(ValueError, match="Fernet key"):
        Settings(environment=Environment.TESTING, encryption_keys=["not-a-key"])
    good = Fernet.generate_key().decode()
    settings = Settings(
        environment=Environment.PRODUCTION, secret_key="x" * 40, encryption_keys=[good]
    )
    assert settings.resolved_encryption_keys == [good]


def test_key_rotation_decrypts_with_the_old_key() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    stored = crypto.MARKER + crypto._cipher((old,)).encrypt(b"s3cret").decode()
    rotated = crypto._cipher((new, old))
    assert rotated.decrypt(stored.removeprefix(crypto.MARKER).encode()) == b"s3cret"
