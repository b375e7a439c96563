"""The admin pages, used as an admin would: add a person and use the key shown once, connect
an ATS and deliver to it with the secret shown once, change roles (never the last admin away),
save issuer lists and single sign-on, read it all back in the audit log; nobody else gets in."""

from __future__ import annotations

import html
import json
import re
import time
import uuid

import pytest
from fastapi.testclient import TestClient

from ats_match.models import Role
from ats_match.webhook_signing import sign
from tests.web.browse import post_form, sign_in
from tests.web.seed import Seeded, user_with_role

PAGES = (
    "/admin/organisation",
    "/admin/users",
    "/admin/integrations",
    "/admin/trust",
    "/admin/pathways",
    "/admin/sso",
    "/admin/audit",
)


@pytest.fixture
def admin_email(seeded: Seeded, database_url: str) -> str:
    return user_with_role(database_url, seeded.org_id, Role.ADMIN)


def _secret(page: str) -> str:
    match = re.search(r'<code class="secret">([^<]+)</code>', page)
    assert match, "no secret shown"
    return match.group(1)


def test_every_admin_page_renders_for_admins_only(
    client: TestClient, seeded: Seeded, admin_email: str
) -> None:
    for path in PAGES:
        assert client.get(path, follow_redirects=False).status_code == 303  # signed out
    sign_in(client, seeded.email)  # a recruiter
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    assert 'href="/admin"' not in client.get("/").text
    client.cookies.clear()
    sign_in(client, admin_email)
    assert 'href="/admin"' in client.get("/").text
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200 and "<title>" in response.text, path


def test_a_person_added_here_can_use_the_key_shown_once(
    client: TestClient, seeded: Seeded, admin_email: str
) -> None:
    sign_in(client, admin_email)
    email = f"hal-{uuid.uuid4().hex[:6]}@acme.example"
    added = post_form(
        client, "/admin/users", {"email": email, "name": "Hal", "role": "hiring_manager"}
    )
    assert added.status_code == 200 and email in added.text
    key = _secret(added.text)
    me = client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"}).json()
    assert me["email"] == email and me["role"] == "hiring_manager"
    assert key not in client.get("/admin/users").text  # shown once
    duplicate = post_form(client, "/admin/users", {"email": email, "role": "viewer"})
    assert "already exists" in duplicate.text


def test_roles_change_but_the_last_admin_stays(
    client: TestClient, seeded: Seeded, admin_email: str
) -> None:
    sign_in(client, admin_email)
    users = client.get("/api/v1/users", headers={"authorization": f"Bearer {_admin_key(client)}"})
    by_email = {u["email"]: u["id"] for u in users.json()}
    changed = post_form(client, f"/admin/users/{by_email[seeded.email]}/role", {"role": "admin"})
    assert "is now admin" in changed.text
    post_form(client, f"/admin/users/{by_email[seeded.email]}/role", {"role": "recruiter"})
    refused = post_form(client, f"/admin/users/{by_email[admin_email]}/role", {"role": "viewer"})
    assert "at least one admin" in refused.text


def _admin_key(client: TestClient) -> str:
    me = client.get("/admin/users").text
    ids = re.findall(r'action="/admin/users/([0-9a-f-]+)/rotate-key"', me)
    for user_id in ids:
        page = post_form(client, f"/admin/users/{user_id}/rotate-key", {})
        key = _secret(page.text)
        who = client.get("/api/v1/me", headers={"authorization": f"Bearer {key}"}).json()
        if who.get("role") == "admin":
            return key
    raise AssertionError("no admin key")


def test_an_ats_connected_here_receives_webhooks_signed_with_the_secret_shown(
    client: TestClient, seeded: Seeded, admin_email: str
) -> None:
    sign_in(client, admin_email)
    created = post_form(client, "/admin/integrations", {"vendor": "generic", "name": "Our ATS"})
    assert created.status_code == 200 and "Our ATS" in created.text
    secret = _secret(created.text)
    url = re.search(r"Webhook URL to paste into generic: <code>([^<]+)</code>", created.text)
    assert url
    path = "/" + url.group(1).split("/", 3)[3]
    body = json.dumps(
        {"type": "application.created", "data": {"application": {"id": "A-1", "job": {"id": "J"}}}}
    ).encode()
    now = int(time.time())
    headers = {
        "webhook-id": "evt-admin-1",
        "webhook-timestamp": str(now),
        "webhook-signature": sign(secret, "evt-admin-1", now, body),
        "content-type": "application/json",
    }
    delivered = client.post(path, content=body, headers=headers)
    assert delivered.status_code in (200, 202, 422), delivered.text  # signature accepted
    assert delivered.status_code != 401
    integration_id = path.rsplit("/", 1)[1]
    rotated = post_form(client, f"/admin/integrations/{integration_id}/rotate", {})
    assert _secret(rotated.text) != secret and "still accepted" in rotated.text
    disabled = post_form(client, f"/admin/integrations/{integration_id}/disable", {})
    assert "no longer accepts deliveries" in disabled.text


def test_trust_lists_sso_and_the_audit_log(
    client: TestClient, seeded: Seeded, admin_email: str
) -> None:
    sign_in(client, admin_email)
    saved = post_form(
        client,
        "/admin/trust/lists",
        {"allow": "did:web:uni.example\n", "deny": "https://diploma-mill.example"},
    )
    assert "Issuer lists saved" in saved.text and "diploma-mill" in saved.text
    domain = f"acme-{uuid.uuid4().hex[:6]}.example"
    form = {
        "issuer": "https://login.acme.example",
        "client_id": "ats-match",
        "client_secret": "s3cret-value",
        "email_domains": domain,
        "default_role": "recruiter",
        "enabled": "true",
    }
    sso = post_form(client, "/admin/sso", form)
    assert "Single sign-on saved" in sso.text and domain in sso.text
    assert "s3cret-value" not in sso.text and "A secret is stored" in sso.text
    audit = client.get("/admin/audit").text
    assert "org.issuer_trust" in audit and "org.sso" in audit and admin_email in audit


def test_the_retention_period_is_set_on_the_organisation_page(
    client: TestClient, seeded: Seeded, admin_email: str
) -> None:
    sign_in(client, admin_email)
    saved = post_form(client, "/admin/organisation/retention", {"retention_days": "365"})
    assert "kept 365 days after their last activity" in saved.text and 'value="365"' in saved.text
    refused = post_form(client, "/admin/organisation/retention", {"retention_days": "soon"})
    assert "Give a number of days" in refused.text
    cleared = post_form(client, "/admin/organisation/retention", {"retention_days": ""})
    assert "kept until erased" in cleared.text
    assert "organization.retention" in client.get("/admin/audit").text


LEVELS = """- label: Foundation
  achievements: [{name_pattern: "Intro to Data*"}]
- label: Practitioner
  achievements: [{name_pattern: "Python for Data*"}]
"""


def test_a_pathway_added_here_is_named_by_a_jobs_requirements(
    client: TestClient, seeded: Seeded, admin_email: str
) -> None:
    sign_in(client, admin_email)
    form = {"slug": "data-track", "name": "Data track", "levels": LEVELS}
    added = post_form(client, "/admin/pathways", form)
    assert added.status_code == 200 and "Pathway data-track added" in added.text
    assert "Practitioner" in added.text and "Python for Data*" in added.text
    again = post_form(client, "/admin/pathways", form)
    assert "already exists" in again.text
    broken = post_form(client, "/admin/pathways", {**form, "slug": "x", "levels": "- label: F"})
    assert "lists no achievements or parts" in broken.text
    refused = client.post("/admin/pathways", data=form)  # no CSRF token
    assert refused.status_code == 403

    yaml_set = (
        "id: a\nname: A\nrequirements:\n  - id: t\n    weight: 1\n"
        "    stack: {pathway: data-track, min_level: Practitioner}\n"
    )
    saved = client.post(
        f"/api/v1/jobs/{seeded.job_id}/requirement-sets",
        content=yaml_set,
        headers={"authorization": f"Bearer {seeded.key}", "content-type": "application/yaml"},
    )
    assert saved.status_code == 201, saved.text
    pathway_id = re.search(r'action="/admin/pathways/([0-9a-f-]{36})"', added.text)
    assert pathway_id
    url = f"/admin/pathways/{pathway_id[1]}"
    shorter = post_form(
        client, url, {"name": "Data track", "levels": LEVELS.split("- label: P")[0]}
    )
    assert "has no level 'Practitioner'" in html.unescape(shorter.text)
    renamed = post_form(client, url, {"name": "The data track", "levels": LEVELS})
    assert "saved; the jobs that use it are re-scored" in renamed.text
    in_use = post_form(client, f"{url}/delete", {})
    assert "is used by the requirement set of job" in in_use.text
    audit = client.get("/admin/audit").text
    assert "pathway.create" in audit and "pathway.update" in audit
