"""Greenhouse's voluntary EEOC answers are read back through Harvest with the application, for
the adverse-impact report; a key without EEOC access leaves them unknown."""

from __future__ import annotations

from typing import Any

from connectors.intake import application_from_delivery
from tests.connectors.test_greenhouse import _delivery, _integration, _serve_harvest
from tests.support.vendor_server import Answer, VendorServer

EEOC_PATH = "/v1/applications/71980812/eeoc"


def test_harvest_eeoc_answers_are_normalised(vendor: VendorServer, fetcher: Any) -> None:
    _serve_harvest(vendor)
    vendor.answer(
        "GET",
        EEOC_PATH,
        {
            "application_id": 71980812,
            "candidate_id": 60304594,
            "race": {"id": 6, "description": "Hispanic or Latino"},
            "gender": {"id": 2, "description": "Female"},
            "veteran_status": {"id": 1, "description": "I am not a protected veteran"},
            "disability_status": {"id": 3, "description": "I don't wish to answer"},
            "submitted_at": "2026-11-20T10:00:00Z",
        },
    )
    parsed = application_from_delivery(_integration(vendor), _delivery(vendor), fetcher)
    assert parsed is not None
    assert (parsed.eeo_sex, parsed.eeo_race_ethnicity) == ("female", "hispanic_or_latino")


def test_without_eeoc_permission_the_answers_are_unknown(
    vendor: VendorServer, fetcher: Any
) -> None:
    _serve_harvest(vendor)
    vendor.answer("GET", EEOC_PATH, Answer({"message": "Missing permission"}, 403))
    parsed = application_from_delivery(_integration(vendor), _delivery(vendor), fetcher)
    assert parsed is not None and parsed.candidate_name == "Jane Smith"
    assert (parsed.eeo_sex, parsed.eeo_race_ethnicity) == (None, None)
