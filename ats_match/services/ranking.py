"""Read models for recruiters: a job's ranked candidates and one application in full."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from ats_match.models import (
    Application,
    Candidate,
    Job,
    RequirementSet,
    Score,
)
from ats_match.models.base import utcnow
from ats_match.repositories import JobRepository
from ats_match.services import ranking_filters as filters
from ats_match.services import ranking_rows as row_facts
from ats_match.services.hiring import latest_requirements


class RankingSort(StrEnum):
    RANK = "rank"
    """The rules engine's documented order (see :mod:`rules.ranking`)."""
    SCORE = "score"
    """Highest score first, whatever the tier."""
    APPLIED = "applied"
    """Earliest application first."""
    NAME = "name"
    """Candidate name A-Z."""


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
    needs_review: bool = False
    verified_only: bool = False
    issuer_trusted: bool = False
    skill: str | None = None
    search: str | None = None
    issued_within_months: int | None = None
    """Only applications with a credential issued in the last so many months."""

    @property
    def filtered(self) -> bool:
        """True when only scored applications can match (the filter reads the score)."""
        return (
            self.only_qualified
            or self.tier is not None
            or self.min_score is not None
            or self.needs_review
        )

    def application_filters(self) -> list[Any]:
        """Filters on the application itself, for scored and unscored rows alike."""
        where: list[Any] = []
        if self.search:
            where.append(filters.name_matches(self.search))
        if self.skill:
            where.append(filters.has_skill(self.skill))
        if self.verified_only:
            where.append(filters.verified_only())
        if self.issuer_trusted:
            where.append(filters.issuer_trusted())
        if self.issued_within_months:
            days = round(self.issued_within_months * 30.4375)  # a calendar month on average
            where.append(filters.issued_since(utcnow().date() - timedelta(days=days)))
        return where


@dataclass
class RankedScore:
    normalised: float
    qualified: bool
    shortlisted: bool
    knocked_out: bool
    requirement_set_version: int
    explanation: dict[str, Any] | None = None
    summary: str = ""
    needs_review: bool = False


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
    attached: int = 0
    """Credentials attached (documents and links that resolved or failed)."""
    unchecked: int = 0
    """Attached credentials with no verification yet."""


@dataclass
class JobRanking:
    job: Job
    requirements: RequirementSet | None
    rows: list[RankedRow]
    total: int
    """Applications matching the filters, on every page."""
    query: RankingQuery = field(default_factory=RankingQuery)
    rescoring: filters.Rescoring | None = None
    """Set while a re-score runs: the rows are ranked by the previous version meanwhile."""


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
    latest = latest_requirements(session, organization_id, job.id)
    requirements, rescoring = filters.ranked_version(session, organization_id, latest)
    scored_total = _scored_count(session, organization_id, requirements, query)
    rows = _scored_page(session, organization_id, requirements, query, scored_total)
    total = scored_total
    if not query.filtered:
        unscored_total = _unscored_count(session, organization_id, job.id, requirements, query)
        total += unscored_total
        room = query.limit - len(rows)
        if room > 0 and unscored_total > 0:
            start = max(0, query.offset - scored_total)
            rows += _unscored_page(
                session, organization_id, job.id, requirements, query, start, room
            )
    for i, row in enumerate(rows):
        row.rank = query.offset + i + 1
    row_facts.add_verdict_counts(session, rows)
    if query.with_explanations:
        row_facts.add_explanations(session, requirements, rows)
    return JobRanking(job, latest, rows, total, query, rescoring)


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
    if query.needs_review:
        where.append(filters.needs_review())
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
    extra = query.application_filters()
    if extra:
        statement = statement.join(
            Application, col(Application.id) == col(Score.application_id)
        ).join(Candidate, col(Candidate.id) == col(Application.candidate_id))
    where = [*_score_filters(organization_id, requirements, query), *extra]
    return int(session.exec(statement.where(*where)).one())


def _unscored_where(
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    requirements: RequirementSet | None,
    query: RankingQuery,
) -> list[Any]:
    where: list[Any] = [
        col(Application.job_id) == job_id,
        col(Application.organization_id) == organization_id,
        *query.application_filters(),
    ]
    if requirements is not None:
        scored = select(Score.id).where(
            col(Score.application_id) == col(Application.id),
            col(Score.requirement_set_id) == requirements.id,
        )
        where.append(~scored.exists())
    return where


def _unscored_count(
    session: Session,
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    requirements: RequirementSet | None,
    query: RankingQuery,
) -> int:
    statement = (
        select(func.count())
        .select_from(Application)
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .where(*_unscored_where(organization_id, job_id, requirements, query))
    )
    return int(session.exec(statement).one())


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
    if query.sort == RankingSort.NAME:
        return [func.lower(col(Candidate.name)), *rank]
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
            Score.explanation["summary"].as_string(),
            Score.explanation["needs_review"].as_boolean(),
        )
        .join(Application, col(Application.id) == col(Score.application_id))
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .where(*_score_filters(organization_id, requirements, query))
        .where(*query.application_filters())
        .order_by(*_order(query))
        .offset(query.offset)
        .limit(query.limit)
    )
    return [
        _row(
            r[:5],
            RankedScore(
                r[5], r[6], r[7], r[8], r[9], summary=r[10] or "", needs_review=bool(r[11])
            ),
        )
        for r in session.execute(statement).all()
    ]


def _unscored_page(
    session: Session,
    organization_id: uuid.UUID,
    job_id: uuid.UUID,
    requirements: RequirementSet | None,
    query: RankingQuery,
    offset: int,
    limit: int,
) -> list[RankedRow]:
    order = [func.lower(col(Candidate.name))] if query.sort == RankingSort.NAME else []
    applied = func.coalesce(col(Application.applied_at), col(Application.created_at))
    statement = (
        sa.select(*_PAGE_COLUMNS)
        .join(Candidate, col(Candidate.id) == col(Application.candidate_id))
        .where(*_unscored_where(organization_id, job_id, requirements, query))
        .order_by(*order, applied, col(Application.id))
        .offset(offset)
        .limit(limit)
    )
    return [_row(r, None) for r in session.execute(statement).all()]


def _row(columns: Any, score: RankedScore | None) -> RankedRow:
    application_id, candidate_id, applied_at, name, emails = columns
    return RankedRow(
        0, application_id, candidate_id, name or "", (emails or [None])[0], applied_at, score
    )


from ats_match.services.application_view import (  # noqa: E402  (re-exported)
    ApplicationDetail,
    CredentialView,
    application_detail,
    latest_verdicts,
)

__all__ = [
    "ApplicationDetail",
    "CredentialView",
    "JobRanking",
    "RankedRow",
    "RankedScore",
    "RankingQuery",
    "RankingSort",
    "Tier",
    "application_detail",
    "job_ranking",
    "latest_verdicts",
]
