"""Every vendor is registered by name and states its contract; the write-back summary is read
from the outbound score event the product stages."""

from __future__ import annotations

from connectors import PLUGINS, get_connector, vendors
from connectors.base import ResultSummary, ResultWriter


def test_every_vendor_has_a_plugin_with_its_contract() -> None:
    assert vendors() == [
        "ashby",
        "generic",
        "greenhouse",
        "lever",
        "smartrecruiters",
        "teamtailor",
        "workable",
    ]
    expected = {
        "greenhouse": (200, False),
        "lever": (200, True),
        "workable": (200, False),
        "ashby": (200, False),
        "smartrecruiters": (202, True),
        "teamtailor": (200, True),
        "generic": (202, False),
    }
    for plugin in PLUGINS:
        connector = get_connector(plugin.vendor)
        assert (connector.success_status, connector.thin_payload) == expected[plugin.vendor]
        assert connector.response_deadline_seconds <= 10
        if plugin.vendor != "generic":
            assert isinstance(connector, ResultWriter)
    assert get_connector("smartrecruiters").response_deadline_seconds == 5


def test_result_summary_from_the_score_event() -> None:
    summary = ResultSummary.from_event(
        {
            "application_external_id": "71980812",
            "candidate_external_id": "60304594",
            "score": 70.0,
            "qualified": True,
            "shortlisted": False,
            "summary": "Meets 3 of 4 requirements.",
        }
    )
    assert summary == ResultSummary(
        "71980812", "60304594", 70.0, True, "Meets 3 of 4 requirements."
    )


def test_every_vendor_plugin_carries_recruiter_setup_steps() -> None:
    for plugin in PLUGINS:
        if plugin.vendor == "generic":
            continue
        steps = [
            s.format(webhook_url="https://ats-match.example/webhooks/1", secret="s3cret")
            for s in plugin.setup_steps
        ]
        assert steps and any("https://ats-match.example/webhooks/1" in s for s in steps), (
            plugin.vendor
        )
