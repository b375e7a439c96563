"""Recruiter decisions, notes and tags: API, dashboard forms, audit, and write-back to the ATS."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import AuditLog, TaskOutbox
from tests.support.vendor_server import VendorServer
from tests.web.ats_link import link_to_greenhouse
from tests.web.browse import post_form, sign_in
from tests.web.seed import Seeded


def _auth(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


@pytest.fixture
def vendor() -> Iterator[VendorServer]:
    with VendorServer() as server:
        yield server


def _run_staged_write_backs(database_url: str) -> int:
    """What the worker does with the staged jobs: run each write-back task once."""
    from worker.tasks import write_back_decision

    engine = db.make_engine(database_url)
    with Session(engine) as session:
        jobs = session.exec(
            select(TaskOutbox).where(col(TaskOutbox.task_name) == "ats_match.write_back_decision")
        ).all()
    engine.dispose()
    for job in jobs:
        write_back_decision.apply(args=job.args, task_id=str(job.id), throw=True)
    return len(jobs)


def test_reject_needs_a_reason_and_viewers_cannot_decide(
    client: TestClient, seeded: Seeded
) -> None:
    url = f"/api/v1/applications/{seeded.best_application_id}/decisions"
    refused = client.post(url, json={"action": "reject"}, headers=_auth(seeded.key))
    assert refused.status_code == 422 and "reason" in refused.text
    viewer = client.post(url, json={"action": "shortlist"}, headers=_auth(seeded.viewer_key))
    assert viewer.status_code == 403
    done = client.post(
        url, json={"action": "reject", "reason": "No SQL experience"}, headers=_auth(seeded.key)
    )
    assert done.status_code == 201, done.text
    assert done.json()["write_back"] == "not_applicable"  # no integration: nothing to send
    activity = client.get(
        f"/api/v1/applications/{seeded.best_application_id}/activity", headers=_auth(seeded.key)
    ).json()
    assert [d["action"] for d in activity["decisions"]] == ["reject"]


def test_notes_and_tags_are_stored_and_audited(
    client: TestClient, seeded: Seeded, database_url: str
) -> None:
    base = f"/api/v1/applications/{seeded.best_application_id}"
    note = client.post(
        base + "/notes", json={"body": "Strong portfolio"}, headers=_auth(seeded.key)
    )
    assert note.status_code == 201
    tags = client.put(
        base + "/tags", json={"tags": ["Python", "remote", "python"]}, headers=_auth(seeded.key)
    )
    assert tags.json() == ["python", "remote"]
    bad = client.put(base + "/tags", json={"tags": ["<script>"]}, headers=_auth(seeded.key))
    assert bad.status_code == 422
    activity = client.get(base + "/activity", headers=_auth(seeded.key)).json()
    assert activity["tags"] == ["python", "remote"]
    assert [n["body"] for n in activity["notes"]] == ["Strong portfolio"]
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        actions = set(
            session.exec(
                select(AuditLog.action).where(col(AuditLog.organization_id) == seeded.org_id)
            ).all()
        )
    engine.dispose()
    assert {"application.note", "application.tags"} <= actions


def test_another_organisations_application_cannot_be_decided(
    client: TestClient, seeded: Seeded
) -> None:
    response = client.post(
        "/api/v1/decisions",
        json={
            "action": "shortlist",
            "application_ids": [str(seeded.best_application_id), str(uuid.uuid4())],
        },
        headers=_auth(seeded.key),
    )
    assert response.status_code == 404
    activity = client.get(
        f"/api/v1/applications/{seeded.best_application_id}/activity", headers=_auth(seeded.key)
    ).json()
    assert activity["decisions"] == []  # all or none


def test_bulk_shortlist_is_written_back_to_greenhouse(
    client: TestClient, seeded: Seeded, database_url: str, vendor: VendorServer
) -> None:
    link_to_greenhouse(database_url, seeded.org_id, vendor)
    ranking = client.get(f"/api/v1/jobs/{seeded.job_id}/ranking", headers=_auth(seeded.key))
    ids = [row["application_id"] for row in ranking.json()]
    response = client.post(
        "/api/v1/decisions",
        json={"action": "shortlist", "reason": "Verified Python", "application_ids": ids},
        headers=_auth(seeded.key),
    )
    assert response.status_code == 201, response.text
    assert {d["write_back"] for d in response.json()} == {"pending"}
    assert _run_staged_write_backs(database_url) == 2
    notes = vendor.calls("POST", "/v1/candidates/60304594/activity_feed/notes")
    assert len(notes) == 1
    body = notes[0].json()["body"]
    assert "Shortlisted by" in body and "Verified Python" in body and "82.5 / 100" in body
    assert notes[0].headers["on-behalf-of"] == "92120"
    assert vendor.calls("POST", "/v1/candidates/60304595/activity_feed/notes")
    activity = client.get(
        f"/api/v1/applications/{seeded.best_application_id}/activity", headers=_auth(seeded.key)
    ).json()
    assert activity["decisions"][0]["write_back"] == "sent"
    assert _run_staged_write_backs(database_url) == 2  # run again: nothing is sent twice
    assert len(vendor.calls("POST", "/v1/candidates/60304594/activity_feed/notes")) == 1


def test_a_refused_write_back_is_shown_with_its_reason(
    client: TestClient, seeded: Seeded, database_url: str, vendor: VendorServer
) -> None:
    from tests.support.vendor_server import Answer

    link_to_greenhouse(database_url, seeded.org_id, vendor)
    vendor.answer("GET", "/v1/tags/candidate", Answer({"message": "Invalid credentials"}, 401))
    url = f"/api/v1/applications/{seeded.best_application_id}/decisions"
    client.post(url, json={"action": "advance"}, headers=_auth(seeded.key))
    _run_staged_write_backs(database_url)
    sign_in(client, seeded.email)
    page = client.get(f"/applications/{seeded.best_application_id}").text
    assert "ATS refused" in page and "The ATS did not take it" in page


def test_dashboard_forms_decide_note_and_tag(client: TestClient, seeded: Seeded) -> None:
    sign_in(client, seeded.email)
    app_url = f"/applications/{seeded.best_application_id}"
    refused = post_form(client, app_url + "/decide", {"action": "reject"})
    assert "a rejection needs a reason" in refused.text
    post_form(client, app_url + "/decide", {"action": "shortlist", "reason": "Strong"})
    post_form(client, app_url + "/notes", {"body": "Call on Monday"})
    post_form(client, app_url + "/tags", {"tags": "python, remote"})
    page = client.get(app_url).text
    assert 'data-decision="shortlist"' in page and "Call on Monday" in page
    assert '<span class="tag">remote</span>' in page
    job = client.get(f"/jobs/{seeded.job_id}")
    ids = [str(seeded.best_application_id)]
    done = post_form(
        client,
        f"/jobs/{seeded.job_id}/decide",
        {"action": "reject", "reason": "Filled", "application_id": ids, "back": "?sort=score"},
    )
    assert "Rejected 1" in done.text and 'data-decision="reject"' in done.text
    assert "sort=score" in str(done.url)
    assert job.status_code == 200


def test_viewer_sees_no_decision_forms_and_cannot_post_them(
    client: TestClient, seeded: Seeded
) -> None:
    sign_in(client, seeded.viewer_email)
    app_url = f"/applications/{seeded.best_application_id}"
    page = client.get(app_url).text
    assert (
        "Record decision" not in page
        and "Apply to selected" not in client.get(f"/jobs/{seeded.job_id}").text
    )
    response = post_form(
        client, app_url + "/decide", {"action": "shortlist"}, headers={"accept": "text/html"}
    )
    assert response.status_code == 403
