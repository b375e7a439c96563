"""Candidate rights besides erasure: the data export (GDPR Art 15 / 20), the manual record of
self-reported EEO categories, and the retention period's enforcement. Services never commit."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from ats_match.errors import InvalidInput
from ats_match.fairness.categories import RACE_ETHNICITY_LABELS, SEX_LABELS
from ats_match.models import (
    Application,
    ApplicationDecision,
    ApplicationNote,
    ApplicationTag,
    AuditLog,
    Candidate,
    CandidateSkill,
    Credential,
    Job,
    Organization,
    PresentationRequest,
    ProvenDid,
    Role,
    Score,
    Skill,
    User,
    VerificationResult,
    WebhookDelivery,
)
from ats_match.repositories import ApplicationRepository, CandidateRepository, JobRepository
from ats_match.security import require_role
from ats_match.services.admin import audit
from ats_match.services.erasure import erase

RETENTION_BATCH = 200


def set_self_identification(
    session: Session,
    user: User,
    application_id: uuid.UUID,
    sex: str | None,
    race_ethnicity: str | None,
) -> Application:
    """Record what the candidate self-reported (codes of ``ats_match.fairness.categories``).
    The audit row says that it changed, never the values."""
    require_role(user.role, Role.ADMIN)
    problems: list[dict[str, object]] = [
        {"field": field, "error": f"not one of {sorted(allowed)}"}
        for field, value, allowed in (
            ("sex", sex, SEX_LABELS),
            ("race_ethnicity", race_ethnicity, RACE_ETHNICITY_LABELS),
        )
        if value is not None and value not in allowed
    ]
    if problems:
        raise InvalidInput("unknown self-identification category", problems)
    application = ApplicationRepository(session, user.organization_id).get_or_404(application_id)
    application.eeo_sex, application.eeo_race_ethnicity = sex, race_ethnicity
    session.add(application)
    audit(session, user, "application.self_identification", "application", application.id)
    session.flush()
    return application


def _rows(session: Session, model: type[SQLModel], column: Any, ids: Sequence[Any]) -> list[Any]:
    if not ids:
        return []
    return list(session.exec(select(model).where(col(column).in_(list(ids)))).all())


def _dump(row: SQLModel, **binary: bytes) -> dict[str, Any]:
    data = row.model_dump(mode="json", exclude=set(binary))
    for name, value in binary.items():
        try:
            data[name] = value.decode()
        except UnicodeDecodeError:
            data[name + "_base64"] = base64.b64encode(value).decode()
    return data


def export_candidate(session: Session, user: User, candidate_id: uuid.UUID) -> dict[str, Any]:
    """Everything held about the candidate, as JSON (admin only; audited)."""
    require_role(user.role, Role.ADMIN)
    candidate = CandidateRepository(session, user.organization_id).get_or_404(candidate_id)
    applications = _rows(session, Application, Application.candidate_id, [candidate.id])
    app_ids = [a.id for a in applications]
    credentials = _rows(session, Credential, Credential.application_id, app_ids)
    cred_ids = [c.id for c in credentials]
    skills = _rows(session, CandidateSkill, CandidateSkill.candidate_id, [candidate.id])
    labels = {s.id: s for s in _rows(session, Skill, Skill.id, [s.skill_id for s in skills])}
    about = [str(i) for i in (candidate.id, *app_ids)]
    history = _rows(session, AuditLog, AuditLog.entity_id, about)
    audit(session, user, "candidate.export", "candidate", candidate.id)
    return {
        "audit_log": [_dump(a) for a in history if a.organization_id == user.organization_id],
        "candidate": _dump(candidate),
        "applications": [_dump(a) for a in applications],
        "credentials": [_dump(c, raw=c.raw) for c in credentials],
        "verification_results": [
            _dump(v)
            for v in _rows(session, VerificationResult, VerificationResult.credential_id, cred_ids)
        ],
        "skills": [
            {**_dump(s), "uri": labels[s.skill_id].uri, "label": labels[s.skill_id].label}
            for s in skills
            if s.skill_id in labels
        ],
        "scores": [_dump(s) for s in _rows(session, Score, Score.application_id, app_ids)],
        "decisions": [
            _dump(d)
            for d in _rows(
                session, ApplicationDecision, ApplicationDecision.application_id, app_ids
            )
        ],
        "notes": [
            _dump(n)
            for n in _rows(session, ApplicationNote, ApplicationNote.application_id, app_ids)
        ],
        "tags": [
            _dump(t) for t in _rows(session, ApplicationTag, ApplicationTag.application_id, app_ids)
        ],
        "proven_dids": [
            _dump(p) for p in _rows(session, ProvenDid, ProvenDid.candidate_id, [candidate.id])
        ],
        "presentation_requests": [
            _dump(p)
            for p in _rows(
                session, PresentationRequest, PresentationRequest.application_id, app_ids
            )
        ],
        "webhook_deliveries": [
            _dump(d, body=d.body)
            for d in _rows(session, WebhookDelivery, WebhookDelivery.application_id, app_ids)
        ],
    }


def inactive_candidates(
    session: Session, organization: Organization, now: datetime, limit: int = RETENTION_BATCH
) -> list[Candidate]:
    """Candidates with no activity since the retention cutoff: created before it, and no
    application, delivery, decision or note on their applications since."""
    if organization.retention_days is None:
        return []
    cutoff = now - timedelta(days=organization.retention_days)
    recent = sa.union_all(
        select(Application.candidate_id).where(
            sa.or_(col(Application.created_at) >= cutoff, col(Application.applied_at) >= cutoff)
        ),
        *(
            select(Application.candidate_id)
            .join(model, col(model.application_id) == col(Application.id))
            .where(col(stamp) >= cutoff)
            for model, stamp in (
                (WebhookDelivery, WebhookDelivery.received_at),
                (ApplicationDecision, ApplicationDecision.created_at),
                (ApplicationNote, ApplicationNote.created_at),
            )
        ),
    )
    statement = (
        select(Candidate)
        .where(
            col(Candidate.organization_id) == organization.id,
            col(Candidate.created_at) < cutoff,
            col(Candidate.id).not_in(select(recent.subquery().c[0])),
        )
        .order_by(col(Candidate.created_at))
        .limit(limit)
    )
    return list(session.exec(statement).all())


def enforce_retention(session: Session, organization: Organization, now: datetime) -> int:
    """Erase one batch of the organisation's inactive candidates; returns how many."""
    candidates = inactive_candidates(session, organization, now)
    for candidate in candidates:
        erase(session, candidate, actor_id=None, reason="retention")
    return len(candidates)


def set_candidate_notice(
    session: Session, user: User, job_id: uuid.UUID, notice: str, alternative_process: bool
) -> Job:
    """The job's LL144 candidate notice and whether an alternative process is offered (admin;
    audited with before and after)."""
    require_role(user.role, Role.ADMIN)
    job = JobRepository(session, user.organization_id).get_or_404(job_id)
    before = {
        "candidate_notice": job.candidate_notice,
        "alternative_process": job.alternative_process,
    }
    job.candidate_notice, job.alternative_process = notice.strip(), alternative_process
    after = {
        "candidate_notice": job.candidate_notice,
        "alternative_process": job.alternative_process,
    }
    session.add(job)
    audit(session, user, "job.candidate_notice", "job", job.id, {"before": before, "after": after})
    session.flush()
    return job


def set_retention(session: Session, user: User, days: int | None) -> Organization:
    """How long an inactive candidate is kept (``None``: until erased on request)."""
    require_role(user.role, Role.ADMIN)
    organization = session.get(Organization, user.organization_id)
    assert organization is not None  # the user's own organisation
    before = organization.retention_days
    organization.retention_days = days
    session.add(organization)
    audit(
        session,
        user,
        "organization.retention",
        "organization",
        organization.id,
        {"before": before, "after": days},
    )
    session.flush()
    return organization
