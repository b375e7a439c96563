"""Stacks, pathways and focus through the requirements API: saved, read back and previewed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import REPO_ROOT
from tests.web.seed import Seeded

TRACK_YAML = (REPO_ROOT / "rules/examples/cloud_progressive.yaml").read_text()


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}", "content-type": "application/yaml"}


def test_a_set_with_pathways_is_saved_and_read_back(client: TestClient, seeded: Seeded) -> None:
    url = f"/api/v1/jobs/{seeded.job_id}/requirement-sets"
    saved = client.post(url, content=TRACK_YAML, headers=_auth(seeded.key))
    assert saved.status_code == 201, saved.text
    body = client.get(f"{url}/{saved.json()['version']}", headers=_auth(seeded.key)).json()["body"]
    assert [lv["label"] for lv in body["pathways"][0]["levels"]] == [
        "Foundational",
        "Associate",
        "Professional",
    ]
    kinds = [next(k for k in ("stack", "focus") if k in r) for r in body["requirements"][:3]]
    assert kinds == ["stack", "stack", "focus"]


def test_an_unknown_pathway_is_refused_with_its_reason(client: TestClient, seeded: Seeded) -> None:
    broken = TRACK_YAML.replace(
        "stack: {pathway: aws, min_level: Professional}", "stack: {pathway: gcp}"
    )
    response = client.post(
        f"/api/v1/jobs/{seeded.job_id}/requirement-sets", content=broken, headers=_auth(seeded.key)
    )
    assert response.status_code == 422, response.text
    assert "unknown pathway 'gcp': not in the set's pathways nor the organisation's" in (
        response.text
    )


def test_what_if_explains_stacks_and_focus(client: TestClient, seeded: Seeded) -> None:
    response = client.post(
        f"/api/v1/jobs/{seeded.job_id}/what-if", content=TRACK_YAML, headers=_auth(seeded.key)
    )
    assert response.status_code == 200, response.text
    for row in response.json()["ranking"]:
        rules = {r["rule_id"]: r for r in row["explanation"]["rules"]}
        assert rules["aws-associate"]["condition"]["kind"] == "stack"
        assert "AWS certification track" in rules["aws-associate"]["sentence"]
        assert rules["depth"]["condition"]["kind"] == "focus"
        assert "related credential" in rules["depth"]["sentence"]
