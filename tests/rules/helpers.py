"""Small builders for rules tests."""

from __future__ import annotations

from datetime import date
from typing import Any

from rules import (
    CandidateEvidence,
    CredentialEvidence,
    Evaluation,
    RequirementSet,
    SkillEvidence,
    compile_requirement_set,
)

REF = date(2026, 6, 1)
SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
PY = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
R = "http://data.europa.eu/esco/skill/51586df8-1c46-4b47-8583-773cb63bf00b"


def rset(*requirements: dict[str, Any], **extra: Any) -> RequirementSet:
    body: dict[str, Any] = {"id": "role", "name": "Role", "requirements": list(requirements)}
    body.update(extra)
    return RequirementSet.model_validate(body)


def cred(cid: str = "c1", **kw: Any) -> CredentialEvidence:
    data: dict[str, Any] = {
        "credential_id": cid,
        "achievement_id": "ach:x",
        "achievement_name": "X Certificate",
        "issuer_id": "iss:a",
        "issuer_name": "Issuer A",
        "issued_at": date(2025, 1, 1),
        "verdict": "verified",
    }
    data.update(kw)
    return CredentialEvidence.model_validate(data)


def skill(uri: str = SQL, cid: str | None = "c1", **kw: Any) -> SkillEvidence:
    data: dict[str, Any] = {"skill_uri": uri, "credential_id": cid, "confidence": 0.9}
    data.update(kw)
    return SkillEvidence.model_validate(data)


def cand(
    credentials: list[CredentialEvidence] | None = None,
    skills: list[SkillEvidence] | None = None,
    cid: str = "cand-1",
    applied_at: date | None = None,
) -> CandidateEvidence:
    return CandidateEvidence(
        candidate_id=cid,
        credentials=credentials or [],
        skills=skills or [],
        applied_at=applied_at,
    )


def explain(
    rs: RequirementSet, candidate: CandidateEvidence, ref: date = REF, **kw: Any
) -> Evaluation:
    """Explained evaluation, asserting the fast path agrees on every number and flag."""
    compiled = compile_requirement_set(rs, ref, **kw)
    ev = compiled.explain(candidate)
    fast = compiled.score(candidate)
    assert (
        fast.total,
        fast.normalised,
        fast.qualified,
        fast.shortlisted,
        fast.knocked_out,
        fast.needs_review,
        fast.not_evaluable,
    ) == (
        ev.total,
        ev.normalised,
        ev.qualified,
        ev.shortlisted,
        ev.knocked_out,
        ev.needs_review,
        ev.not_evaluable,
    ), (fast, ev)
    assert compiled.score_all([candidate]) == [fast]  # the columnar batch path too
    return ev


def outcome(rs: RequirementSet, candidate: CandidateEvidence, **kw: Any) -> tuple[str, float]:
    ev = explain(rs, candidate, **kw)
    return ev.rules[0].outcome, ev.rules[0].points
