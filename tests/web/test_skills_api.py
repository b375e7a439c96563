"""Skills through the API: a label several concepts share is offered as choices with their
descriptions, job titles from ESCO occupations, and bulk mapping of a badge catalogue."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import REPO_ROOT
from tests.web.seed import Seeded

ROLE_YAML = (REPO_ROOT / "rules/examples/data_analyst.yaml").read_text()
SQL_URI = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
BY_LABEL = ROLE_YAML.replace(f"skill: {{uri: {SQL_URI}}}", "skill: {label: SQL}")


def _auth(key: str, kind: str = "application/json") -> dict[str, str]:
    return {"authorization": f"Bearer {key}", "content-type": kind}


def test_an_ambiguous_label_is_offered_as_choices_then_saved_by_uri(
    client: TestClient, seeded: Seeded
) -> None:
    assert BY_LABEL != ROLE_YAML
    url = f"/api/v1/jobs/{seeded.job_id}/requirement-sets"
    refused = client.post(url, content=BY_LABEL, headers=_auth(seeded.key, "application/yaml"))
    assert refused.status_code == 422, refused.text
    [error] = [e for e in refused.json()["errors"] if e["field"].endswith(".skill.label")]
    assert "names 2 skills" in error["message"]
    offered = {c["uri"]: c for c in error["choices"]}
    assert SQL_URI in offered and all(c["description"] for c in offered.values())

    choices = client.get(
        "/api/v1/skills/choices", params={"label": "SQL"}, headers=_auth(seeded.key)
    )
    assert choices.status_code == 200, choices.text
    assert {c["uri"] for c in choices.json()["exact"]} == set(offered)

    picked = BY_LABEL.replace("skill: {label: SQL}", f"skill: {{uri: {SQL_URI}}}")
    saved = client.post(url, content=picked, headers=_auth(seeded.key, "application/yaml"))
    assert saved.status_code == 201, saved.text


def test_an_unknown_label_gets_near_matches(client: TestClient, seeded: Seeded) -> None:
    response = client.get(
        "/api/v1/skills/choices", params={"label": "spreadsheet work"}, headers=_auth(seeded.key)
    )
    body = response.json()
    assert response.status_code == 200 and body["exact"] == []
    assert body["suggestions"] and all(s["confidence"] is not None for s in body["suggestions"])


def test_job_title_search(client: TestClient, seeded: Seeded) -> None:
    response = client.get(
        "/api/v1/occupations", params={"q": "data analyst", "limit": 3}, headers=_auth(seeded.key)
    )
    assert response.status_code == 200, response.text
    assert response.json()[0]["uri"].startswith("http://data.europa.eu/esco/occupation/")
    assert "data" in response.json()[0]["label"]


def test_bulk_mapping_keeps_order(client: TestClient, seeded: Seeded) -> None:
    body = {
        "credentials": [
            {"name": "Certified Associate in Project Management (CAPM)"},
            {"name": "Java Barista Certificate", "description": "Espresso and latte art."},
        ]
    }
    response = client.post("/api/v1/skills/normalise", json=body, headers=_auth(seeded.key))
    assert response.status_code == 200, response.text
    first, second = response.json()["results"]
    assert first["skills"][0]["matched"]["method"] == "catalogue"
    assert "Java (computer programming)" not in {s["label"] for s in second["skills"]}


def test_skills_api_needs_a_key(client: TestClient) -> None:
    assert client.get("/api/v1/skills/choices", params={"label": "SQL"}).status_code == 401
