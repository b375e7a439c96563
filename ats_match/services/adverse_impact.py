"""The adverse-impact report of one job and requirement-set version (NYC LL144 / EEOC
four-fifths): the assessed population is every application scored with that version; outcomes
are the current decisions and the scores; categories are the self-reported EEO answers.

Admin only: even aggregated, a small category can point at one person's self-identification.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlmodel import Session, col, select

from ats_match.errors import NotFound
from ats_match.fairness.impact import Assessed, ImpactTable, impact_tables, median_score
from ats_match.fairness.summary import AXIS_WORDS, LIMITS, OUTCOME_WORDS, summary
from ats_match.models import (
    Application,
    ApplicationDecision,
    DecisionAction,
    Job,
    RequirementSet,
    Role,
    Score,
    User,
)
from ats_match.models.base import utcnow
from ats_match.repositories import JobRepository, RequirementSetRepository
from ats_match.security import require_role

SELECTED = {DecisionAction.SHORTLIST, DecisionAction.ADVANCE}


class AdverseImpactReport(BaseModel):
    job_id: uuid.UUID
    job_title: str
    requirement_set_id: uuid.UUID
    version: int
    generated_at: datetime
    applicants: int
    median_score: float | None
    tables: list[ImpactTable]
    summary: list[str]
    data_source: str = (
        "Applications scored with this requirement-set version; categories self-reported by "
        "candidates through the ATS's voluntary EEO form; outcomes are the current recruiter "
        "decisions and the scores."
    )
    limits: str = LIMITS


def adverse_impact(
    session: Session, user: User, job_id: uuid.UUID, version: int | None = None
) -> AdverseImpactReport:
    """The report for ``version`` (default: the newest) of the job's requirement sets."""
    require_role(user.role, Role.ADMIN)
    job = JobRepository(session, user.organization_id).get_or_404(job_id)
    requirements = _requirement_set(session, user.organization_id, job, version)
    population = assessed(session, user.organization_id, requirements)
    tables = impact_tables(population)
    median = median_score(population)
    return AdverseImpactReport(
        job_id=job.id,
        job_title=job.title,
        requirement_set_id=requirements.id,
        version=requirements.version,
        generated_at=utcnow(),
        applicants=len(population),
        median_score=median,
        tables=tables,
        summary=summary(tables, len(population), requirements.version, median),
    )


def _requirement_set(
    session: Session, organization_id: uuid.UUID, job: Job, version: int | None
) -> RequirementSet:
    statement = (
        RequirementSetRepository(session, organization_id)
        .query()
        .where(col(RequirementSet.job_id) == job.id)
    )
    if version is not None:
        statement = statement.where(col(RequirementSet.version) == version)
    found = session.exec(statement.order_by(col(RequirementSet.version).desc()).limit(1)).first()
    if found is None:
        raise NotFound(
            f"job {job.id} has no requirement-set version {version}"
            if version is not None
            else f"job {job.id} has no requirement set yet"
        )
    return found


def assessed(
    session: Session, organization_id: uuid.UUID, requirements: RequirementSet
) -> list[Assessed]:
    """Every application scored with ``requirements``: its categories, score and current
    decision, in one query (no id list, so a job of any size fits a statement)."""
    newest = (
        select(
            col(ApplicationDecision.application_id).label("application_id"),
            col(ApplicationDecision.action).label("action"),
            sa.func.row_number()
            .over(
                partition_by=col(ApplicationDecision.application_id),
                order_by=(
                    col(ApplicationDecision.created_at).desc(),
                    col(ApplicationDecision.id).desc(),
                ),
            )
            .label("n"),
        )
        .join(Score, col(Score.application_id) == col(ApplicationDecision.application_id))
        .where(
            col(ApplicationDecision.organization_id) == organization_id,
            col(Score.requirement_set_id) == requirements.id,
        )
        .subquery()
    )
    rows = session.exec(
        select(
            Application.eeo_sex,
            Application.eeo_race_ethnicity,
            Score.normalised,
            newest.c.action,
        )
        .join(Score, col(Score.application_id) == col(Application.id))
        .outerjoin(newest, sa.and_(newest.c.application_id == col(Application.id), newest.c.n == 1))
        .where(
            col(Score.organization_id) == organization_id,
            col(Score.requirement_set_id) == requirements.id,
        )
    ).all()
    return [
        Assessed(sex, race, score, action in SELECTED, action == DecisionAction.ADVANCE)
        for sex, race, score, action in rows
    ]


CSV_COLUMNS = [
    "outcome", "axis", "category", "label", "applicants", "share", "selected", "rate",
    "impact_ratio", "excluded_under_2_percent", "below_four_fifths",
]  # fmt: skip


def report_csv(report: AdverseImpactReport) -> str:
    """One row per category per table, then each table's unknown count."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for table in report.tables:
        for row in table.categories:
            writer.writerow(
                [
                    table.outcome, table.axis, row.category, row.label, row.applicants,
                    row.share, row.selected, row.rate,
                    "" if row.impact_ratio is None else row.impact_ratio,
                    row.excluded, row.below_four_fifths,
                ]
            )  # fmt: skip
        unknown = table.unknown
        writer.writerow(
            [
                table.outcome, table.axis, "unknown", "Unknown", unknown.applicants, "",
                unknown.selected, "" if unknown.rate is None else unknown.rate, "", "", "",
            ]
        )  # fmt: skip
    return buffer.getvalue()


def table_title(table: ImpactTable) -> str:
    return f"{OUTCOME_WORDS[table.outcome].capitalize()}, by {AXIS_WORDS[table.axis]}"
