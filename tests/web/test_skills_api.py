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


def test_the_server_maps_with_the_organisations_own_files(
    client: TestClient, seeded: Seeded
) -> None:
    own_skill = "urn:acme:skill:reach-truck"
    taxonomy = {
        "skills": [
            {
                "uri": own_skill,
                "preferred_label": "reach truck operation",
                "alt_labels": ["reach truck"],
                "description": "Operate narrow-aisle reach trucks in the ACME warehouses.",
            }
        ]
    }
    headers = _auth(seeded.key)
    put = client.put("/api/v1/skill-files/taxonomy", json=taxonomy, headers=headers)
    assert put.status_code == 200, put.text
    synonyms = {own_skill: ["RT licence"]}
    assert client.put("/api/v1/skill-files/synonyms", json=synonyms, headers=headers).is_success
    catalogue = {
        "credentials": [
            {
                "id": "acme-rtp",
                "name": "ACME Reach Truck Passport",
                "abbreviations": ["ARTP"],
                "skills": [{"uri": own_skill, "reason": "our in-house permit"}],
            }
        ]
    }
    assert client.put("/api/v1/skill-files/catalogue", json=catalogue, headers=headers).is_success
    kinds = [f["kind"] for f in client.get("/api/v1/skill-files", headers=headers).json()]
    assert kinds == ["catalogue", "synonyms", "taxonomy"]

    body = {"credentials": [{"name": "ARTP"}, {"name": "RT licence"}, {"name": "PMP"}]}
    response = client.post("/api/v1/skills/normalise", json=body, headers=headers)
    assert response.status_code == 200, response.text
    permit, synonym, pmp = response.json()["results"]
    assert permit["skills"][0]["uri"] == own_skill
    assert permit["skills"][0]["matched"]["method"] == "catalogue"
    assert synonym["skills"][0]["uri"] == own_skill
    assert pmp["skills"][0]["label"] == "project management"  # the shipped catalogue still counts
    choices = client.get(
        "/api/v1/skills/choices", params={"label": "reach truck"}, headers=headers
    ).json()
    assert [c["uri"] for c in choices["exact"]] == [own_skill]


def test_a_broken_skill_file_is_refused(client: TestClient, seeded: Seeded) -> None:
    response = client.put(
        "/api/v1/skill-files/taxonomy",
        json={"skills": [{"label": "no uri"}]},
        headers=_auth(seeded.key),
    )
    assert response.status_code == 422, response.text
    assert client.get("/api/v1/skill-files", headers=_auth(seeded.key)).json() == []
    viewer = client.put("/api/v1/skill-files/synonyms", json={}, headers=_auth(seeded.viewer_key))
    assert viewer.status_code == 403


def test_a_requirement_set_may_name_the_organisations_own_skill(
    client: TestClient, seeded: Seeded
) -> None:
    own = "urn:acme:skill:cold-store-picking"
    url = f"/api/v1/jobs/{seeded.job_id}/requirement-sets"
    role = ROLE_YAML.replace(SQL_URI, own)
    before = client.post(url, content=role, headers=_auth(seeded.key, "application/yaml"))
    assert before.status_code == 422, before.text
    taxonomy = {"skills": [{"uri": own, "preferred_label": "cold store picking"}]}
    assert client.put(
        "/api/v1/skill-files/taxonomy", json=taxonomy, headers=_auth(seeded.key)
    ).is_success
    after = client.post(url, content=role, headers=_auth(seeded.key, "application/yaml"))
    assert after.status_code == 201, after.text
