"""Saved views on the job page: a recruiter saves the current filters under a name, opens them
again, replaces and deletes them; they are the recruiter's own and the organisation's own."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from ats_match.models import Role
from tests.web.browse import post_form, sign_in
from tests.web.seed import Seeded
from tests.web.test_roles import _user_with_role


def _views(page: str) -> dict[str, str]:
    return dict(
        (name, href) for href, name in re.findall(r'<li><a href="(/jobs/[^"]+)">([^<]+)</a>', page)
    )


def test_save_open_replace_and_delete_a_view(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    sign_in(client, seeded.email)
    job = f"/jobs/{seeded.job_id}"
    assert "None yet" in client.get(job).text
    saved = post_form(
        client,
        f"{job}/views",
        {"name": "Qualified Python", "back": "?qualified=1&skill=python&page=3&done=x"},
    )
    assert saved.status_code == 200 and "View “Qualified Python” saved" in saved.text
    views = _views(saved.text)
    assert views == {"Qualified Python": f"{job}?qualified=1&amp;skill=python"}
    opened = client.get(f"{job}?qualified=1&skill=python").text
    assert "Alan Turing" not in opened and "Grace Hopper" in opened

    post_form(client, f"{job}/views", {"name": "Qualified Python", "back": "?sort=name"})
    assert _views(client.get(job).text) == {"Qualified Python": f"{job}?sort=name"}
    assert "Give the view a name" in post_form(client, f"{job}/views", {"name": " "}).text

    view_id = re.search(r"/views/([0-9a-f-]+)/delete", client.get(job).text)
    assert view_id
    gone = post_form(client, f"{job}/views/{view_id.group(1)}/delete", {})
    assert "deleted" in gone.text and _views(gone.text) == {}


def test_views_are_each_users_own(client: TestClient, seeded: Seeded, database_url: str) -> None:
    sign_in(client, seeded.email)
    job = f"/jobs/{seeded.job_id}"
    post_form(client, f"{job}/views", {"name": "Mine", "back": "?qualified=1"})
    view_id = re.search(r"/views/([0-9a-f-]+)/delete", client.get(job).text)
    assert view_id
    client.cookies.clear()
    sign_in(client, _user_with_role(database_url, seeded.org_id, Role.RECRUITER))
    assert "Mine" not in client.get(job).text
    refused = post_form(client, f"{job}/views/{view_id.group(1)}/delete", {})
    assert refused.status_code == 404
    other = post_form(client, f"/jobs/{seeded.other_org_job_id}/views", {"name": "x"})
    assert other.status_code == 404
