"""Ranking tie-breaks, rank_candidates and what-if."""

from __future__ import annotations

from datetime import date

import pytest

from rules import RequirementSetError, rank, rank_candidates, rank_evaluations, what_if
from tests.rules.helpers import PY, REF, SQL, cand, cred, rset, skill

RS = rset(
    {"id": "sql", "must": True, "weight": 10, "skill": {"uri": SQL}},
    {"id": "py", "weight": 10, "skill": {"uri": PY}},
    thresholds={"qualified": 50, "shortlist": 100},
)


def people() -> list:
    return [
        cand([cred()], [skill(SQL)], cid="b-qualified", applied_at=date(2026, 1, 2)),
        cand([cred()], [skill(SQL)], cid="a-qualified-later", applied_at=date(2026, 1, 3)),
        cand([cred()], [skill(SQL)], cid="c-qualified-same-day", applied_at=date(2026, 1, 2)),
        cand([cred()], [skill(SQL)], cid="d-no-date"),
        cand([cred()], [skill(SQL), skill(PY)], cid="z-shortlisted"),
        cand([cred()], [skill(PY)], cid="e-knocked-out-high"),
        cand([cred(verdict="unverified")], [skill(SQL), skill(PY, cid=None)], cid="f-review"),
    ]


def test_documented_tie_break_keys() -> None:
    ranked = rank_candidates(RS, people(), REF)
    assert [r.score.candidate_id for r in ranked] == [
        "z-shortlisted",  # tier 0
        "b-qualified",  # tier 1, same score: earliest application, then id
        "c-qualified-same-day",
        "a-qualified-later",
        "d-no-date",  # no application date sorts last
        "f-review",  # tier 2 (needs review)
        "e-knocked-out-high",  # tier 3 even with more points than f
    ]
    assert [r.rank for r in ranked] == list(range(1, 8))


def test_fewer_unknowns_rank_first_on_equal_score() -> None:
    rs = rset(
        {"id": "sql", "weight": 10, "skill": {"uri": SQL}},
        {"id": "py", "weight": 10, "skill": {"uri": PY}},
    )
    sure = cand([cred()], [skill(SQL)], cid="b")
    unsure = cand(
        [cred("c1"), cred("c2", verdict="unverified")], [skill(SQL), skill(PY, cid="c2")], cid="a"
    )
    ranked = rank_candidates(rs, [unsure, sure], REF)
    assert [r.score.candidate_id for r in ranked] == ["b", "a"]


def test_explain_top_only_explains_first_rows_with_identical_scores() -> None:
    full = rank_candidates(RS, people(), REF)
    lazy = rank_candidates(RS, people(), REF, explain_top=2)
    assert [r.score for r in lazy] == [r.score for r in full]
    assert [r.evaluation is not None for r in lazy] == [True, True] + [False] * 5
    for row in full:
        assert row.evaluation is not None
        assert (row.evaluation.normalised, row.evaluation.qualified) == (
            row.score.normalised,
            row.score.qualified,
        )


def test_rank_evaluations_matches_fast_ranking() -> None:
    full = rank_candidates(RS, people(), REF)
    evals = [r.evaluation for r in reversed(full) if r.evaluation]
    dates = {c.candidate_id: c.applied_at for c in people()}
    assert [e.candidate_id for e in rank_evaluations(evals, dates)] == [
        r.score.candidate_id for r in full
    ]


def test_rank_is_a_pure_sort() -> None:
    scores = [r.score for r in rank_candidates(RS, people(), REF)]
    assert rank(list(reversed(scores))) == scores


def test_what_if_scores_a_draft_without_saving() -> None:
    draft = {
        "id": "draft",
        "name": "Draft",
        "requirements": [{"id": "py", "must": True, "weight": 1, "skill": {"uri": PY}}],
    }
    result = what_if(draft, people(), REF, known_skill={SQL, PY}.__contains__)
    assert result.ranking[0].score.candidate_id in {"e-knocked-out-high", "z-shortlisted"}
    assert result.warnings == []


def test_what_if_reports_errors_of_a_bad_draft() -> None:
    with pytest.raises(RequirementSetError, match="unknown skill URI"):
        what_if(
            {
                "id": "d",
                "name": "D",
                "requirements": [{"id": "x", "weight": 1, "skill": {"uri": "urn:nope"}}],
            },
            people(),
            REF,
            known_skill={SQL}.__contains__,
        )
    with pytest.raises(RequirementSetError, match="line 3: requirements"):
        what_if("id: d\nname: D\nrequirements: []\n", people(), REF)


def test_summary_field_positions_used_by_ranking() -> None:
    from rules.summary import ScoreSummary

    fields = ScoreSummary._fields
    assert [fields.index(f) for f in ("candidate_id", "normalised", "not_evaluable")] == [1, 4, 9]
    assert [fields.index(f) for f in ("tier", "applied_day")] == [10, 11]


def test_rank_ignores_kept_keys_once_the_score_list_changed() -> None:
    """score_all keeps ranking keys; after the list is edited rank reads the summaries."""
    from datetime import date

    from rules import CandidateEvidence, compile_requirement_set, rank
    from rules.ranking import rank_key
    from tests.rules.helpers import REF, cred, rset

    rs = rset({"id": "x", "weight": 5, "credential": {"achievement_id": "ach:x"}})
    cands = [
        CandidateEvidence(
            candidate_id=f"c{9 - i}",
            applied_at=date(2026, 1, 1 + i % 3),
            credentials=[cred()] if i % 2 else [],
        )
        for i in range(10)
    ]
    scores = compile_requirement_set(rs, REF).score_all(cands)
    expected = sorted(scores, key=lambda s: rank_key(s, s.applied_at))
    assert rank(scores) == expected
    scores.reverse()
    assert rank(scores) == expected
    dropped = scores.pop()
    assert rank(scores) == [s for s in expected if s is not dropped]
