"""Craft: assets shipped with the app (htmx, Swagger UI), styled error pages with a way on,
and Jinja2 autoescape on every field a badge or an applicant controls."""

from __future__ import annotations

import csv
import io
import re
import uuid

from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Application, Candidate, Credential
from tests.web.browse import post_form, sign_in
from tests.web.seed import Seeded

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_docs_work_offline(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in page
    assert not re.search(r"(src|href)=['\"]https?://", page)
    asset = client.get("/static/swagger/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.content) > 100_000
    assert client.get("/static/swagger/swagger-ui.css").status_code == 200


def test_htmx_is_served_by_the_app(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, seeded.email)
    page = client.get(f"/jobs/{seeded.job_id}").text
    assert 'src="http://testserver/static/vendor/htmx.min.js"' in page
    assert not re.search(r"<script[^>]+src=['\"]https?://(?!testserver)", page)
    script = client.get("/static/vendor/htmx.min.js")
    assert script.status_code == 200 and b"htmx" in script.content[:2000]


def test_error_pages_are_styled_with_navigation(client: TestClient) -> None:
    html = {"accept": "text/html"}
    for path, status in (("/no/such/page", 404), ("/jobs/not-a-uuid", 422)):
        response = client.get(path, headers=html)
        assert response.status_code == status
        body = response.text
        assert '<html lang="en">' in body and "<title>" in body and '<main id="main"' in body
        assert 'href="/"' in body and "app.css" in body
    api = client.get("/api/v1/jobs/not-a-uuid", headers=html)
    assert api.headers["content-type"].startswith("application/json")
    assert client.get("/no/such/page").headers["content-type"].startswith("application/json")


def _make_hostile(database_url: str, application_id: uuid.UUID) -> None:
    """An applicant and a badge whose every visible field is markup."""
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        application = session.get(Application, application_id)
        assert application is not None
        candidate = session.get(Candidate, application.candidate_id)
        assert candidate is not None
        candidate.name = "Grace " + HOSTILE
        candidate.emails = [f"grace+{HOSTILE}@example.org"]
        credential = session.exec(
            select(Credential).where(col(Credential.application_id) == application_id)
        ).one()
        credential.form = {
            **credential.form,
            "achievement": {"name": "Python " + HOSTILE},
            "issuer": {"id": "did:web:evil.example", "name": "Issuer " + HOSTILE},
        }
        session.add_all([candidate, credential])
        session.commit()
    engine.dispose()


def test_hostile_badge_and_applicant_fields_are_escaped(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    _make_hostile(database_url, seeded.best_application_id)
    sign_in(client, seeded.email)
    app_url = f"/applications/{seeded.best_application_id}"
    post_form(client, app_url + "/notes", {"body": "Note " + HOSTILE})
    post_form(client, app_url + "/decide", {"action": "reject", "reason": "Reason " + HOSTILE})
    for path in (f"/jobs/{seeded.job_id}", app_url, f"/jobs/{seeded.job_id}?q=%3Cscript%3E"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page, path
    exported = client.get(f"/jobs/{seeded.job_id}/export.csv").text
    names = [r["candidate"] for r in csv.DictReader(io.StringIO(exported))]
    assert "Grace " + HOSTILE in names  # CSV is text; a spreadsheet shows it as such
