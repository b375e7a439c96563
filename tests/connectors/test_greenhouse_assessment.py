"""Greenhouse Assessment Partner API: Greenhouse lists our test, sends it for an application it
knows, polls test_status and gets our score once the application is scored."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session

from ats_match import db
from ats_match.models import Application, Candidate, Integration, Job, RequirementSet, Score
from connectors import greenhouse_assessment as partner
from tests.factories import make_org
from tests.support.vendor_server import VendorServer

PARTNER_KEY = "0d031d8227eafa61dc375a6c2e067e24"


def _basic(key: str) -> dict[str, str]:
    return {"authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def _seed(database_url: str, scored: bool) -> uuid.UUID:
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session, f"GH partner {uuid.uuid4().hex[:6]}")
        integration = Integration(
            organization_id=org.id,
            vendor="greenhouse",
            name="Greenhouse",
            webhook_secret="greenhouse-secret-key-0123456789",
            settings={"assessment_key_sha256": hashlib.sha256(PARTNER_KEY.encode()).hexdigest()},
        )
        session.add(integration)
        session.flush()
        job = Job(
            organization_id=org.id,
            integration_id=integration.id,
            external_id="274075",
            title="Data Scientist",
        )
        candidate = Candidate(
            organization_id=org.id,
            integration_id=integration.id,
            external_id="60304594",
            name="Jane Smith",
        )
        session.add_all([job, candidate])
        session.flush()
        application = Application(
            organization_id=org.id,
            integration_id=integration.id,
            external_id="71980812",
            candidate_id=candidate.id,
            job_id=job.id,
        )
        session.add(application)
        session.flush()
        if scored:
            reqs = RequirementSet(
                organization_id=org.id, job_id=job.id, version=1, name="DS", body={}
            )
            session.add(reqs)
            session.flush()
            session.add(
                Score(
                    organization_id=org.id,
                    application_id=application.id,
                    requirement_set_id=reqs.id,
                    requirement_set_version=1,
                    total=8,
                    max_total=10,
                    normalised=80,
                    qualified=True,
                    shortlisted=True,
                    knocked_out=False,
                    explanation={"summary": "Meets 3 of 4 requirements."},
                )
            )
        session.commit()
    engine.dispose()
    return integration.id


def _send(client: TestClient, integration_id: uuid.UUID) -> str:
    response = client.post(
        f"/partners/greenhouse/{integration_id}/send_test",
        headers=_basic(PARTNER_KEY),
        json={
            "partner_test_id": partner.CREDENTIAL_TEST_ID,
            "candidate": {
                "first_name": "Jane",
                "last_name": "Smith",
                "resume_url": "https://prod-heroku.s3.amazonaws.com/resume",
                "phone_number": "555-555-5555",
                "email": "person@example.com",
                "greenhouse_profile_url": "https://app.greenhouse.io/people/60304594?application_id=71980812",
                "url": "https://app.greenhouse.io/integrations/testing_partners/take_home_tests/12345",
            },
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["partner_interview_id"])


def test_list_send_and_status_with_a_score(client: TestClient, database_url: str) -> None:
    integration_id = _seed(database_url, scored=True)
    tests = client.get(
        f"/partners/greenhouse/{integration_id}/list_tests", headers=_basic(PARTNER_KEY)
    )
    assert tests.json() == [
        {
            "partner_test_id": partner.CREDENTIAL_TEST_ID,
            "partner_test_name": partner.CREDENTIAL_TEST_NAME,
        }
    ]
    interview = _send(client, integration_id)
    status = client.get(
        f"/partners/greenhouse/{integration_id}/test_status",
        params={"partner_interview_id": interview},
        headers=_basic(PARTNER_KEY),
    ).json()
    assert status["partner_status"] == "complete"
    assert status["partner_score"] == 80
    assert "/applications/" in status["partner_profile_url"]
    assert status["metadata"]["Summary"] == "Meets 3 of 4 requirements."


def test_status_before_scoring_is_sent(client: TestClient, database_url: str) -> None:
    integration_id = _seed(database_url, scored=False)
    interview = _send(client, integration_id)
    status = client.get(
        f"/partners/greenhouse/{integration_id}/test_status",
        params={"partner_interview_id": interview},
        headers=_basic(PARTNER_KEY),
    ).json()
    assert status == {"partner_status": "sent"}


def test_wrong_partner_key_and_forged_interview_id_are_refused(
    client: TestClient, database_url: str
) -> None:
    integration_id = _seed(database_url, scored=True)
    url = f"/partners/greenhouse/{integration_id}/list_tests"
    assert client.get(url, headers=_basic("not-the-key")).status_code == 401
    assert client.get(url).status_code == 401
    interview = _send(client, integration_id)
    other = _seed(database_url, scored=True)  # another integration's key cannot read this id
    forged = client.get(
        f"/partners/greenhouse/{other}/test_status",
        params={"partner_interview_id": interview},
        headers=_basic(PARTNER_KEY),
    )
    assert forged.status_code == 404


def test_completion_is_patched_to_the_url_greenhouse_gave(
    vendor: VendorServer, fetcher: Any
) -> None:
    from connectors.vendor_http import VendorClient, VendorConfig

    vendor.answer("PATCH", "/integrations/testing_partners/take_home_tests/12345", None)
    order = partner.TestOrder(
        "71980812",
        partner.CREDENTIAL_TEST_ID,
        "person@example.com",
        vendor.url("/integrations/testing_partners/take_home_tests/12345"),
    )
    import httpx

    config = VendorConfig(base_url=vendor.url("/"), auth=httpx.BasicAuth(PARTNER_KEY, ""))
    with VendorClient(config, fetcher) as api:
        assert partner.mark_completed(api, order)
    patch = vendor.calls("PATCH")[0]
    assert patch.headers["authorization"] == _basic(PARTNER_KEY)["authorization"]


def test_ashby_assessment_endpoints(client: TestClient, database_url: str) -> None:
    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        org = make_org(session, f"Ashby partner {uuid.uuid4().hex[:6]}")
        integration = Integration(
            organization_id=org.id,
            vendor="ashby",
            name="Ashby",
            webhook_secret="ashby-secret-token-0123456789",
            settings={"assessment_key_sha256": hashlib.sha256(PARTNER_KEY.encode()).hexdigest()},
        )
        session.add(integration)
        session.commit()
    engine.dispose()
    base = f"/partners/ashby/{integration.id}"
    listed = client.post(f"{base}/assessment.list", headers=_basic(PARTNER_KEY), json={})
    assert listed.json()["results"][0]["assessment_type_id"] == "ats-match-credentials"
    started = client.post(
        f"{base}/assessment.start",
        headers=_basic(PARTNER_KEY),
        json={
            "assessment_type_id": "ats-match-credentials",
            "candidate": {"ashby_id": "5b591aad", "email": "adam.hart@example.com"},
            "application": {"ashby_id": "23ad9d8c"},
            "job": {"ashby_id": "3ae2b801"},
        },
    )
    assert started.json()["results"]["assessment_id"] == "ats-match-credentials:23ad9d8c"
    assert (
        client.post(f"{base}/assessment.cancel", headers=_basic("wrong"), json={}).status_code
        == 401
    )
    # a Greenhouse URL for an Ashby integration does not exist
    assert (
        client.get(
            f"/partners/greenhouse/{integration.id}/list_tests", headers=_basic(PARTNER_KEY)
        ).status_code
        == 404
    )
