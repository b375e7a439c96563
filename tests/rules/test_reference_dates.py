"""Each candidate is measured from their own reference date: the application date when set,
else the evaluation's as-of date - in the explained path and the columnar one alike."""

from __future__ import annotations

from datetime import date

from rules import compile_requirement_set, rank_candidates
from rules.candidate_level import CompileContext
from tests.rules.helpers import REF, SQL, cand, cred, explain, rset, skill

LICENCE = {"id": "lic", "must": True, "weight": 5, "credential": {"achievement_id": "ach:x"}}


def test_validity_is_measured_from_the_application_date() -> None:
    rs = rset(LICENCE)
    expired_since = cred(valid_until=date(2026, 3, 31))
    applied_in_time = cand([expired_since], cid="a", applied_at=date(2026, 2, 1))
    undated = cand([expired_since], cid="b")
    ev = explain(rs, applied_in_time)  # asserts the columnar path agrees too
    assert ev.rules[0].outcome == "met"
    assert (ev.reference_date, ev.reference_basis) == (date(2026, 2, 1), "application")
    assert ev.summary.endswith("Dates measured from the application date, 2026-02-01.")
    late = explain(rs, undated)
    assert late.rules[0].outcome == "unmet" and late.knocked_out
    assert (late.reference_date, late.reference_basis) == (REF, "as_of")
    assert "expired on 2026-03-31, before the evaluation date 2026-06-01" in late.rules[0].sentence
    assert late.summary.endswith("Dates measured from the evaluation date, 2026-06-01.")


def test_recency_window_counts_back_from_each_candidates_date() -> None:
    rs = rset({**LICENCE, "filters": {"issued_within": "1 year"}})
    issued = cred(issued_at=date(2025, 3, 1))
    early = explain(rs, cand([issued], cid="early", applied_at=date(2026, 1, 15)))
    assert early.rules[0].outcome == "met"
    late = explain(rs, cand([issued], cid="late", applied_at=date(2026, 4, 1)))
    assert late.rules[0].outcome == "unmet"
    assert "more than 1 year before the application date 2026-04-01" in late.rules[0].sentence


def test_not_yet_valid_on_the_application_date() -> None:
    rs = rset(LICENCE)
    starts = cred(valid_from=date(2026, 3, 1))
    ev = explain(rs, cand([starts], applied_at=date(2026, 2, 1)))
    assert ev.rules[0].outcome == "unmet"
    assert "valid from 2026-03-01, after the application date 2026-02-01" in ev.rules[0].sentence


def test_focus_within_years_counts_from_the_application_date() -> None:
    focus = {"id": "f", "weight": 4, "focus": {"min_related": 2, "within_years": 1}}
    rs = rset(focus, {"id": "s", "weight": 1, "skill": {"uri": SQL}})
    creds = [
        cred("c1", achievement_id="ach:1", issued_at=date(2025, 2, 1)),
        cred("c2", achievement_id="ach:2", issued_at=date(2025, 6, 1)),
    ]
    skills = [skill(SQL, "c1"), skill(SQL, "c2")]
    context = CompileContext()
    applied_early = explain(rs, cand(creds, skills, applied_at=date(2025, 12, 1)), context=context)
    assert applied_early.rules[0].outcome == "met"
    undated = explain(rs, cand(creds, skills), context=context)  # REF 2026-06-01: c1 too old
    assert undated.rules[0].outcome == "unmet"


def test_columnar_ranking_uses_each_candidates_date() -> None:
    """Same evidence, different application dates: the one who applied while the licence
    was valid ranks first; the batch summaries equal the explained evaluations."""
    rs = rset(LICENCE, {"id": "s", "weight": 1, "skill": {"uri": SQL}})
    evidence = [cred(valid_until=date(2026, 1, 31))], [skill(SQL)]
    people = [
        cand(*evidence, cid="late", applied_at=date(2026, 3, 1)),
        cand(*evidence, cid="early", applied_at=date(2026, 1, 10)),
        cand(*evidence, cid="undated"),
    ]
    ranking = rank_candidates(rs, people, REF)
    assert [r.score.candidate_id for r in ranking] == ["early", "late", "undated"]
    assert ranking[0].score.qualified and not ranking[1].score.qualified
    compiled = compile_requirement_set(rs, REF)
    for s, person in zip(compiled.score_all(people), people, strict=True):
        ev = compiled.explain(person)
        assert (s.total, s.qualified, s.knocked_out) == (ev.total, ev.qualified, ev.knocked_out)
