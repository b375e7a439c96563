"""The SQL behind a ranking's filters that look past the score row: name search, a skill,
"verified only", "issuer trusted", "needs review", and which requirement version a job is
ranked against while a re-score runs. Every expression is correlated to ``Application`` so
the page query stays one statement whose cost follows the page, not the job."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from ats_match.models import (
    Application,
    Candidate,
    CandidateSkill,
    Credential,
    RequirementSet,
    Score,
    Skill,
    VerificationResult,
)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def name_matches(text: str) -> Any:
    """The candidate's name or an e-mail contains ``text`` (case-insensitive)."""
    pattern = _like(text)
    return sa.or_(
        func.lower(col(Candidate.name)).like(pattern, escape="\\"),
        func.lower(sa.cast(col(Candidate.emails), sa.String)).like(pattern, escape="\\"),
    )


def has_skill(skill: str) -> Any:
    """The candidate holds a mapped skill whose URI is ``skill`` or whose label contains it."""
    matches = select(CandidateSkill.id).join(Skill, col(Skill.id) == col(CandidateSkill.skill_id))
    return matches.where(
        col(CandidateSkill.candidate_id) == col(Application.candidate_id),
        col(CandidateSkill.organization_id) == col(Application.organization_id),
        sa.or_(
            col(Skill.uri) == skill, func.lower(col(Skill.label)).like(_like(skill), escape="\\")
        ),
    ).exists()


def _newest_verdict_where(*conditions: Any) -> Any:
    """Some credential of the application whose newest verification satisfies ``conditions``."""
    newer = sa.inspect(VerificationResult).local_table.alias("newer")
    newest = (
        sa.select(newer.c.id)
        .where(newer.c.credential_id == col(Credential.id))
        .order_by(newer.c.verified_at.desc(), newer.c.attempt.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(VerificationResult.id)
        .join(Credential, col(Credential.id) == col(VerificationResult.credential_id))
        .where(
            col(Credential.application_id) == col(Application.id),
            col(VerificationResult.id) == newest,
            *conditions,
        )
        .exists()
    )


def issued_since(day: date) -> Any:
    """Some credential of the application was issued on or after ``day``."""
    return (
        select(Credential.id)
        .where(
            col(Credential.application_id) == col(Application.id),
            col(Credential.issued_on) >= day,
        )
        .exists()
    )


def verified_only() -> Any:
    """At least one credential is genuine, in force and the applicant's."""
    return _newest_verdict_where(col(VerificationResult.status) == "verified")


def issuer_trusted() -> Any:
    """At least one credential comes from an issuer a registry or list vouches for."""
    return _newest_verdict_where(col(VerificationResult.issuer_trust) == "trusted")


def needs_review() -> Any:
    """A must-have could not be decided yet (a credential still being verified)."""
    return sa.and_(
        col(Score.knocked_out).is_(False), Score.explanation["needs_review"].as_boolean().is_(True)
    )


@dataclass(frozen=True)
class Rescoring:
    """The job is being re-scored against ``version``; the ranking shown is ``shown_version``'s
    until ``done`` of ``total`` applications have the new score."""

    version: int
    shown_version: int
    done: int
    total: int


def ranked_version(
    session: Session, organization_id: uuid.UUID, latest: RequirementSet | None
) -> tuple[RequirementSet | None, Rescoring | None]:
    """The version to rank by: the latest, unless a re-score is running (the previous version
    has more scores than the latest), then the previous one, so the order a recruiter is reading
    does not dissolve into "not scored"."""
    if latest is None or latest.version <= 1:
        return latest, None
    previous = session.exec(
        select(RequirementSet)
        .where(
            col(RequirementSet.organization_id) == organization_id,
            col(RequirementSet.job_id) == latest.job_id,
            col(RequirementSet.version) < latest.version,
        )
        .order_by(col(RequirementSet.version).desc())
        .limit(1)
    ).first()
    if previous is None:
        return latest, None
    done, before = (_score_count(session, r.id) for r in (latest, previous))
    if done >= before:
        return latest, None
    total = session.exec(
        select(func.count())
        .select_from(Application)
        .where(col(Application.job_id) == latest.job_id)
    ).one()
    return previous, Rescoring(latest.version, previous.version, done, int(total))


def _score_count(session: Session, requirement_set_id: uuid.UUID) -> int:
    statement = select(func.count()).select_from(Score)
    return int(
        session.exec(statement.where(col(Score.requirement_set_id) == requirement_set_id)).one()
    )
