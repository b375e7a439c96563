"""The adverse-impact report on the path a user takes: 100 applications arrive as signed
webhooks carrying the ATS's EEO answers, the worker verifies and scores them, a recruiter
shortlists / advances / rejects through the API, and an admin reads the report as JSON, CSV and
the HTML page. The figures are the hand-computed ones of tests/fairness/population.py."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.fairness.conftest import Org
from tests.fairness.population import members
from tests.worker.conftest import genuine_tokens

MERGE_RACE = {"american_indian_or_alaska_native": "AMERICAN_INDIAN_OR_ALASKAN_NATIVE"}


def _eeoc(i: int, sex: str | None, race: str | None) -> dict[str, Any] | None:
    """Merge-style enums for most, a declined answer or no EEO object for the rest."""
    if sex is None and race is None:
        return (
            None
            if i % 2
            else {"gender": "DECLINE_TO_SELF_IDENTIFY", "race": "DECLINE_TO_SELF_IDENTIFY"}
        )
    return {
        "gender": sex.upper() if sex else "DECLINE_TO_SELF_IDENTIFY",
        "race": MERGE_RACE.get(race or "", (race or "DECLINE_TO_SELF_IDENTIFY").upper()),
    }


def _decide(org: Org, ids: list[str], action: str) -> None:
    if ids:
        response = org.client.post(
            "/api/v1/decisions",
            json={"application_ids": ids, "action": action, "reason": "test population"},
            headers=org.auth(org.recruiter_key),
        )
        assert response.status_code == 201, response.text


@pytest.fixture
def populated(org: Org) -> Org:
    badges = tuple(genuine_tokens(2))  # Python + SQL: 100 points; none: 0
    population = members()
    for i, (sex, race, score, _) in enumerate(population):
        org.deliver(f"app-{i}", eeoc=_eeoc(i, sex, race), tokens=badges if score > 50 else ())
    org.process()
    ids = org.application_ids()
    shortlist = [ids[f"app-{i}"] for i, m in enumerate(population) if m[3] is not None]
    advance = [ids[f"app-{i}"] for i, m in enumerate(population) if m[3] == "advance"]
    others = [ids[f"app-{i}"] for i, m in enumerate(population) if m[3] is None]
    _decide(org, shortlist, "shortlist")
    _decide(org, advance, "advance")  # the newest decision is the current one
    _decide(org, others[::2], "reject")  # a rejection is not a selection
    return org


def _rows(report: dict[str, Any], outcome: str, axis: str) -> dict[str, Any]:
    table = next(t for t in report["tables"] if (t["outcome"], t["axis"]) == (outcome, axis))
    return {
        "unknown": table["unknown"],
        **{
            r["category"]: (r["applicants"], r["selected"], r["rate"], r["impact_ratio"])
            for r in table["categories"]
        },
    }


def test_the_report_matches_the_hand_computed_figures(populated: Org) -> None:
    response = populated.client.get(
        f"/api/v1/jobs/{populated.job_id}/adverse-impact", headers=populated.auth()
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["applicants"], report["version"], report["median_score"]) == (100, 1, 0.0)

    sex = _rows(report, "shortlisted", "sex")
    assert sex["male"] == (50, 18, 0.36, 1.0) and sex["female"] == (40, 12, 0.3, 0.8333)
    assert sex["unknown"] == {"applicants": 10, "selected": 3, "rate": 0.3}
    assert _rows(report, "advanced", "sex")["female"] == (40, 5, 0.125, 0.7812)
    race = _rows(report, "shortlisted", "race_ethnicity")
    assert race["american_indian_or_alaska_native"] == (1, 1, 1.0, None)  # under 2 %: excluded
    assert race["black_or_african_american"] == (25, 5, 0.2, 0.5)
    assert race["white"] == (56, 20, 0.3571, 0.8929)
    assert _rows(report, "shortlisted", "intersection")["female/white"] == (20, 6, 0.3, 0.75)
    scoring = _rows(report, "scoring", "race_ethnicity")
    assert scoring["black_or_african_american"] == (25, 9, 0.36, 0.72)

    text = " ".join(report["summary"])
    assert "100 applications" in text and "under 2 %" in text
    assert (
        "Black or African American applicants' rate of being shortlisted (or advanced) is 0.50"
        in text
    )
    assert "independent auditor" in report["limits"]


def test_csv_and_page_carry_the_same_figures(populated: Org) -> None:
    url = f"/api/v1/jobs/{populated.job_id}/adverse-impact.csv?version=1"
    response = populated.client.get(url, headers=populated.auth())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    female = next(
        r for r in rows if (r["outcome"], r["axis"], r["category"]) == ("advanced", "sex", "female")
    )
    assert (
        female["applicants"],
        female["rate"],
        female["impact_ratio"],
        female["below_four_fifths"],
    ) == (
        "40",
        "0.125",
        "0.7812",
        "True",
    )
    unknown = next(
        r
        for r in rows
        if (r["outcome"], r["axis"], r["category"]) == ("shortlisted", "sex", "unknown")
    )
    assert (unknown["applicants"], unknown["selected"]) == ("10", "3")

    page = populated.client.get(
        f"/jobs/{populated.job_id}/adverse-impact", headers=populated.auth()
    )
    assert page.status_code == 200, page.text
    assert "0.78" in page.text and "Excluded" in page.text and "independent auditor" in page.text
    job_page = populated.client.get(f"/jobs/{populated.job_id}", headers=populated.auth())
    assert f"/jobs/{populated.job_id}/adverse-impact" in job_page.text


def test_admin_only_tenant_scoped_and_versions_checked(org: Org) -> None:
    url = f"/api/v1/jobs/{org.job_id}/adverse-impact"
    assert org.client.get(url, headers=org.auth(org.recruiter_key)).status_code == 403
    assert org.client.get(url, headers=org.auth(org.other_admin_key)).status_code == 404
    assert org.client.get(url + "?version=7", headers=org.auth()).status_code == 404
    empty = org.client.get(url, headers=org.auth()).json()
    assert empty["applicants"] == 0 and empty["tables"] == []
    assert "No application has been scored" in empty["summary"][0]
    page = org.client.get(f"/jobs/{org.job_id}/adverse-impact", headers=org.auth(org.recruiter_key))
    assert page.status_code == 403
