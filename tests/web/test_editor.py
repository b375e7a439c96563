"""The requirement editor page: every role, the forbidden cases, validation with lines, the
type-ahead with its choices, adding and removing entries, preview, save and the version diff."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import RequirementSet, Role, TaskOutbox
from tests.conftest import REPO_ROOT
from tests.web.browse import form_token, sign_in
from tests.web.seed import Seeded, user_with_role

ROLE_YAML = (REPO_ROOT / "rules/examples/data_analyst.yaml").read_text()
SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
EDITORS = {Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER}  # as the API allows
ROLES = [Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER, Role.VIEWER]


def _editor_url(seeded: Seeded) -> str:
    return f"/jobs/{seeded.job_id}/requirements"


def _post(client: TestClient, seeded: Seeded, action: str, data: dict[str, str], **kw: object):  # type: ignore[no-untyped-def]
    token = form_token(client, _editor_url(seeded))
    return client.post(
        f"{_editor_url(seeded)}/{action}",
        data={**data, "csrf_token": token},
        headers={"accept": "text/html", **kw.pop("headers", {})},  # type: ignore[dict-item]
        follow_redirects=False,
        **kw,  # type: ignore[arg-type]
    )


def _textarea(html: str) -> str:
    found = re.search(r'<textarea id="yaml"[^>]*>(.*?)</textarea>', html, re.S)
    assert found, "no YAML textarea"
    import html as html_lib

    return html_lib.unescape(found.group(1))


@pytest.fixture
def manager(client: TestClient, seeded: Seeded, database_url: str) -> TestClient:
    sign_in(client, user_with_role(database_url, seeded.org_id, Role.HIRING_MANAGER))
    return client


def test_signed_out_the_editor_sends_you_to_sign_in(client: TestClient, seeded: Seeded) -> None:
    html = {"accept": "text/html"}
    for path in (_editor_url(seeded), f"{_editor_url(seeded)}/diff?old=1&new=1"):
        response = client.get(path, headers=html, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login"
    refused = client.post(f"{_editor_url(seeded)}/save", data={"yaml": ROLE_YAML}, headers=html)
    assert refused.status_code == 401


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_every_role_reads_it_and_only_hiring_managers_and_admins_change_it(
    client: TestClient, seeded: Seeded, database_url: str, role: Role
) -> None:
    sign_in(client, user_with_role(database_url, seeded.org_id, role))
    page = client.get(_editor_url(seeded))
    assert page.status_code == 200
    assert "Analyst v1" in page.text and "Version history" in page.text
    assert ("Save as a new version" in page.text) == (role in EDITORS)
    assert ("readonly" in page.text) == (role not in EDITORS)
    occupation = "http://data.europa.eu/esco/occupation/d3edb8f8-3a06-47a0-8fb9-9b212c006aa2"
    forms = {
        "check": {"yaml": ROLE_YAML},
        "preview": {"yaml": ROLE_YAML},
        "add": {"yaml": ROLE_YAML, "kind": "skill", "skill_uri": SQL, "req_id": "sql-2"},
        "remove": {"yaml": ROLE_YAML, "remove_id": "sql"},
        "template": {"yaml": ROLE_YAML, "occupation_uri": occupation},
        "save": {"yaml": ROLE_YAML},
    }
    for action, data in forms.items():
        response = _post(client, seeded, action, data)
        if role in EDITORS:
            assert response.status_code in (200, 303), (role, action, response.text[:300])
        else:
            assert response.status_code == 403, (role, action)
            assert "Not allowed" in response.text and "hiring manager" in response.text
    versions = client.get(f"/api/v1/jobs/{seeded.job_id}/requirement-sets", headers={})
    assert versions.status_code == 200
    assert len(versions.json()) == (2 if role in EDITORS else 1)


def test_a_form_without_the_session_token_is_refused(manager: TestClient, seeded: Seeded) -> None:
    response = manager.post(
        f"{_editor_url(seeded)}/save", data={"yaml": ROLE_YAML}, headers={"accept": "text/html"}
    )
    assert response.status_code == 403 and "expired" in response.text


def test_another_organisations_job_is_not_found(manager: TestClient, seeded: Seeded) -> None:
    html = {"accept": "text/html"}
    assert (
        manager.get(f"/jobs/{seeded.other_org_job_id}/requirements", headers=html).status_code
        == 404
    )
    token = form_token(manager, _editor_url(seeded))
    saved = manager.post(
        f"/jobs/{seeded.other_org_job_id}/requirements/save",
        data={"yaml": ROLE_YAML, "csrf_token": token},
        headers=html,
    )
    assert saved.status_code == 404
    skills = manager.get(f"/jobs/{seeded.other_org_job_id}/requirements/skills?skill_query=SQL")
    assert skills.status_code == 404


def test_problems_are_shown_on_their_lines(manager: TestClient, seeded: Seeded) -> None:
    broken = ROLE_YAML.replace("min_confidence: 0.7}", "min_confidence: 7}")
    line = next(i for i, t in enumerate(broken.splitlines(), 1) if "min_confidence: 7}" in t)
    response = _post(manager, seeded, "check", {"yaml": broken})
    assert response.status_code == 200
    assert f"<strong>Line {line}</strong>" in response.text
    assert "requirements[2].skill.min_confidence" in response.text
    assert _textarea(response.text) == broken  # the draft is kept as typed
    assert 'role="alert">1 problem' in response.text
    live = _post(manager, seeded, "check", {"yaml": broken, "live": "1"})  # while typing
    assert f"<strong>Line {line}</strong>" in live.text and 'role="alert">1' not in live.text
    refused = _post(manager, seeded, "save", {"yaml": broken})
    assert refused.status_code == 422 and "Not saved" in refused.text


def test_an_ambiguous_label_offers_each_skill_with_its_description(
    manager: TestClient, seeded: Seeded
) -> None:
    draft = ROLE_YAML.replace(
        "skill: {uri: http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742}",
        "skill: {label: SQL}",
    )
    line = next(i for i, t in enumerate(draft.splitlines(), 1) if "{label: SQL}" in t)
    checked = _post(manager, seeded, "check", {"yaml": draft}).text
    assert f"<strong>Line {line}</strong>" in checked
    assert "names 2 skills" in checked
    assert "Use “SQL”" in checked and "Use “database management systems”" in checked
    assert "query language for retrieval of information" in checked  # the descriptions
    resolved = _post(
        manager,
        seeded,
        "resolve",
        {"yaml": draft, "resolve_choice": f"requirements[0].skill.label {SQL}"},
    )
    assert resolved.status_code == 200
    text = _textarea(resolved.text)
    assert SQL in text and "label: SQL\n" not in text.split("skill:")[1]
    assert "No problems" in _post(manager, seeded, "check", {"yaml": text}).text

    typed = manager.get(f"{_editor_url(seeded)}/skills", params={"skill_query": "SQL"}).text
    assert "“SQL” names 2 skills: choose the one you mean" in typed
    assert f'value="{SQL}"' in typed and "database management systems" in typed
    near = manager.get(f"{_editor_url(seeded)}/skills", params={"skill_query": "pyth"}).text
    assert "Python (computer programming)" in near


def test_the_form_adds_and_removes_requirement_entries(manager: TestClient, seeded: Seeded) -> None:
    added = _post(
        manager,
        seeded,
        "add",
        {
            "yaml": ROLE_YAML,
            "kind": "credential",
            "req_label": "AWS certification",
            "must": "1",
            "weight": "15",
            "issued_within": "24 months",
            "name_pattern": "*AWS Certified*",
            "issuer_allow": "did:web:aws.example, https://aws.example",
        },
    )
    assert added.status_code == 200, added.text[:500]
    text = _textarea(added.text)
    assert "- id: aws-certification\n  label: AWS certification\n  must: true\n  weight: 15" in text
    assert "issued_within: 24 months" in text and "- did:web:aws.example" in text
    assert "Remove AWS certification" in added.text
    skill = _post(
        manager, seeded, "add", {"yaml": text, "kind": "skill", "skill_uri": SQL, "req_id": "sql-2"}
    )
    assert "- id: sql-2\n  label: SQL\n  weight: 10\n  skill:\n    uri: " + SQL in _textarea(
        skill.text
    )
    trusted = _post(
        manager,
        seeded,
        "add",
        {"yaml": text, "skill_uri": SQL, "req_id": "sql-3", "issuer_allow": "https://edu.example"},
    )
    assert "  filters:\n    issuers:\n      allow:\n      - https://edu.example" in _textarea(
        trusted.text
    )
    twice = _post(
        manager, seeded, "add", {"yaml": text, "kind": "skill", "skill_uri": SQL, "req_id": "sql"}
    )
    assert twice.status_code == 422 and "already there" in twice.text
    removed = _post(manager, seeded, "remove", {"yaml": text, "remove_id": "aws-certification"})
    assert "aws-certification" not in _textarea(removed.text)
    unreadable = _post(manager, seeded, "add", {"yaml": "requirements: [", "skill_uri": SQL})
    assert unreadable.status_code == 422 and "fix the YAML first" in unreadable.text


def test_preview_shows_the_draft_beside_the_current_ranking(
    manager: TestClient, seeded: Seeded
) -> None:
    response = _post(manager, seeded, "preview", {"yaml": ROLE_YAML})
    assert response.status_code == 200, response.text[:500]
    html = response.text
    assert "ranking beside the current one" in html
    assert html.count("Grace Hopper") == 2 and html.count("Alan Turing") == 2
    assert "no longer qualified" in html  # nobody has the SQL must-have
    stored = _post(manager, seeded, "preview", {"yaml": "id: x\nname: x\nrequirements: []"})
    assert stored.status_code == 422 and "Preview: " not in stored.text


def test_save_versions_and_read_the_diff(
    manager: TestClient, seeded: Seeded, database_url: str
) -> None:
    saved = _post(manager, seeded, "save", {"yaml": ROLE_YAML})
    assert saved.status_code == 303
    assert saved.headers["location"].startswith(f"{_editor_url(seeded)}?done=Saved+version+2")
    changed = ROLE_YAML.replace("min_confidence: 0.6 ", "min_confidence: 0.65 ")
    htmx = _post(manager, seeded, "save", {"yaml": changed}, headers={"hx-request": "true"})
    assert htmx.status_code == 204 and "Saved+version+3" in htmx.headers["hx-redirect"]
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        rows = session.exec(
            select(RequirementSet).where(col(RequirementSet.job_id) == seeded.job_id)
        ).all()
        queued = session.exec(
            select(TaskOutbox).where(col(TaskOutbox.organization_id) == seeded.org_id)
        ).all()
    engine.dispose()
    assert sorted(r.version for r in rows) == [1, 2, 3]
    assert [q.task_name for q in queued].count("ats_match.rescore_job") == 2
    page = manager.get(_editor_url(seeded) + "?done=Saved version 3").text
    assert "min_confidence: 0.65" in _textarea(page)
    assert "Changes from version 2" in page and "Saved version 3" in page
    diff = manager.get(f"{_editor_url(seeded)}/diff", params={"old": 2, "new": 3})
    assert diff.status_code == 200
    assert "1 line added, 1 removed" in diff.text
    assert re.search(r'<tr class="removed">.*?<pre>\s*min_confidence: 0.6<', diff.text, re.S)
    assert re.search(r'<tr class="added">.*?<pre>\s*min_confidence: 0.65<', diff.text, re.S)
    missing = manager.get(
        f"{_editor_url(seeded)}/diff", params={"old": 2, "new": 9}, headers={"accept": "text/html"}
    )
    assert missing.status_code == 404


def test_start_from_an_esco_occupation(manager: TestClient, seeded: Seeded) -> None:
    found = manager.get(
        f"{_editor_url(seeded)}/occupations", params={"occupation_query": "data analyst"}
    )
    uri = re.search(r'name="occupation_uri" value="([^"]+)"', found.text)
    assert uri and "data analyst" in found.text
    started = _post(manager, seeded, "template", {"yaml": ROLE_YAML, "occupation_uri": uri[1]})
    text = _textarea(started.text)
    assert "name: data analyst" in text and "perform data analysis" in text
    assert "No problems" in _post(manager, seeded, "check", {"yaml": text}).text
    nothing = _post(manager, seeded, "template", {"yaml": ROLE_YAML})
    assert nothing.status_code == 422 and "pick an occupation" in nothing.text


def test_hostile_text_in_the_draft_is_shown_as_text(manager: TestClient, seeded: Seeded) -> None:
    hostile = ROLE_YAML.replace("label: SQL\n", "label: '<script>alert(1)</script>'\n", 1)
    html = _post(
        manager, seeded, "check", {"yaml": hostile + "oops: <img src=x onerror=alert(1)>"}
    ).text
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
