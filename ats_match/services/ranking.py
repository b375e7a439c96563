"""Read models for recruiters: a job's ranked candidates and one application in full."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from ats_match.models import (
    Application,
    Candidate,
    CandidateSkill,
    Credential,
    Job,
    RequirementSet,
    Score,
    Skill,
    VerificationResult,
)
from ats_match.models.credentials import LINK_FORMAT
from ats_match.repositories import ApplicationRepository, JobRepository
from ats_match.services.hiring import latest_requirements


@dataclass
class RankedRow:
    application: Application
    candidate: Candidate
    score: Score | None
    verified: int = 0
    failed: int = 0
    indeterminate: int = 0


@dataclass
class JobRanking:
    job: Job
    requirements: RequirementSet | None
    rows: list[RankedRow]


@dataclass
class CredentialView:
    credential: Credential
    title: str
    issuer: str | None
    verdict: VerificationResult | None
    skills: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ApplicationDetail:
    application: Application
    candidate: Candidate
    job: Job
    score: Score | None
    credentials: list[CredentialView]


def job_ranking(
    session: Session,
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    *,
    key: Callable[[RankedRow], Any],
    only_qualified: bool = False,
) -> JobRanking:
    """A job's applications with their current scores, sorted by ``key`` (the rules engine's
    documented ranking, passed in so the core does not depend on it)."""
    job = JobRepository(session, organization_id).get_or_404(job_id)
    requirements = latest_requirements(session, organization_id, job.id)
    repo = ApplicationRepository(session, organization_id)
    applications = session.exec(repo.query().where(col(Application.job_id) == job.id)).all()
    scores = _scores(session, requirements, [a.id for a in applications])
    verdicts = _verdict_counts(session, [a.id for a in applications])
    rows = []
    for application in applications:
        candidate = session.get(Candidate, application.candidate_id)
        assert candidate is not None
        counts = verdicts.get(application.id, Counter())
        rows.append(
            RankedRow(
                application,
                candidate,
                scores.get(application.id),
                counts["verified"],
                counts["failed"],
                counts["indeterminate"],
            )
        )
    if only_qualified:
        rows = [r for r in rows if r.score and r.score.qualified]
    rows.sort(key=key)
    return JobRanking(job, requirements, rows)


def _scores(
    session: Session, requirements: RequirementSet | None, application_ids: list[uuid.UUID]
) -> dict[uuid.UUID, Score]:
    if requirements is None or not application_ids:
        return {}
    rows = session.exec(
        select(Score).where(
            col(Score.requirement_set_id) == requirements.id,
            col(Score.application_id).in_(application_ids),
        )
    ).all()
    return {row.application_id: row for row in rows}


def latest_verdicts(
    session: Session, credential_ids: list[uuid.UUID]
) -> dict[uuid.UUID, VerificationResult]:
    """The newest verification result of each credential."""
    if not credential_ids:
        return {}
    rows = session.exec(
        select(VerificationResult)
        .where(col(VerificationResult.credential_id).in_(credential_ids))
        .order_by(col(VerificationResult.verified_at), col(VerificationResult.attempt))
    ).all()
    return {row.credential_id: row for row in rows}  # later rows overwrite earlier ones


def _verdict_counts(
    session: Session, application_ids: list[uuid.UUID]
) -> dict[uuid.UUID, Counter[str]]:
    if not application_ids:
        return {}
    credentials = session.exec(
        select(Credential).where(col(Credential.application_id).in_(application_ids))
    ).all()
    verdicts = latest_verdicts(session, [c.id for c in credentials])
    counts: dict[uuid.UUID, Counter[str]] = {}
    for credential in credentials:
        verdict = verdicts.get(credential.id)
        if verdict is not None:
            counts.setdefault(credential.application_id, Counter())[verdict.status] += 1
    return counts


def application_detail(
    session: Session, organization_id: uuid.UUID, application_id: uuid.UUID
) -> ApplicationDetail:
    application = ApplicationRepository(session, organization_id).get_or_404(application_id)
    candidate = session.get(Candidate, application.candidate_id)
    job = session.get(Job, application.job_id)
    assert candidate is not None and job is not None
    requirements = latest_requirements(session, organization_id, job.id)
    score = _scores(session, requirements, [application.id]).get(application.id)
    credentials = session.exec(
        select(Credential)
        .where(col(Credential.application_id) == application.id)
        .order_by(col(Credential.created_at))
    ).all()
    verdicts = latest_verdicts(session, [c.id for c in credentials])
    views = [
        _credential_view(session, c, verdicts.get(c.id))
        for c in credentials
        if c.format != LINK_FORMAT or c.error_code
    ]
    return ApplicationDetail(application, candidate, job, score, views)


def _credential_view(
    session: Session, credential: Credential, verdict: VerificationResult | None
) -> CredentialView:
    form = credential.form or {}
    achievement = form.get("achievement") or {}
    issuer = form.get("issuer") or {}
    title = achievement.get("name") or credential.source or "Attachment"
    skills = session.exec(
        select(CandidateSkill, Skill)
        .where(col(CandidateSkill.credential_id) == credential.id)
        .where(col(CandidateSkill.skill_id) == col(Skill.id))
    ).all()
    skill_views = [
        {
            "label": s.label,
            "uri": s.uri,
            "confidence": cs.confidence,
            "method": cs.method,
            "matched_label": cs.matched_label,
        }
        for cs, s in skills
    ]
    return CredentialView(
        credential, str(title), issuer.get("name") or issuer.get("id"), verdict, skill_views
    )
