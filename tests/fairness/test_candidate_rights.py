"""Candidate rights through the API: the per-job notice, the data export, erasure (nothing
personal left anywhere, a redelivery does not bring it back) and the retention task."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import SQLModel, col, select

from ats_match.models import (
    Application,
    ApplicationDecision,
    AuditLog,
    Candidate,
    DeliveryStatus,
    WebhookDelivery,
)
from ats_match.models.base import utcnow
from tests.fairness.conftest import Org, payload
from tests.webhooks.conftest import standard_headers
from tests.worker.conftest import genuine_tokens
from worker import tasks


def _candidate_id(org: Org, app_external_id: str) -> str:
    with org.session() as session:
        found = session.exec(
            select(Application.candidate_id).where(
                col(Application.organization_id) == org.organization_id,
                col(Application.external_id) == app_external_id,
            )
        ).one()
    return str(found)


def _everything(org: Org) -> str:
    """Every row of every table of the organisation (the SQLite database is shared by the
    session's tests), as text: where a name or a reason would be found."""
    with org.session() as session:
        dumped = []
        for table in SQLModel.metadata.sorted_tables:
            statement = sa.select(table)
            if "organization_id" in table.c:
                statement = statement.where(table.c.organization_id == org.organization_id)
            for row in session.execute(statement).all():
                dumped.append(repr(tuple(row)))
    return "\n".join(dumped)


def _audit(org: Org, action: str) -> list[AuditLog]:
    with org.session() as session:
        return list(
            session.exec(
                select(AuditLog).where(
                    col(AuditLog.organization_id) == org.organization_id,
                    col(AuditLog.action) == action,
                )
            ).all()
        )


def test_notice_and_alternative_process_per_job(org: Org) -> None:
    url = f"/api/v1/jobs/{org.job_id}/candidate-notice"
    body = {
        "candidate_notice": "We use ats-match to check the credentials you attach. Ask us for "
        "another process at jobs@fair.example.",
        "alternative_process": True,
    }
    assert org.client.put(url, json=body, headers=org.auth(org.recruiter_key)).status_code == 403
    assert org.client.put(url, json=body, headers=org.auth(org.other_admin_key)).status_code == 404
    saved = org.client.put(url, json=body, headers=org.auth())
    assert saved.status_code == 200, saved.text
    shown = org.client.get(f"/api/v1/jobs/{org.job_id}", headers=org.auth(org.recruiter_key)).json()
    assert (shown["candidate_notice"], shown["alternative_process"]) == (
        body["candidate_notice"],
        True,
    )
    page = org.client.get(f"/jobs/{org.job_id}", headers=org.auth(org.recruiter_key)).text
    assert "jobs@fair.example" in page and "offered" in page
    [entry] = _audit(org, "job.candidate_notice")
    assert entry.data["before"] == {"candidate_notice": "", "alternative_process": False}
    assert entry.data["after"]["alternative_process"] is True


def _apply_and_decide(org: Org, app_id: str) -> str:
    org.deliver(app_id, eeoc={"gender": "FEMALE", "race": "ASIAN"}, tokens=tuple(genuine_tokens(1)))
    org.process()
    application_id = org.application_ids()[app_id]
    for path, body in (
        ("decisions", {"action": "reject", "reason": f"{app_id} lacks SQL"}),
        ("notes", {"body": f"Spoke to Person {app_id} on the phone"}),
    ):
        response = org.client.post(
            f"/api/v1/applications/{application_id}/{path}",
            json=body,
            headers=org.auth(org.recruiter_key),
        )
        assert response.status_code == 201, response.text
    return application_id


def test_export_holds_everything_and_is_admin_only(org: Org) -> None:
    application_id = _apply_and_decide(org, "app-1")
    candidate_id = _candidate_id(org, "app-1")
    url = f"/api/v1/candidates/{candidate_id}/export"
    assert org.client.get(url, headers=org.auth(org.recruiter_key)).status_code == 403
    assert org.client.get(url, headers=org.auth(org.other_admin_key)).status_code == 404
    response = org.client.get(url, headers=org.auth())
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["candidate"]["name"] == "Person app-1"
    [application] = data["applications"]
    assert application["id"] == application_id
    assert (application["eeo_sex"], application["eeo_race_ethnicity"]) == ("female", "asian")
    [credential] = data["credentials"]
    assert credential["raw"].startswith("ey")  # the VC-JWT as sent
    assert data["verification_results"] and data["scores"]
    assert data["decisions"][0]["reason"] == "app-1 lacks SQL"
    assert data["notes"][0]["body"] == "Spoke to Person app-1 on the phone"
    [delivery] = data["webhook_deliveries"]
    assert json.loads(delivery["body"])["data"]["candidate"]["name"] == "Person app-1"
    assert "application.reject" in {entry["action"] for entry in data["audit_log"]}
    assert [e.entity_id for e in _audit(org, "candidate.export")] == [candidate_id]


def test_erasure_leaves_nothing_personal_and_a_redelivery_does_not_resurrect(org: Org) -> None:
    _apply_and_decide(org, "app-1")
    kept = _apply_and_decide(org, "app-2")
    candidate_id = _candidate_id(org, "app-1")
    url = f"/api/v1/candidates/{candidate_id}"
    assert org.client.delete(url, headers=org.auth(org.recruiter_key)).status_code == 403
    assert org.client.delete(url, headers=org.auth(org.other_admin_key)).status_code == 404

    erased = org.client.delete(url, headers=org.auth())

    assert erased.status_code == 200, erased.text
    assert erased.json() == {
        "candidate_id": candidate_id, "applications": 1, "credentials": 1, "deliveries": 1,
        "outbound_events": 0,
    }  # fmt: skip
    everything = _everything(org)
    assert "Person app-1" not in everything and "app-1 lacks SQL" not in everything
    assert "Person app-2" in everything  # the other candidate is untouched
    [entry] = _audit(org, "candidate.erase")
    assert entry.entity_id == candidate_id and entry.data["reason"] == "request"
    assert org.client.get(url + "/export", headers=org.auth()).status_code == 404
    assert org.application_ids().keys() == {"app-2"} and kept

    # the ATS redelivers the old webhook (its inbox row went with the application)
    body = json.dumps(payload("app-1")).encode()
    again = org.client.post(
        f"/webhooks/{org.integration_id}", content=body, headers=standard_headers(org.secret, body)
    )
    assert again.status_code == 202, again.text
    org.pending.append(again.json()["delivery_id"])
    org.process()
    assert org.application_ids().keys() == {"app-2"}
    dropped = next(d for d in org.deliveries() if str(d.id) == again.json()["delivery_id"])
    assert (dropped.status, dropped.body, dropped.application_id) == (
        DeliveryStatus.IGNORED,
        b"",
        None,
    )
    assert "Person app-1" not in _everything(org)


def _backdate(org: Org, app_external_id: str, days: int, *, keep_decisions: bool = False) -> None:
    """Time passing: the candidate and their application's rows are ``days`` old."""
    then = utcnow() - timedelta(days=days)
    with org.session() as session:
        application = session.exec(
            select(Application).where(
                col(Application.organization_id) == org.organization_id,
                col(Application.external_id) == app_external_id,
            )
        ).one()
        updates: list[tuple[Any, Any, dict[str, Any]]] = [
            (Candidate, col(Candidate.id) == application.candidate_id, {"created_at": then}),
            (
                Application,
                col(Application.id) == application.id,
                {"created_at": then, "applied_at": then},
            ),
            (
                WebhookDelivery,
                col(WebhookDelivery.application_id) == application.id,
                {"received_at": then},
            ),
        ]
        if not keep_decisions:
            updates.append(
                (
                    ApplicationDecision,
                    col(ApplicationDecision.application_id) == application.id,
                    {"created_at": then},
                )
            )
        for model, where, values in updates:
            session.execute(sa.update(model).where(where).values(**values))
        session.execute(
            sa.text("UPDATE application_note SET created_at = :then WHERE application_id = :id"),
            {
                "then": then,
                "id": application.id if org.url.startswith("postgres") else application.id.hex,
            },
        )
        session.commit()


def test_retention_task_erases_only_the_long_inactive(org: Org) -> None:
    for app_id in ("old", "old-but-decided-recently", "recent"):
        _apply_and_decide(org, app_id)
    _backdate(org, "old", 100)
    _backdate(org, "old-but-decided-recently", 100, keep_decisions=True)
    assert tasks.enforce_retention.apply().get() == 0  # no retention period set yet
    refused = org.client.put(
        "/api/v1/organization/retention",
        json={"retention_days": 30},
        headers=org.auth(org.recruiter_key),
    )
    assert refused.status_code == 403
    saved = org.client.put(
        "/api/v1/organization/retention", json={"retention_days": 30}, headers=org.auth()
    )
    assert saved.json() == {"retention_days": 30}

    assert tasks.enforce_retention.apply().get() == 1
    assert tasks.enforce_retention.apply().get() == 0  # idempotent: nothing left to erase

    assert org.application_ids().keys() == {"old-but-decided-recently", "recent"}
    [entry] = _audit(org, "candidate.erase")
    assert entry.actor_id is None and entry.data["reason"] == "retention"
    assert uuid.UUID(entry.entity_id)
