"""Requirement sets through the API: versions, precise errors, ranking, what-if, overrides."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import AuditLog, RequirementSet, TaskOutbox
from tests.conftest import REPO_ROOT
from tests.web.seed import Seeded

ROLE_YAML = (REPO_ROOT / "rules/examples/data_analyst.yaml").read_text()
PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"


def _auth(key: str, kind: str = "application/yaml") -> dict[str, str]:
    return {"authorization": f"Bearer {key}", "content-type": kind}


def _rows(url: str, model, *where):  # type: ignore[no-untyped-def]
    engine = db.make_engine(url)
    with Session(engine) as session:
        rows = session.exec(select(model).where(*where)).all()
    engine.dispose()
    return rows


def test_each_save_is_a_new_version_and_rescoring_is_queued(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    url = f"/api/v1/jobs/{seeded.job_id}/requirement-sets"
    first = client.post(url, content=ROLE_YAML, headers=_auth(seeded.key))
    assert first.status_code == 201, first.text
    second = client.post(
        url, content=ROLE_YAML.replace("shortlist: 75", "shortlist: 80"), headers=_auth(seeded.key)
    )
    assert [first.json()["version"], second.json()["version"]] == [2, 3]  # the seed holds v1
    listed = client.get(url, headers=_auth(seeded.key)).json()
    assert [v["version"] for v in listed] == [3, 2, 1]
    assert client.get(f"{url}/2", headers=_auth(seeded.key)).json()["body"]["id"] == "data-analyst"
    jobs = _rows(
        database_url,
        TaskOutbox,
        col(TaskOutbox.task_name) == "ats_match.rescore_job",
        col(TaskOutbox.organization_id) == seeded.org_id,
    )
    assert len(jobs) == 2
    audited = _rows(
        database_url,
        AuditLog,
        col(AuditLog.action) == "requirement_set.create",
        col(AuditLog.organization_id) == seeded.org_id,
    )
    assert len(audited) == 2


def test_yaml_errors_name_the_line_and_the_field(client: TestClient, seeded: Seeded) -> None:
    broken = ROLE_YAML.replace("min_confidence: 0.7}", "min_confidence: 7}")
    response = client.post(
        f"/api/v1/jobs/{seeded.job_id}/requirement-sets", content=broken, headers=_auth(seeded.key)
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"].endswith("min_confidence")
    assert (
        error["line"]
        == ROLE_YAML.splitlines().index(
            next(line for line in ROLE_YAML.splitlines() if "min_confidence: 0.7}" in line)
        )
        + 1
    )


def test_unknown_skill_uris_are_refused_at_save_time(client: TestClient, seeded: Seeded) -> None:
    body = {
        "id": "x",
        "name": "X",
        "requirements": [
            {
                "id": "r",
                "weight": 1,
                "skill": {
                    "uri": "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
                },
            }
        ],
    }
    response = client.post(
        f"/api/v1/jobs/{seeded.job_id}/requirement-sets",
        json=body,
        headers=_auth(seeded.key, "application/json"),
    )
    assert response.status_code == 422
    assert "unknown skill URI" in response.json()["errors"][0]["message"]


def test_a_viewer_cannot_change_requirements(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    response = client.post(
        f"/api/v1/jobs/{seeded.job_id}/requirement-sets",
        content=ROLE_YAML,
        headers=_auth(seeded.viewer_key),
    )
    assert response.status_code == 403
    assert (
        len(_rows(database_url, RequirementSet, col(RequirementSet.job_id) == seeded.job_id)) == 1
    )


def test_ranking_returns_stored_scores_in_rank_order(client: TestClient, seeded: Seeded) -> None:
    rows = client.get(f"/api/v1/jobs/{seeded.job_id}/ranking", headers=_auth(seeded.key)).json()
    assert [r["candidate_name"] for r in rows] == ["Grace Hopper", "Alan Turing"]
    assert rows[0]["explanation"]["rules"][0]["sentence"]


def test_what_if_scores_a_draft_and_saves_nothing(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    response = client.post(
        f"/api/v1/jobs/{seeded.job_id}/what-if", content=ROLE_YAML, headers=_auth(seeded.key)
    )
    assert response.status_code == 200, response.text
    ranking = response.json()["ranking"]
    assert len(ranking) == 2 and ranking[0]["explanation"]["rules"]
    assert (
        len(_rows(database_url, RequirementSet, col(RequirementSet.job_id) == seeded.job_id)) == 1
    )


def test_mapping_override_is_audited_and_requeues_holders(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    response = client.put(
        "/api/v1/mapping-overrides",
        headers=_auth(seeded.key, "application/json"),
        json={"achievement_id": "https://example.edu/a/1", "skill_uris": [PYTHON]},
    )
    assert response.status_code == 200, response.text
    bad = client.put(
        "/api/v1/mapping-overrides",
        headers=_auth(seeded.key, "application/json"),
        json={"achievement_id": "x", "skill_uris": ["http://nope"]},
    )
    assert bad.status_code == 422
    audited = _rows(
        database_url,
        AuditLog,
        col(AuditLog.action) == "mapping.override",
        col(AuditLog.organization_id) == seeded.org_id,
    )
    assert audited[0].data["after"] == [PYTHON]
