"""The organisation's pathways through the API: created, named by a requirement set's stack,
changed (the job re-scored and the candidate's score moves), kept to their organisation."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import AuditLog, Job, Organization, Role, TaskOutbox
from tests.factories import make_user
from tests.web.seed import Seeded

TRACK: dict[str, Any] = {
    "slug": "data-track",
    "name": "Data certification track",
    "description": "From a first course to a practitioner's certificate.",
    "levels": [
        {"label": "Foundation", "achievements": [{"name_pattern": "Intro to Data*"}]},
        {"label": "Practitioner", "achievements": [{"name_pattern": "Certified Data *"}]},
    ],
}

SET_YAML = """
id: analyst-track
name: Analyst on the data track
thresholds: {qualified: 50, shortlist: 80}
requirements:
  - id: track
    label: On the data track
    weight: 10
    stack: {pathway: data-track, min_level: Foundation}
"""


def _auth(key: str, kind: str = "application/json") -> dict[str, str]:
    return {"authorization": f"Bearer {key}", "content-type": kind}


def _user_key(database_url: str, org_id: uuid.UUID, role: Role = Role.ADMIN) -> str:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        org = session.get(Organization, org_id)
        assert org is not None
        _, key = make_user(session, org, role)
        session.commit()
    engine.dispose()
    return key


def _other_org_admin(database_url: str, seeded: Seeded) -> str:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        job = session.get(Job, seeded.other_org_job_id)
        assert job is not None
        other = session.get(Organization, job.organization_id)
        assert other is not None
        _, key = make_user(session, other, Role.ADMIN)
        session.commit()
    engine.dispose()
    return key


def _score(database_url: str, seeded: Seeded) -> tuple[float, str]:
    """The best applicant scored as the worker's scoring task does: its score and the
    stack's sentence."""
    from worker.scoring import score_application

    engine = db.make_engine(database_url)
    with Session(engine, expire_on_commit=False) as session:
        score = score_application(session, seeded.org_id, seeded.best_application_id)
        session.commit()
    engine.dispose()
    assert score is not None
    assert score.explanation is not None
    return score.normalised, score.explanation["rules"][0]["sentence"]


def _rescores_queued(database_url: str, seeded: Seeded) -> int:
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        rows = session.exec(
            select(TaskOutbox).where(
                col(TaskOutbox.task_name) == "ats_match.rescore_job",
                col(TaskOutbox.organization_id) == seeded.org_id,
            )
        ).all()
        count = sum(1 for r in rows if r.args == [str(seeded.org_id), str(seeded.job_id)])
    engine.dispose()
    return count


def test_an_organisation_pathway_scores_a_set_and_its_change_rescores(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    admin = _user_key(database_url, seeded.org_id)
    created = client.post("/api/v1/pathways", json=TRACK, headers=_auth(admin))
    assert created.status_code == 201, created.text
    pathway = created.json()
    assert [lv["label"] for lv in pathway["levels"]] == ["Foundation", "Practitioner"]

    saved = client.post(
        f"/api/v1/jobs/{seeded.job_id}/requirement-sets",
        content=SET_YAML,
        headers=_auth(seeded.key, "application/yaml"),
    )
    assert saved.status_code == 201, saved.text
    before, sentence = _score(database_url, seeded)
    assert before == 0, sentence  # 'Python for Data Analysis' is on no level of the track
    assert "no credential on Data certification track" in sentence
    queued = _rescores_queued(database_url, seeded)

    levels = [
        {"label": "Foundation", "achievements": [{"name_pattern": "Python for Data*"}]},
        TRACK["levels"][1],
    ]
    patched = client.patch(
        f"/api/v1/pathways/{pathway['id']}", json={"levels": levels}, headers=_auth(admin)
    )
    assert patched.status_code == 200, patched.text
    assert _rescores_queued(database_url, seeded) == queued + 1
    after, sentence = _score(database_url, seeded)
    assert after == 100, sentence
    assert "Data certification track" in sentence and "Python for Data Analysis" in sentence

    engine = db.make_engine(database_url)
    with Session(engine) as session:
        actions = session.exec(
            select(AuditLog.action).where(
                col(AuditLog.organization_id) == seeded.org_id,
                col(AuditLog.entity_type) == "pathway",
            )
        ).all()
    engine.dispose()
    assert sorted(actions) == ["pathway.create", "pathway.update"]


def test_a_set_naming_an_unknown_pathway_is_refused(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    response = client.post(
        f"/api/v1/jobs/{seeded.job_id}/requirement-sets",
        content=SET_YAML,
        headers=_auth(seeded.key, "application/yaml"),
    )
    assert response.status_code == 422, response.text
    assert "unknown pathway 'data-track'" in response.text
    assert "requirements[0].stack.pathway" in response.text


def test_a_pathway_in_use_is_kept_and_its_levels_stay_reachable(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    admin = _user_key(database_url, seeded.org_id)
    pathway = client.post("/api/v1/pathways", json=TRACK, headers=_auth(admin)).json()
    practitioner = SET_YAML.replace("min_level: Foundation", "min_level: Practitioner")
    saved = client.post(
        f"/api/v1/jobs/{seeded.job_id}/requirement-sets",
        content=practitioner,
        headers=_auth(seeded.key, "application/yaml"),
    )
    assert saved.status_code == 201, saved.text
    url = f"/api/v1/pathways/{pathway['id']}"
    shorter = client.patch(url, json={"levels": TRACK["levels"][:1]}, headers=_auth(admin))
    assert shorter.status_code == 422, shorter.text
    assert "has no level 'Practitioner'" in shorter.text
    assert client.delete(url, headers=_auth(admin)).status_code == 409
    assert client.get(url, headers=_auth(admin)).status_code == 200


def test_pathways_are_checked_like_a_sets_and_unique(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    admin = _user_key(database_url, seeded.org_id)
    empty_level = {**TRACK, "levels": [{"label": "Foundation"}]}
    refused = client.post("/api/v1/pathways", json=empty_level, headers=_auth(admin))
    assert refused.status_code == 422
    assert "lists no achievements or parts" in refused.text
    bad_step = {**TRACK, "levels": [{"label": "F", "achievements": [{}]}]}
    assert client.post("/api/v1/pathways", json=bad_step, headers=_auth(admin)).status_code == 422
    created = client.post("/api/v1/pathways", json=TRACK, headers=_auth(admin))
    assert created.status_code == 201
    again = client.post("/api/v1/pathways", json=TRACK, headers=_auth(admin))
    assert again.status_code == 409
    renamed = {**TRACK, "slug": "other"}
    assert client.post("/api/v1/pathways", json=renamed, headers=_auth(admin)).status_code == 409
    url = f"/api/v1/pathways/{created.json()['id']}"
    slug_change = client.patch(url, json={"slug": "moved"}, headers=_auth(admin))
    assert slug_change.status_code == 422  # sets name it: the slug is fixed


def test_pathways_are_the_organisations_own_and_admins_change_them(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    admin = _user_key(database_url, seeded.org_id)
    pathway = client.post("/api/v1/pathways", json=TRACK, headers=_auth(admin)).json()
    url = f"/api/v1/pathways/{pathway['id']}"
    stranger = _other_org_admin(database_url, seeded)
    assert client.get(url, headers=_auth(stranger)).status_code == 404
    assert client.patch(url, json={"name": "Mine"}, headers=_auth(stranger)).status_code == 404
    assert client.delete(url, headers=_auth(stranger)).status_code == 404
    assert client.get("/api/v1/pathways", headers=_auth(stranger)).json() == []
    # a member reads them (they write sets naming them); only an admin changes them
    assert [
        p["slug"] for p in client.get("/api/v1/pathways", headers=_auth(seeded.key)).json()
    ] == ["data-track"]
    assert client.patch(url, json={"name": "X"}, headers=_auth(seeded.key)).status_code == 403
    assert (
        client.post("/api/v1/pathways", json=TRACK, headers=_auth(seeded.viewer_key)).status_code
        == 403
    )
    assert client.delete(url, headers=_auth(admin)).status_code == 204
    assert client.get(url, headers=_auth(admin)).status_code == 404


def test_a_sets_own_pathway_comes_before_the_organisations(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    admin = _user_key(database_url, seeded.org_id)
    assert client.post("/api/v1/pathways", json=TRACK, headers=_auth(admin)).status_code == 201
    own = SET_YAML.replace(
        "requirements:",
        "pathways:\n"
        "  - id: data-track\n"
        "    label: Our own track\n"
        "    levels:\n"
        "      - label: Foundation\n"
        "        achievements: [{name_pattern: 'Python for*'}]\n"
        "requirements:",
    )
    response = client.post(
        f"/api/v1/jobs/{seeded.job_id}/what-if",
        content=own,
        headers=_auth(seeded.key, "application/yaml"),
    )
    assert response.status_code == 200, response.text
    ranking = response.json()["ranking"]
    assert {r["score"] for r in ranking} == {100}
    assert "Our own track" in ranking[0]["explanation"]["rules"][0]["sentence"]
