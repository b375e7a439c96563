"""The shipped examples that value a progressive track and shown evidence, end to end.

``cloud_progressive``: a foundational -> associate -> professional AWS track, a university
micro-credential stack that composes the associate level, and a collector of scattered badges.
``nursing_evidence``: a portfolio must be attached, registries and accreditation vouch for the
issuers, and every credential must be bound to the applicant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ats_match.cli.main import app
from rules import load_requirement_set, rank_candidates
from rules.inputs import CandidateFile

EXAMPLES = Path(__file__).resolve().parents[2] / "rules" / "examples"


def ranking(name: str) -> dict[str, Any]:
    rs = load_requirement_set(EXAMPLES / f"{name}.yaml")
    raw = json.loads((EXAMPLES / f"candidates_{name}.json").read_text())
    file = CandidateFile.model_validate(raw)
    assert file.reference_date is not None
    ranked = rank_candidates(rs, file.candidates, file.reference_date)
    return {r.score.candidate_id: r for r in ranked}


def sentence(row: Any, rule_id: str) -> str:
    return next(r.sentence for r in row.evaluation.rules if r.rule_id == rule_id)


def test_the_progressive_track_beats_the_badge_collection() -> None:
    rows = ranking("cloud_progressive")
    order = sorted(rows, key=lambda cid: rows[cid].rank)
    assert order == ["cp-001", "cp-003", "cp-004", "cp-002"]
    assert "3 related credentials building from Foundational to Professional" in sentence(
        rows["cp-001"], "depth"
    )
    collector = rows["cp-002"]
    assert collector.score.knocked_out
    assert "highest level held is level 1 (Foundational)" in sentence(collector, "aws-associate")
    assert "11 unrelated not counted" in sentence(collector, "depth")


def test_a_completed_university_stack_counts_as_the_associate_level() -> None:
    stacker = ranking("cloud_progressive")["cp-003"]
    assert stacker.score.shortlisted
    assert "completed from its parts" in sentence(stacker, "aws-associate")
    assert "on to 'Cloud Deployment Capstone'" in sentence(stacker, "depth")


def test_an_undecided_track_credential_needs_review() -> None:
    assert ranking("cloud_progressive")["cp-004"].score.needs_review


@pytest.mark.parametrize(
    ("candidate", "rule_id", "words"),
    [
        ("ne-002", "practice-portfolio", "has no attached evidence"),
        ("ne-003", "nmc-registration", "none of the registries this requirement names"),
        ("ne-003", "life-support", "which no accreditation list names"),
        ("ne-004", "nmc-registration", "names no recipient"),
    ],
)
def test_nursing_knock_outs_name_what_is_missing(candidate: str, rule_id: str, words: str) -> None:
    row = ranking("nursing_evidence")[candidate]
    assert row.score.knocked_out
    assert words in sentence(row, rule_id)


def test_the_nurse_with_evidence_and_trusted_issuers_is_shortlisted() -> None:
    row = ranking("nursing_evidence")["ne-001"]
    assert row.rank == 1 and row.score.shortlisted and row.score.normalised == 100


def test_the_cli_scores_the_new_examples() -> None:
    from typer.testing import CliRunner

    result = CliRunner().invoke(
        app,
        [
            "score",
            "--role",
            str(EXAMPLES / "cloud_progressive.yaml"),
            str(EXAMPLES / "candidates_cloud_progressive.json"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ranking"][0]["candidate_id"] == "cp-001"
