"""The assessment-partner routes answer a body that is not a JSON object with a 422."""

from __future__ import annotations

import base64
import hashlib

from fastapi.testclient import TestClient

from tests.api.world import World
from tests.intake.conftest import seed_org

PARTNER_KEY = "partner-key-for-the-body-tests"


def test_a_partner_body_that_is_not_an_object_is_invalid_input(
    client: TestClient, database_url: str
) -> None:
    org_id, key = seed_org(database_url, "Partnered")
    admin = World(org_id, key)
    basic = {"authorization": "Basic " + base64.b64encode(f"{PARTNER_KEY}:".encode()).decode()}
    digest = hashlib.sha256(PARTNER_KEY.encode()).hexdigest()
    for vendor, route in (("greenhouse", "send_test"), ("ashby", "assessment.start")):
        created = client.post(
            "/api/v1/integrations",
            json={
                "vendor": vendor,
                "name": vendor,
                "webhook_secret": "w" * 32,
                "settings": {"assessment_key_sha256": digest},
            },
            headers=admin.auth,
        )
        assert created.status_code == 201, created.text
        url = f"/partners/{vendor}/{created.json()['id']}/{route}"
        for body in (b"[1]", b"not json", b'"text"'):
            answer = client.post(url, content=body, headers=basic)
            assert answer.status_code == 422, (vendor, body, answer.text)
            assert answer.json()["error"] == "invalid_input"
