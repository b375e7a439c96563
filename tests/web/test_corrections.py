"""The candidate page's skill correction: recruiters and admins may correct, others may not;
the correction is stored as the organisation's override for the achievement (audited) and
only for credentials of that application and organisation."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import AuditLog, Credential, MappingOverride, Role
from tests.web.browse import post_form, sign_in
from tests.web.seed import Seeded
from tests.web.test_roles import _user_with_role

PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def _credential(database_url: str, seeded: Seeded) -> uuid.UUID:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        row = session.exec(
            select(Credential).where(col(Credential.application_id) == seeded.best_application_id)
        ).first()
        assert row is not None
        row.achievement_id = f"https://badges.example.edu/a/{uuid.uuid4().hex[:8]}"
        session.add(row)
        session.commit()
        credential_id = row.id
    engine.dispose()
    return credential_id


def test_a_recruiter_corrects_a_credentials_skills(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    credential_id = _credential(database_url, seeded)
    base = f"/applications/{seeded.best_application_id}/credentials/{credential_id}"
    sign_in(client, _user_with_role(database_url, seeded.org_id, Role.VIEWER))
    refused = post_form(client, base + "/skills", {"skill_uri": [PYTHON]}, follow_redirects=False)
    assert refused.status_code == 403
    assert (
        "Correct these skills" not in client.get(f"/applications/{seeded.best_application_id}").text
    )

    client.cookies.clear()
    sign_in(client, seeded.email)  # a recruiter
    assert "Correct these skills" in client.get(f"/applications/{seeded.best_application_id}").text
    options = client.get(base + "/skill-options", params={"skill_query": "Python"})
    assert options.status_code == 200 and f'value="{PYTHON}"' in options.text
    done = post_form(client, base + "/skills", {"skill_uri": [PYTHON]}, follow_redirects=False)
    assert done.status_code == 303 and "Skills+corrected" in done.headers["location"]
    unknown = post_form(
        client, base + "/skills", {"skill_uri": ["urn:nope"]}, follow_redirects=False
    )
    assert "unknown+skill" in unknown.headers["location"]
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        overrides = session.exec(
            select(MappingOverride).where(col(MappingOverride.organization_id) == seeded.org_id)
        ).all()
        audited = session.exec(
            select(AuditLog).where(col(AuditLog.action) == "mapping.override")
        ).all()
    engine.dispose()
    assert [o.skill_uris for o in overrides] == [[PYTHON]] and audited


def test_another_applications_or_organisations_credential_is_not_found(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    credential_id = _credential(database_url, seeded)
    sign_in(client, seeded.email)
    elsewhere = f"/applications/{uuid.uuid4()}/credentials/{credential_id}/skills"
    assert post_form(client, elsewhere, {"skill_uri": [PYTHON]}).status_code == 404
    missing = f"/applications/{seeded.best_application_id}/credentials/{uuid.uuid4()}/skills"
    assert post_form(client, missing, {"skill_uri": [PYTHON]}).status_code == 404
