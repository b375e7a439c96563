"""Every construct of the language, and the edge cases the issue lists."""

from __future__ import annotations

from datetime import date

import pytest

from rules import ResultValue, evaluate
from tests.rules.helpers import PY, REF, SQL, R, cand, cred, explain, outcome, rset, skill


def sql_rule(**check: object) -> dict[str, object]:
    return {"id": "sql", "label": "SQL", "weight": 10, "skill": {"uri": SQL, **check}}


class TestSkill:
    def test_verified_mapping_is_met_with_full_points(self) -> None:
        ev = explain(rset(sql_rule()), cand([cred()], [skill()]))
        rule = ev.rules[0]
        assert (rule.outcome, rule.points, rule.max_points) == ("met", 10, 10)
        assert ev.normalised == 100.0
        item = rule.evidence[0]
        assert (item.credential_id, item.skill_uri, item.mapping_confidence, item.verdict) == (
            "c1",
            SQL,
            0.9,
            "verified",
        )
        assert rule.sentence.startswith("SQL: met - ") and "confidence 0.90" in rule.sentence

    def test_empty_evidence_is_unmet_not_a_crash(self) -> None:
        ev = explain(rset(sql_rule()), cand())
        assert (ev.rules[0].outcome, ev.rules[0].points, ev.normalised) == ("unmet", 0, 0.0)
        assert "no attached credential shows it" in ev.rules[0].sentence

    def test_low_mapping_confidence_does_not_count(self) -> None:
        rs = rset(sql_rule(min_confidence=0.95))
        assert outcome(rs, cand([cred()], [skill(confidence=0.9)])) == ("unmet", 0)

    def test_default_min_confidence_is_half(self) -> None:
        assert outcome(rset(sql_rule()), cand([cred()], [skill(confidence=0.49)]))[0] == "unmet"
        assert outcome(rset(sql_rule()), cand([cred()], [skill(confidence=0.5)]))[0] == "met"

    def test_skill_without_credential_is_not_evaluable(self) -> None:
        ev = explain(rset(sql_rule()), cand([], [skill(cid=None)]))
        assert ev.rules[0].outcome == "not_evaluable"

    def test_match_by_label_case_insensitive(self) -> None:
        rs = rset({"id": "sql", "weight": 1, "skill": {"label": "sql"}})
        assert outcome(rs, cand([cred()], [skill(uri="urn:other", label="SQL")]))[0] == "met"

    def test_label_resolved_through_taxonomy(self) -> None:
        rs = rset({"id": "sql", "weight": 1, "skill": {"label": "Structured Query Language"}})
        resolve = {"Structured Query Language": SQL}.get
        assert outcome(rs, cand([cred()], [skill()]), resolve_label=resolve)[0] == "met"

    def test_narrower_skills_only_when_asked(self) -> None:
        tree = {SQL: ["urn:postgres"], "urn:postgres": ["urn:pg-tuning"]}
        evidence = cand([cred()], [skill(uri="urn:pg-tuning")])
        narrow = rset(sql_rule(include_narrower=True))
        assert outcome(narrow, evidence, narrower=lambda u: tree.get(u, []))[0] == "met"
        assert outcome(rset(sql_rule()), evidence, narrower=lambda u: tree.get(u, []))[0] == "unmet"

    def test_best_of_several_mappings_wins(self) -> None:
        rs = rset(sql_rule(min_confidence=0.8))
        evidence = cand(
            [cred("c1"), cred("c2")], [skill(cid="c1", confidence=0.6), skill(cid="c2")]
        )
        ev = explain(rs, evidence)
        assert ev.rules[0].outcome == "met" and len(ev.rules[0].evidence) == 2


class TestCredential:
    def test_by_achievement_id(self) -> None:
        rs = rset({"id": "x", "weight": 5, "credential": {"achievement_id": "ach:x"}})
        assert outcome(rs, cand([cred()])) == ("met", 5)
        assert outcome(rs, cand([cred(achievement_id="ach:y")])) == ("unmet", 0)

    def test_by_issuer_id(self) -> None:
        rs = rset({"id": "x", "weight": 5, "credential": {"issuer_id": "iss:a"}})
        assert outcome(rs, cand([cred()]))[0] == "met"
        assert outcome(rs, cand([cred(issuer_id="iss:b")]))[0] == "unmet"

    def test_by_name_pattern_glob_case_insensitive(self) -> None:
        rs = rset({"id": "x", "weight": 5, "credential": {"name_pattern": "*aws certified*"}})
        assert outcome(rs, cand([cred(achievement_name="AWS Certified Developer")]))[0] == "met"
        assert outcome(rs, cand([cred(achievement_name="Azure Fundamentals")]))[0] == "unmet"
        assert outcome(rs, cand([cred(achievement_name=None)]))[0] == "unmet"

    def test_all_identity_fields_must_hold(self) -> None:
        rs = rset(
            {
                "id": "x",
                "weight": 5,
                "credential": {"achievement_id": "ach:x", "issuer_id": "iss:a"},
            }
        )
        assert outcome(rs, cand([cred(issuer_id="iss:b")]))[0] == "unmet"


class TestVerification:
    def test_failed_never_counts(self) -> None:
        rs = rset(sql_rule(verified_only=False))
        ev = explain(rs, cand([cred(verdict="failed")], [skill()]))
        assert ev.rules[0].outcome == "unmet"
        assert "failed verification" in ev.rules[0].sentence

    def test_indeterminate_under_verified_only_is_not_evaluable(self) -> None:
        ev = explain(rset(sql_rule()), cand([cred(verdict="indeterminate")], [skill()]))
        assert (ev.rules[0].outcome, ev.rules[0].points) == ("not_evaluable", 0)
        assert ev.not_evaluable == 1

    def test_indeterminate_accepted_with_stated_penalty(self) -> None:
        rs = rset(sql_rule(verified_only=False, indeterminate_penalty=0.3))
        ev = explain(rs, cand([cred(verdict="indeterminate")], [skill()]))
        assert (ev.rules[0].outcome, ev.rules[0].points) == ("partly_met", 7.0)
        assert "30% of the points are deducted" in ev.rules[0].sentence

    def test_default_penalty_is_half(self) -> None:
        rs = rset(sql_rule(verified_only=False))
        assert outcome(rs, cand([cred(verdict="indeterminate")], [skill()])) == ("partly_met", 5)

    def test_verified_beats_indeterminate(self) -> None:
        rs = rset(sql_rule(verified_only=False))
        evidence = cand(
            [cred("c1", verdict="indeterminate"), cred("c2")], [skill(cid="c1"), skill(cid="c2")]
        )
        assert outcome(rs, evidence) == ("met", 10)

    def test_unverified_is_not_evaluable(self) -> None:
        assert outcome(rset(sql_rule()), cand([cred(verdict="unverified")], [skill()]))[0] == (
            "not_evaluable"
        )

    def test_indeterminate_must_is_not_qualified_but_not_knocked_out(self) -> None:
        rs = rset({**sql_rule(), "must": True}, thresholds={"qualified": 0, "shortlist": 0})
        ev = explain(rs, cand([cred(verdict="indeterminate")], [skill()]))
        assert (ev.knocked_out, ev.needs_review, ev.qualified) == (False, True, False)
        assert ev.rules[0].sentence.startswith("Needs review: ")


class TestDates:
    def test_expired_but_verified_does_not_count(self) -> None:
        ev = explain(rset(sql_rule()), cand([cred(valid_until=date(2026, 5, 31))], [skill()]))
        assert ev.rules[0].outcome == "unmet"
        assert "expired on 2026-05-31" in ev.rules[0].sentence
        item = ev.rules[0].evidence[0]
        assert (item.verdict, item.check, item.valid_until) == (
            "verified",
            "expired",
            date(2026, 5, 31),
        )

    def test_valid_on_its_last_day(self) -> None:
        assert outcome(rset(sql_rule()), cand([cred(valid_until=REF)], [skill()]))[0] == "met"

    def test_expired_counts_when_validity_not_required(self) -> None:
        rs = rset(sql_rule(still_valid=False))
        assert outcome(rs, cand([cred(valid_until=date(2020, 1, 1))], [skill()]))[0] == "met"

    def test_not_yet_valid(self) -> None:
        ev = explain(rset(sql_rule()), cand([cred(valid_from=date(2026, 7, 1))], [skill()]))
        assert ev.rules[0].evidence[0].check == "not_yet_valid"

    def test_issued_within_window(self) -> None:
        rs = rset(sql_rule(issued_within="24 months"))
        assert outcome(rs, cand([cred(issued_at=date(2024, 6, 1))], [skill()]))[0] == "met"
        ev = explain(rs, cand([cred(issued_at=date(2024, 5, 31))], [skill()]))
        assert ev.rules[0].outcome == "unmet"
        assert "more than 24 months before the evaluation date 2026-06-01" in ev.rules[0].sentence

    @pytest.mark.parametrize("window", ["2 years", "P2Y", "P24M", "730 days", "104 weeks"])
    def test_window_spellings(self, window: str) -> None:
        rs = rset(sql_rule(issued_within=window))
        assert outcome(rs, cand([cred(issued_at=date(2024, 6, 3))], [skill()]))[0] == "met"

    def test_missing_issue_date_under_window_is_not_evaluable(self) -> None:
        rs = rset(sql_rule(issued_within="1 year"))
        assert outcome(rs, cand([cred(issued_at=None)], [skill()]))[0] == "not_evaluable"

    def test_datetime_inputs_are_utc_dates(self) -> None:
        c = cred(valid_until="2026-06-01T23:30:00-02:00")  # 2026-06-02 in UTC
        assert c.valid_until == date(2026, 6, 2)

    def test_reference_date_drives_windows(self) -> None:
        rs = rset(sql_rule(issued_within="12 months"))
        evidence = cand([cred(issued_at=date(2025, 1, 1))], [skill()])
        assert outcome(rs, evidence)[0] == "unmet"
        ev = evaluate(rs, evidence, date(2025, 6, 1))
        assert ev.rules[0].outcome == "met" and ev.reference_date == date(2025, 6, 1)


class TestIssuers:
    def test_deny_list(self) -> None:
        rs = rset(sql_rule(issuers={"deny": ["iss:a"]}))
        ev = explain(rs, cand([cred()], [skill()]))
        assert ev.rules[0].outcome == "unmet" and "deny-list" in ev.rules[0].sentence

    def test_names_never_identify_an_issuer(self) -> None:
        """Anyone can call themselves "Issuer A": lists match the issuer's id only."""
        denied_by_name = rset(sql_rule(issuers={"deny": ["Issuer A"]}))
        assert outcome(denied_by_name, cand([cred()], [skill()]))[0] == "met"

    def test_allow_list_by_id_not_name(self) -> None:
        assert (
            outcome(rset(sql_rule(issuers={"allow": ["iss:a"]})), cand([cred()], [skill()]))[0]
            == "met"
        )
        assert (
            outcome(rset(sql_rule(issuers={"allow": ["issuer a"]})), cand([cred()], [skill()]))[0]
            == "unmet"
        )
        assert (
            outcome(rset(sql_rule(issuers={"allow": ["iss:b"]})), cand([cred()], [skill()]))[0]
            == "unmet"
        )

    def test_set_defaults_apply_and_inner_layers_override(self) -> None:
        rs = rset(sql_rule(), defaults={"issuers": {"deny": ["iss:a"]}})
        assert outcome(rs, cand([cred()], [skill()]))[0] == "unmet"
        rs = rset(
            {**sql_rule(), "filters": {"issuers": {"deny": []}}},
            defaults={"issuers": {"deny": ["iss:a"]}},
        )
        assert outcome(rs, cand([cred()], [skill()]))[0] == "met"


class TestLevelsAndResults:
    LEVELS = ["novice", "competent", "expert"]

    def test_ordinal_level(self) -> None:
        rs = rset(sql_rule(min_level="competent", levels=self.LEVELS))
        assert outcome(rs, cand([cred(level="Expert")], [skill()]))[0] == "met"
        assert outcome(rs, cand([cred(level="novice")], [skill()]))[0] == "unmet"
        assert outcome(rs, cand([cred(level="guru")], [skill()]))[0] == "not_evaluable"
        assert outcome(rs, cand([cred()], [skill()]))[0] == "not_evaluable"

    def test_skill_level_overrides_credential_level(self) -> None:
        rs = rset(sql_rule(min_level="competent", levels=self.LEVELS))
        assert outcome(rs, cand([cred(level="novice")], [skill(level="expert")]))[0] == "met"

    def test_numeric_level(self) -> None:
        rs = rset(
            {"id": "x", "weight": 1, "credential": {"achievement_id": "ach:x", "min_level": 4}}
        )
        assert outcome(rs, cand([cred(level="5")]))[0] == "met"
        assert outcome(rs, cand([cred(level="3")]))[0] == "unmet"

    def test_min_result_numeric_and_named(self) -> None:
        rs = rset(
            {
                "id": "x",
                "weight": 1,
                "credential": {
                    "achievement_id": "ach:x",
                    "min_result": {"name": "score", "min": 70},
                },
            }
        )
        ok = cred(results=[ResultValue(name="Score", value="82")])
        low = cred(results=[ResultValue(name="score", value="65")])
        other = cred(results=[ResultValue(name="attendance", value="99")])
        assert outcome(rs, cand([ok]))[0] == "met"
        assert outcome(rs, cand([low]))[0] == "unmet"
        assert outcome(rs, cand([other]))[0] == "not_evaluable"

    def test_min_result_on_a_scale(self) -> None:
        rs = rset(
            {
                "id": "x",
                "weight": 1,
                "credential": {
                    "achievement_id": "ach:x",
                    "min_result": {"min": "B", "levels": ["C", "B", "A"]},
                },
            }
        )
        assert outcome(rs, cand([cred(results=[ResultValue(value="A")])]))[0] == "met"
        assert outcome(rs, cand([cred(results=[ResultValue(value="C")])]))[0] == "unmet"


def leaf(uri: str, label: str) -> dict[str, object]:
    return {"label": label, "skill": {"uri": uri}}


class TestGroups:
    def test_all_of_partial_credit(self) -> None:
        rs = rset({"id": "g", "weight": 10, "all_of": [leaf(SQL, "SQL"), leaf(PY, "Python")]})
        ev = explain(rs, cand([cred()], [skill(SQL)]))
        assert (ev.rules[0].outcome, ev.rules[0].points) == ("partly_met", 5)
        assert "1 of 2 fully met, 2 needed" in ev.rules[0].sentence
        assert outcome(rs, cand([cred()], [skill(SQL), skill(PY)])) == ("met", 10)

    def test_any_of_takes_best(self) -> None:
        rs = rset({"id": "g", "weight": 10, "any_of": [leaf(PY, "Python"), leaf(R, "R")]})
        assert outcome(rs, cand([cred()], [skill(R)])) == ("met", 10)
        assert outcome(rs, cand([cred()], [skill(SQL)])) == ("unmet", 0)

    def test_at_least_stacked_micro_credentials(self) -> None:
        rs = rset(
            {
                "id": "g",
                "weight": 9,
                "at_least": {
                    "n": 2,
                    "of": [{"credential": {"achievement_id": f"mc:{i}"}} for i in range(3)],
                },
            }
        )
        one = cand([cred("c0", achievement_id="mc:0")])
        two = cand([cred("c0", achievement_id="mc:0"), cred("c2", achievement_id="mc:2")])
        assert outcome(rs, one) == ("partly_met", 4.5)
        assert outcome(rs, two) == ("met", 9)

    def test_at_least_undecided_when_pending_could_tip_it(self) -> None:
        rs = rset(
            {
                "id": "g",
                "weight": 9,
                "at_least": {
                    "n": 2,
                    "of": [{"credential": {"achievement_id": f"mc:{i}"}} for i in range(3)],
                },
            }
        )
        evidence = cand(
            [
                cred("c0", achievement_id="mc:0"),
                cred("c1", achievement_id="mc:1", verdict="unverified"),
            ]
        )
        assert outcome(rs, evidence)[0] == "not_evaluable"

    def test_kleene_logic(self) -> None:
        pending = cred(verdict="unverified")
        all_of = rset({"id": "g", "weight": 1, "all_of": [leaf(SQL, "SQL"), leaf(PY, "Py")]})
        any_of = rset({"id": "g", "weight": 1, "any_of": [leaf(SQL, "SQL"), leaf(PY, "Py")]})
        # one not met and one undecided: AND is not met, OR is undecided
        assert outcome(all_of, cand([pending], [skill(SQL)]))[0] == "unmet"
        assert outcome(any_of, cand([pending], [skill(SQL)]))[0] == "not_evaluable"

    def test_nested_groups(self) -> None:
        rs = rset(
            {
                "id": "g",
                "weight": 12,
                "all_of": [leaf(SQL, "SQL"), {"any_of": [leaf(PY, "Python"), leaf(R, "R")]}],
            }
        )
        ev = explain(rs, cand([cred()], [skill(SQL), skill(R)]))
        assert ev.rules[0].outcome == "met"
        assert [c.kind for c in ev.rules[0].condition.children] == ["skill", "any_of"]


class TestScoring:
    def test_must_unmet_knocks_out_but_keeps_points(self) -> None:
        rs = rset(
            {**sql_rule(), "must": True},
            {"id": "py", "weight": 10, "skill": {"uri": PY}},
            thresholds={"qualified": 10, "shortlist": 20},
        )
        ev = explain(rs, cand([cred()], [skill(PY)]))
        assert (ev.knocked_out, ev.qualified, ev.total, ev.normalised) == (True, False, 10, 50.0)
        assert ev.rules[0].sentence.startswith("Knock-out: SQL: not met")
        assert ev.summary.startswith("Not qualified: knock-out")

    def test_every_rule_is_evaluated_after_a_knock_out(self) -> None:
        rs = rset({**sql_rule(), "must": True}, {"id": "py", "weight": 10, "skill": {"uri": PY}})
        ev = explain(rs, cand())
        assert [r.outcome for r in ev.rules] == ["unmet", "unmet"]

    def test_thresholds(self) -> None:
        rs = rset(
            sql_rule(),
            {"id": "py", "weight": 30, "skill": {"uri": PY}},
            thresholds={"qualified": 25, "shortlist": 75},
        )
        sql_only = explain(rs, cand([cred()], [skill(SQL)]))
        py_only = explain(rs, cand([cred()], [skill(PY)]))
        assert (sql_only.normalised, sql_only.qualified, sql_only.shortlisted) == (
            25.0,
            True,
            False,
        )
        assert (py_only.normalised, py_only.qualified, py_only.shortlisted) == (75.0, True, True)

    def test_weights_summing_to_zero_scores_by_musts(self) -> None:
        rs = rset({**sql_rule(), "must": True, "weight": 0})
        met = explain(rs, cand([cred()], [skill()]))
        unmet = explain(rs, cand())
        assert (met.max_total, met.normalised, met.qualified) == (0, 100.0, True)
        assert (unmet.normalised, unmet.qualified, unmet.knocked_out) == (0.0, False, True)

    def test_evaluation_is_json_serialisable(self) -> None:
        ev = explain(rset(sql_rule()), cand([cred()], [skill()]))
        data = ev.model_dump(mode="json")
        assert data["rules"][0]["evidence"][0]["issued_at"] == "2025-01-01"
        assert type(ev).model_validate_json(ev.model_dump_json()) == ev

    def test_version_is_recorded(self) -> None:
        rs = rset(sql_rule(), version=3)
        assert explain(rs, cand()).version == 3
        assert explain(rs, cand(), version=7).version == 7


def test_batch_rounding_and_exact_sums_match_python() -> None:
    """The batch path's vectorised round(x, 6) and exact sums equal Python's, ties included."""
    import math
    import random

    import numpy as np

    from rules.columnar.exact import round6 as _round6
    from rules.columnar.exact import two_sum_step as _two_sum_step

    rnd = random.Random(5)
    values = [0.0, 0.5e-6, 1.5e-6, 2.5e-6, 0.1234565, 2.675, 1e12 + 0.5e-6, 1e-300, 100.0]
    values += [k / 10**7 for k in range(0, 2000, 5)]
    values += [rnd.uniform(0, 100) for _ in range(2000)]
    values += [round(rnd.uniform(0, 100), 7) for _ in range(2000)]
    got = _round6(np.array(values))
    assert got.tolist() == [round(v, 6) for v in values]

    rows = [
        [
            rnd.choice([0.0, 1 / 3, 2 / 3, 0.6, 0.1, 1e-17, 7.0, 2.5]) * rnd.choice([1, 3, 7])
            for _ in range(25)
        ]
        for _ in range(500)
    ]
    hi, lo = np.zeros(len(rows)), np.zeros(len(rows))
    inexact = np.zeros(len(rows), dtype=bool)
    for j in range(25):
        hi, lo = _two_sum_step(hi, lo, np.array([r[j] for r in rows]), inexact)
    total = hi + lo
    for i, r in enumerate(rows):
        if not inexact[i]:
            assert total[i] == math.fsum(r)
