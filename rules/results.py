"""What evaluation returns: JSON-serialisable pydantic models the web layer stores and renders."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

Outcome = Literal["met", "partly_met", "unmet", "not_evaluable"]


class EvidenceItem(BaseModel):
    """One piece of evidence a condition looked at, and what the check found."""

    credential_id: str | None = None
    credential_name: str | None = None
    issuer: str | None = None
    skill_uri: str | None = None
    skill_label: str | None = None
    mapping_confidence: float | None = None
    mapping_method: str | None = None
    verdict: str | None = None
    issued_at: date | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    level: str | None = None
    check: str = Field(description="Reason code: ok, expired, too_old, issuer_denied, ...")
    accepted: bool
    value: float = Field(
        description="1 full credit, 0 < v < 1 penalised, 0 undecided, -1 does not count"
    )
    note: str = Field(description="What the check found, in words")


class ConditionResult(BaseModel):
    """The result of one condition (a leaf, or a group with its children)."""

    kind: Literal["skill", "credential", "all_of", "any_of", "at_least", "stack", "focus"]
    label: str
    outcome: Outcome
    fraction: float
    evidence: list[EvidenceItem] = Field(default_factory=list)
    children: list[ConditionResult] = Field(default_factory=list)
    needed: int | None = Field(default=None, description="at_least: how many must be met")
    reason: str | None = Field(
        default=None, description="stack / focus: what the whole record shows, in words"
    )


class RuleResult(BaseModel):
    """One top-level requirement: outcome, points and a sentence a recruiter understands."""

    rule_id: str
    label: str
    must: bool
    outcome: Outcome
    points: float
    max_points: float
    fraction: float
    sentence: str
    evidence: list[EvidenceItem] = Field(default_factory=list)
    condition: ConditionResult


class Evaluation(BaseModel):
    """A candidate scored against one version of a requirement set."""

    candidate_id: str
    candidate_name: str | None = None
    requirement_set_id: str
    version: int | None
    reference_date: date = Field(
        description="What this candidate's dates were measured from: the application date "
        "when set, else the evaluation's as-of date (see reference_basis)"
    )
    reference_basis: Literal["application", "as_of"] = "as_of"
    total: float
    max_total: float
    normalised: float = Field(description="0..100")
    qualified: bool
    shortlisted: bool
    knocked_out: bool
    needs_review: bool = Field(description="A must requirement could not be evaluated")
    not_evaluable: int = Field(description="How many requirements could not be evaluated")
    summary: str
    rules: list[RuleResult]
