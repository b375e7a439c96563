"""Rules read the four verification answers through the ``accept`` policy.

Every case goes through ``explain``, which also asserts that the fast and batch paths agree.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from tests.rules.helpers import SQL, cand, cred, explain, outcome, rset, skill

GENUINE: dict[str, Any] = {
    "authenticity": "genuine",
    "validity": "current",
    "holder": "bound",
    "issuer_trust": "unknown",
    "evidence_tier": "cryptographic",
    "verdict": "verified",
}


def sql_rule() -> dict[str, Any]:
    return {"id": "sql", "label": "SQL", "weight": 10, "skill": {"uri": SQL}}


def _with(**answers: Any) -> Any:
    return cand([cred(**{**GENUINE, **answers})], [skill()])


def test_genuine_current_bound_counts() -> None:
    assert outcome(rset(sql_rule()), _with()) == ("met", 10)


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ({"authenticity": "forged", "verdict": "failed"}, "forged"),
        ({"holder": "mismatch", "verdict": "failed"}, "holder_mismatch"),
        ({"issuer_trust": "denied", "verdict": "failed"}, "issuer_denied"),
        ({"validity": "expired", "verdict": "failed"}, "expired"),
        ({"validity": "revoked", "verdict": "failed"}, "revoked"),
    ],
)
def test_what_never_counts_by_default(answers: dict[str, Any], reason: str) -> None:
    ev = explain(rset(sql_rule()), _with(**answers))
    assert ev.rules[0].outcome == "unmet"
    checks = [item.check for cond in _conditions(ev) for item in cond.evidence]
    assert reason in checks


def test_unknown_authenticity_needs_review_never_not_qualified() -> None:
    ev = explain(rset(sql_rule()), _with(authenticity="unknown", verdict="indeterminate"))
    assert ev.rules[0].outcome == "not_evaluable"
    assert "authenticity_unknown" in [i.check for c in _conditions(ev) for i in c.evidence]


def test_unaddressed_and_unproven_count_but_are_flagged() -> None:
    for holder in ("unaddressed", "unproven"):
        ev = explain(rset(sql_rule()), _with(holder=holder, verdict="indeterminate"))
        assert ev.rules[0].outcome == "met"
        items = [i for c in _conditions(ev) for i in c.evidence]
        assert items[0].check == f"ok_{holder}" and "flagged" in items[0].note


def test_a_requirement_can_ask_for_a_bound_holder_and_a_trusted_issuer() -> None:
    strict = {**sql_rule(), "filters": {"accept": {"holder": ["bound"], "issuer": "trusted"}}}
    assert outcome(rset(strict), _with())[0] == "unmet"  # issuer unknown
    assert outcome(rset(strict), _with(issuer_trust="trusted"))[0] == "met"
    assert outcome(rset(strict), _with(issuer_trust="trusted", holder="unaddressed"))[0] == "unmet"


def test_set_defaults_are_inherited_per_axis() -> None:
    inner = {**sql_rule(), "filters": {"accept": {"holder": ["bound"]}}}
    rs = rset(
        inner, defaults={"accept": {"validity": ["current", "expired"]}, "still_valid": False}
    )
    assert outcome(rs, _with(validity="expired", verdict="failed"))[0] == "met"
    assert outcome(rs, _with(validity="expired", holder="unproven"))[0] == "unmet"


def test_minimum_evidence_tier() -> None:
    rs = rset({**sql_rule(), "filters": {"accept": {"min_tier": "issuer_record"}}})
    assert outcome(rs, _with(evidence_tier="issuer_record"))[0] == "met"
    assert outcome(rs, _with(evidence_tier="platform_page"))[0] == "unmet"


def test_unknown_authenticity_can_be_accepted_at_a_discount() -> None:
    rs = rset({**sql_rule(), "filters": {"accept": {"authenticity": ["genuine", "unknown"]}}})
    state, points = outcome(rs, _with(authenticity="unknown", verdict="indeterminate"))
    full = outcome(rs, _with())[1]
    assert state == "partly_met" and 0 < points < full


@pytest.mark.parametrize(
    "accept",
    [{"authenticity": ["forged"]}, {"holder": ["mismatch"]}, {"issuer": ["denied", "trusted"]}],
)
def test_a_policy_that_counts_what_never_counts_is_refused(accept: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="never counts"):
        rset({**sql_rule(), "filters": {"accept": accept}})


def test_evidence_without_answers_keeps_the_legacy_reading() -> None:
    assert outcome(rset(sql_rule()), cand([cred()], [skill()]))[0] == "met"
    assert outcome(rset(sql_rule()), cand([cred(verdict="failed")], [skill()]))[0] == "unmet"


def _checks(ev: Any) -> list[str]:
    return [item.check for cond in _conditions(ev) for item in cond.evidence]


def test_a_requirement_can_require_attached_evidence() -> None:
    rs = rset({**sql_rule(), "filters": {"accept": {"evidence": True}}})
    ev = explain(rs, _with())
    assert ev.rules[0].outcome == "unmet" and _checks(ev) == ["no_evidence"]
    assert "no attached evidence" in ev.rules[0].sentence
    assert outcome(rs, _with(has_evidence=True)) == ("met", 10)
    # legacy evidence (a verdict only) is held to the same demand
    legacy = cand([cred(has_evidence=False)], [skill()])
    assert outcome(rs, legacy)[0] == "unmet"


def test_a_requirement_can_name_the_registries_that_must_trust_the_issuer() -> None:
    rs = rset({**sql_rule(), "filters": {"accept": {"registries": ["DCC Community"]}}})
    trusted_by = _with(issuer_trust="trusted", issuer_registries=["dcc community"])
    assert outcome(rs, trusted_by) == ("met", 10)
    other = _with(issuer_trust="trusted", issuer_registries=["Some other list"])
    assert _checks(explain(rs, other)) == ["issuer_not_in_registry"]
    assert outcome(rs, _with(issuer_registries=["DCC Community"]))[0] == "unmet"  # not trusted


def test_a_requirement_can_require_an_accredited_issuer() -> None:
    rs = rset({**sql_rule(), "filters": {"accept": {"accredited": True}}})
    assert _checks(explain(rs, _with())) == ["issuer_not_accredited"]
    assert outcome(rs, _with(issuer_accreditors=["UKAS"])) == ("met", 10)


def test_evidence_and_trust_demands_are_inherited_from_the_set_defaults() -> None:
    rs = rset(sql_rule(), defaults={"accept": {"evidence": True, "holder": ["bound"]}})
    assert outcome(rs, _with(has_evidence=True))[0] == "met"
    assert outcome(rs, _with(has_evidence=True, holder="unproven"))[0] == "unmet"
    inner = {**sql_rule(), "filters": {"accept": {"evidence": False}}}
    assert outcome(rset(inner, defaults={"accept": {"evidence": True}}), _with())[0] == "met"


def _conditions(ev: Any) -> list[Any]:
    found: list[Any] = []

    def walk(node: Any) -> None:
        found.append(node)
        for child in getattr(node, "children", None) or []:
            walk(child)

    for rule in ev.rules:
        walk(rule.condition)
    return [c for c in found if getattr(c, "evidence", None)]
