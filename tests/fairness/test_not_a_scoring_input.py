"""Self-reported EEO categories are stored from the ATS's payload and never used in scoring: the
same application scored with different (or no) categories gets the identical score."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import col, select

from ats_match.models import Application, Score
from tests.fairness.conftest import Org
from tests.worker.conftest import genuine_tokens
from worker import tasks


def _score(org: Org, application_id: str) -> dict[str, Any]:
    with org.session() as session:
        row = session.exec(
            select(Score).where(col(Score.application_id) == uuid.UUID(application_id))
        ).one()
    return row.model_dump(exclude={"id", "scored_at"})


def _outcome(score: dict[str, Any]) -> tuple[Any, ...]:
    rules = [(r["rule_id"], r["outcome"], r["points"]) for r in score["explanation"]["rules"]]
    return (*(score[k] for k in ("total", "normalised", "qualified", "tier")), rules)


def _rescore(org: Org, application_id: str) -> None:
    tasks.score_application.apply(args=[str(org.organization_id), application_id]).get()


def test_categories_arrive_from_the_ats_and_change_no_score(org: Org) -> None:
    tokens = tuple(genuine_tokens(2))
    org.deliver(
        "app-1", eeoc={"gender": "FEMALE", "race": "BLACK_OR_AFRICAN_AMERICAN"}, tokens=tokens
    )
    org.deliver("app-2", tokens=tokens)  # same credentials, nothing self-reported
    org.process()
    ids = org.application_ids()
    with org.session() as session:
        first = session.get(Application, uuid.UUID(ids["app-1"]))
        assert first is not None
        assert (first.eeo_sex, first.eeo_race_ethnicity) == ("female", "black_or_african_american")
    scored = _score(org, ids["app-1"])
    assert float(scored["normalised"]) > 0, str(scored["explanation"])[:3000]
    assert _outcome(_score(org, ids["app-2"])) == _outcome(scored)  # same badges, no answers
    for sex, race in (("male", "white"), (None, None), ("female", "asian")):
        changed = org.client.put(
            f"/api/v1/applications/{ids['app-1']}/self-identification",
            json={"sex": sex, "race_ethnicity": race},
            headers=org.auth(),
        )
        assert changed.status_code == 200, changed.text
        _rescore(org, ids["app-1"])
        assert _score(org, ids["app-1"]) == scored


def test_the_recruiter_view_of_an_application_does_not_show_the_categories(org: Org) -> None:
    org.deliver("app-1", eeoc={"gender": "MALE", "race": "ASIAN"})
    org.process()
    app_id = org.application_ids()["app-1"]
    shown = org.client.get(f"/api/v1/applications/{app_id}", headers=org.auth(org.recruiter_key))
    assert shown.status_code == 200, shown.text
    assert "eeo_sex" not in shown.text and "asian" not in shown.text.lower()


def test_manual_self_identification_is_admin_only_checked_and_tenant_scoped(org: Org) -> None:
    org.deliver("app-1")
    org.process()
    url = f"/api/v1/applications/{org.application_ids()['app-1']}/self-identification"
    body = {"sex": "female", "race_ethnicity": "white"}
    assert org.client.put(url, json=body, headers=org.auth(org.recruiter_key)).status_code == 403
    assert org.client.put(url, json=body, headers=org.auth(org.other_admin_key)).status_code == 404
    wrong = org.client.put(url, json={"sex": "Female"}, headers=org.auth())
    assert wrong.status_code == 422
    assert org.client.put(url, json=body, headers=org.auth()).json() == body
