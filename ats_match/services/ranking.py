"""Read models for recruiters: a job's ranked candidates and one application in full."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

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


class RankingSort(StrEnum):
    RANK = "rank"
    """The rules engine's documented order (see :mod:`rules.ranking`)."""
    SCORE = "score"
    """Highest score first, whatever the tier."""
    APPLIED = "applied"
    """Earliest application first."""


class Tier(StrEnum):
    SHORTLIST = "shortlist"
    QUALIFIED = "qualified"
    OTHER = "other"
    KNOCKED_OUT = "knocked_out"


TIER_NUMBER = {Tier.SHORTLIST: 0, Tier.QUALIFIED: 1, Tier.OTHER: 2, Tier.KNOCKED_OUT: 3}


@dataclass(frozen=True)
class RankingQuery:
    """One page of a job's ranking; every filter and the sort run in SQL."""

    limit: int = 50
    offset: int = 0
    sort: RankingSort = RankingSort.RANK
    only_qualified: bool = False
    tier: Tier | None = None
    min_score: float | None = None
    with_explanations: bool = False

    @property
    def filtered(self) -> bool:
        return self.only_qualified or self.tier is not None or self.min_score is not None


@dataclass
class RankedScore:
    normalised: float
    qualified: bool
    shortlisted: bool
    knocked_out: bool
    requirement_set_version: int
    explanation: dict[str, Any] | None = None


@dataclass
class RankedRow:
    """One line of a ranking page: no credential documents, no verification checks."""

    rank: int
    application_id: uuid.UUID
    candidate_id: uuid.UUID
    candidate_name: str
    candidate_email: str | None
    applied_at: datetime | None
    score: RankedScore | None
    verified: int = 0
    failed: int = 0
    indeterminate: int = 0


@dataclass
class JobRanking:
    job: Job
    requirements: RequirementSet | None
    rows: list[RankedRow]
    total: int
    """Applications matching the filters, on every page."""
    query: RankingQuery = field(default_factory=RankingQuery)


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
    query: RankingQuery | None = None,
) -> JobRanking:
    """One page of a job's applications with their current scores: scored ones in the order
    asked for, then those not scored yet. Cost follows the page size, not the job size."""
    query = query or RankingQuery()
    job = JobRepository(session, organization_id).get_or_404(job_id)
    requirements = latest_requirements(session, organization_id, job.id)
    scored_total = _scored_count(session, organization_id, requirements, query)
    rows = _scored_page(session, organization_id, requirements, query, scored_total)
    total = scored_total
    if not query.filtered:  # then scored_total counts every score of the version
        unscored_total = _application_count(session, job) - scored_total
        total += unscored_total
        room = query.limit - len(rows)
        if room > 0 and unscored_total > 0:
            start = max(0, query.offset - scored_total)
            rows += _unscored_page(session, organization_id, job.id, requirements, start, room)
    for i, row in enumerate(rows):
        row.rank = query.offset + i + 1
    _add_verdict_counts(session, rows)
    if query.with_explanations:
        _add_explanations(session, requirements, rows)
    return JobRanking(job, requirements, rows, total, query)


def _score_filters(
    organization_id: uuid.UUID, requirements: RequirementSet, query: RankingQuery
) -> list[Any]:
    where: list[Any] = [
        col(Score.requirement_set_id) == requirements.id,
        col(Score.organization_id) == organization_id,
    ]
    if query.only_qualified:
        where.append(col(Score.qualified).is_(True))
    if query.tier is not None:
        where.append(col(Score.tier) == TIER_NUMBER[query.tier])
    if query.min_score is not None:
        where.append(col(Score.normalised) >= query.min_score)
    return where


def _scored_count(
    session: Session,
    organization_id: uuid.UUID,
    requirements: RequirementSet | None,
    query: RankingQuery,
) -> int:
    if requirements is None:
        return 0
    statement = select(func.count()).select_from(Score)
    return int(
        session.exec(statement.where(*_score_filters(organization_id, requirements, query))).one()
    )


def _application_count(session: Session, job: Job) -> int:
    """Applications of ``job``, which was found within the tenant (``get_or_404``), so they are
    the tenant's: counted on the job index alone, index-only at any job size."""
    statement = select(func.count()).select_from(Application)
    return int(session.exec(statement.where(col(Application.job_id) == job.id)).one())


def _order(query: RankingQuery) -> list[Any]:
    applied_day = func.date(func.coalesce(col(Application.applied_at), col(Application.created_at)))
    rank = [
        col(Score.tier),
        col(Score.normalised).desc(),
        col(Score.not_evaluable),
        applied_day,
        col(Application.id),
    ]
    if query.sort == RankingSort.SCORE:
        return [col(Score.normalised).desc(), *rank]
    if query.sort == RankingSort.APPLIED:
        return [applied_day, *rank]
    return rank


_PAGE_COLUMNS: tuple[Any, ...] = (
    col(Application.id),
    col(Application.candidate_id),
    col(Application.applied_at),
    col(Candidate.name),
    col(Candidate.emails),
)


def _scored_page(
    session: Session,
    organization_id: uuid.UUID,
    requirements: RequirementSet | None,
    query: RankingQuery,
    scored_total: int,
) -> list[RankedRow]:
    if requirements is None or query.offset >= scored_total or query.limit <= 0:
        return []
    statement = (
        sa.select(
            *_PAGE_COLUMNS,
            col(Score.normalised),
            col(Score.qualified),
            col(Score.shortlisted),
            col(Score.knocked_out),
            col(Score.requirement_set_version),
        )
        .join(Application, col(Application.id) == col(Score.application_id))
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .where(*_score_filters(organization_id, requirements, query))
        .order_by(*_order(query))
        .offset(query.offset)
        .limit(query.limit)
    )
    return [
        _row(r[:5], RankedScore(r[5], r[6], r[7], r[8], r[9]))
        for r in session.execute(statement).all()
    ]


def _unscored_page(
    session: Session,
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    requirements: RequirementSet | None,
    offset: int,
    limit: int,
) -> list[RankedRow]:
    statement = (
        sa.select(*_PAGE_COLUMNS)
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .where(
            col(Application.job_id) == job_id,
            col(Application.organization_id) == organization_id,
        )
    )
    if requirements is not None:
        scored = select(Score.id).where(
            col(Score.application_id) == col(Application.id),
            col(Score.requirement_set_id) == requirements.id,
        )
        statement = statement.where(~scored.exists())
    statement = statement.order_by(col(Application.id)).offset(offset).limit(limit)
    return [_row(r, None) for r in session.execute(statement).all()]


def _row(columns: Any, score: RankedScore | None) -> RankedRow:
    application_id, candidate_id, applied_at, name, emails = columns
    return RankedRow(
        0, application_id, candidate_id, name or "", (emails or [None])[0], applied_at, score
    )


def _add_verdict_counts(session: Session, rows: list[RankedRow]) -> None:
    """Count the newest verdict of each credential, for the rows of this page only."""
    if not rows:
        return
    by_id = {row.application_id: row for row in rows}
    results = session.exec(
        select(
            Credential.application_id,
            VerificationResult.credential_id,
            VerificationResult.status,
        )
        .join(Credential, col(Credential.id) == col(VerificationResult.credential_id))
        .where(col(Credential.application_id).in_(list(by_id)))
        .order_by(col(VerificationResult.verified_at), col(VerificationResult.attempt))
    ).all()
    newest = {credential_id: (app_id, status) for app_id, credential_id, status in results}
    counts: dict[uuid.UUID, Counter[str]] = {}
    for app_id, status in newest.values():
        counts.setdefault(app_id, Counter())[str(status)] += 1
    for app_id, counter in counts.items():
        row = by_id[app_id]
        row.verified, row.failed = counter["verified"], counter["failed"]
        row.indeterminate = counter["indeterminate"]


def _add_explanations(
    session: Session, requirements: RequirementSet | None, rows: list[RankedRow]
) -> None:
    scored = {row.application_id: row for row in rows if row.score is not None}
    if requirements is None or not scored:
        return
    found = session.exec(
        select(Score.application_id, Score.explanation).where(
            col(Score.requirement_set_id) == requirements.id,
            col(Score.application_id).in_(list(scored)),
        )
    ).all()
    for app_id, explanation in found:
        score = scored[app_id].score
        assert score is not None
        score.explanation = dict(explanation)


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
        if c.format != LINK_FORMAT or c.error_code or c.id in verdicts  # a platform-backed link
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
