"""One application in full for the candidate page and the API: its credentials with the four
answers, dates and mapped skills, and its score against the newest requirement version."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
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
from ats_match.repositories import ApplicationRepository
from ats_match.services.hiring import latest_requirements


@dataclass
class CredentialView:
    credential: Credential
    title: str
    issuer: str | None
    verdict: VerificationResult | None
    skills: list[dict[str, Any]] = field(default_factory=list)
    issuer_id: str | None = None
    """How the issuer is identified (DID or https origin): what trust decisions use."""
    issuer_name: str | None = None
    """The name the issuer gives itself (not verified)."""
    issued_at: date | None = None
    valid_until: date | None = None


@dataclass
class ApplicationDetail:
    application: Application
    candidate: Candidate
    job: Job
    score: Score | None
    credentials: list[CredentialView]


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
        if c.format != LINK_FORMAT
        or c.error_code
        or c.id in verdicts  # a platform-backed link
        or not (c.form or {}).get("resolved")  # still being fetched: shown as being checked
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
        credential,
        str(title),
        issuer.get("name") or issuer.get("id"),
        verdict,
        skill_views,
        issuer_id=issuer.get("id"),
        issuer_name=issuer.get("name"),
        issued_at=_day(form.get("issued_at") or form.get("valid_from")),
        valid_until=_day(form.get("valid_until")),
    )


def _day(value: Any) -> date | None:
    """A stored ISO timestamp as its calendar day (UTC); ``None`` when absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
