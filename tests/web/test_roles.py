"""Every dashboard page and form for every role, signed out, and across organisations."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from ats_match.models import Role
from tests.web.browse import post_form, sign_in
from tests.web.seed import Seeded, user_with_role

ROLES = [Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER, Role.VIEWER]
MAY = {  # form -> roles allowed to send it
    "decide": {Role.ADMIN, Role.RECRUITER},
    "tags": {Role.ADMIN, Role.RECRUITER},
    "notes": {Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER},
}


def _pages(seeded: Seeded) -> list[str]:
    return [
        "/",
        f"/jobs/{seeded.job_id}",
        f"/jobs/{seeded.job_id}?needs_review=1&sort=name",
        f"/applications/{seeded.best_application_id}",
        f"/jobs/{seeded.job_id}/export.csv",
    ]


def test_signed_out_every_page_sends_you_to_sign_in(client: TestClient, seeded: Seeded) -> None:
    for path in _pages(seeded):
        response = client.get(path, follow_redirects=False, headers={"accept": "text/html"})
        if path.endswith(".csv"):
            assert response.status_code == 401 and "Please sign in" in response.text
        else:
            assert response.status_code == 303, path
            assert response.headers["location"] == "/login"
    refused = client.post(
        f"/applications/{seeded.best_application_id}/decide",
        data={"action": "shortlist"},
        headers={"accept": "text/html"},
    )
    assert refused.status_code == 401


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_each_role_reads_every_page_and_sends_only_its_forms(
    client: TestClient, seeded: Seeded, database_url: str, role: Role
) -> None:
    sign_in(client, user_with_role(database_url, seeded.org_id, role))
    for path in _pages(seeded):
        assert client.get(path).status_code == 200, (role, path)
    app = f"/applications/{seeded.best_application_id}"
    forms = {
        "decide": (app + "/decide", {"action": "advance"}),
        "tags": (app + "/tags", {"tags": "python"}),
        "notes": (app + "/notes", {"body": "Seen"}),
    }
    for name, (path, data) in forms.items():
        response = post_form(
            client, path, data, follow_redirects=False, headers={"accept": "text/html"}
        )
        expected = 303 if role in MAY[name] else 403
        assert response.status_code == expected, (role, name, response.text[:200])
        if expected == 403:
            assert "Not allowed" in response.text and 'href="/"' in response.text
    bulk = post_form(
        client,
        f"/jobs/{seeded.job_id}/decide",
        {"action": "shortlist", "application_id": [str(seeded.best_application_id)]},
        follow_redirects=False,
        headers={"accept": "text/html"},
    )
    assert bulk.status_code == (303 if role in MAY["decide"] else 403)
    page = client.get(app).text
    assert ("Record decision" in page) == (role in MAY["decide"])
    assert ("Add a note" in page) == (role in MAY["notes"])


def test_another_organisations_pages_are_not_found(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, seeded.email)
    html = {"accept": "text/html"}
    assert client.get(f"/jobs/{seeded.other_org_job_id}", headers=html).status_code == 404
    export = client.get(f"/jobs/{seeded.other_org_job_id}/export.csv", headers=html)
    assert export.status_code == 404
    missing = client.get(f"/applications/{uuid.uuid4()}", headers=html)
    assert missing.status_code == 404 and "Not found" in missing.text
