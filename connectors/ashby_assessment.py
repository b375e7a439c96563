"""The shape of Ashby's Assessments integration, for showing our score natively in Ashby.

Ashby's guide ("Creating an Assessments Integration") splits the API in two:

- the partner (us) implements ``assessment.list`` (the tests a user may pick),
  ``assessment.start`` (a candidate reached the stage: start the assessment) and
  ``assessment.cancel``;
- Ashby implements ``assessment.update``, which the partner calls as the assessment progresses
  and when the result is ready.

The request / response field names below follow the guide's description as far as it could be
read; the exact result schema (score field names, status values) is listed as unconfirmed in
docs/connectors.md and must be checked against the partner sandbox before release.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ats_match.errors import InvalidInput
from connectors.base import VendorApi

ASSESSMENT_ID = "ats-match-credentials"
ASSESSMENT_NAME = "Verified credentials (ats-match)"


@dataclass(frozen=True)
class StartedAssessment:
    """What ``assessment.start`` tells us (ids we echo back in ``assessment.update``)."""

    assessment_type_id: str
    candidate_id: str
    application_id: str
    job_id: str
    email: str


def assessment_list() -> dict[str, Any]:
    return {
        "success": True,
        "results": [{"assessment_type_id": ASSESSMENT_ID, "name": ASSESSMENT_NAME}],
    }


def read_start(body: Mapping[str, Any]) -> StartedAssessment:
    candidate = body.get("candidate")
    application = body.get("application")
    job = body.get("job")
    if not all(isinstance(x, Mapping) for x in (candidate, application, job)):
        raise InvalidInput("assessment.start needs candidate, application and job objects")
    assert (
        isinstance(candidate, Mapping)
        and isinstance(application, Mapping)
        and isinstance(job, Mapping)
    )
    return StartedAssessment(
        assessment_type_id=str(body.get("assessment_type_id") or ASSESSMENT_ID),
        candidate_id=str(candidate.get("ashby_id") or candidate.get("id") or ""),
        application_id=str(application.get("ashby_id") or application.get("id") or ""),
        job_id=str(job.get("ashby_id") or job.get("id") or ""),
        email=str(candidate.get("email") or ""),
    )


def start_answer(started: StartedAssessment) -> dict[str, Any]:
    """Our id for the started assessment: the application id, since one result per application."""
    return {
        "success": True,
        "results": {"assessment_id": f"{ASSESSMENT_ID}:{started.application_id}"},
    }


def update_body(
    started: StartedAssessment, *, score: float, qualified: bool, profile_url: str, summary: str
) -> dict[str, Any]:
    """The ``assessment.update`` body for a completed result (score 0..100)."""
    return {
        "assessment_id": f"{ASSESSMENT_ID}:{started.application_id}",
        "candidate_id": started.candidate_id,
        "timestamp": datetime.now(UTC).isoformat(),
        "assessment_status": {"type": "Completed", "value": "completed"},
        "assessment_result": {"type": "Score", "value": round(score, 1), "max": 100},
        "assessment_profile_url": profile_url,
        "metadata": [
            {
                "identifier": "qualified",
                "label": "Qualified",
                "value": "yes" if qualified else "no",
            },
            {"identifier": "summary", "label": "Summary", "value": summary[:500]},
        ],
    }


def send_update(api: VendorApi, body: Mapping[str, Any]) -> Any:
    return api.send_json("POST", "assessment.update", dict(body))
