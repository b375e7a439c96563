"""A manual upload can carry the candidate's voluntary EEO answers (for the adverse-impact
report): stored on the application, shown to no recruiter, never scored; unknown codes are
refused, and an upload without them keeps the bytes (and the digest) it always had."""

from __future__ import annotations

import uuid

from ats_match.models import Application, Score, WebhookDelivery
from tests.intake.conftest import Recruiter
from tests.worker.conftest import genuine_tokens


def test_self_reported_answers_travel_with_an_upload(recruiter: Recruiter) -> None:
    files = [("sql.jwt", genuine_tokens(1)[0].encode(), "text/plain")]
    refused = recruiter.upload(files, eeo_sex="Female")
    assert refused.status_code == 422, refused.text

    response = recruiter.upload(files, eeo_sex="female", eeo_race_ethnicity="two_or_more_races")
    assert response.status_code == 202, response.text
    recruiter.run_worker()
    application_id = uuid.UUID(response.json()["application_id"])
    [application] = recruiter.rows(Application, Application.id == application_id)
    assert (application.eeo_sex, application.eeo_race_ethnicity) == ("female", "two_or_more_races")
    [score] = recruiter.rows(Score, Score.application_id == application_id)
    shown = recruiter.client.get(response.json()["application_url"], headers=recruiter.auth)
    assert shown.status_code == 200 and "two_or_more_races" not in shown.text

    plain = recruiter.upload(files, candidate_email="bob@x.org", candidate_name="Bob")
    [delivery] = recruiter.rows(
        WebhookDelivery, WebhookDelivery.id == uuid.UUID(plain.json()["delivery_id"])
    )
    assert b"eeoc" not in delivery.body
    assert score.requirement_set_version == 1
