"""Scoring stage: evaluate an application against its job's newest requirement set and store
the score with its full explanation (idempotent: one row per application and version)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from ats_match.models import Application, RequirementSet, Score
from ats_match.models.base import utcnow
from ats_match.services.hiring import latest_requirements
from ats_match.services.notify import stage_score_event
from ats_match.services.ranking import RankedRow
from rules import Evaluation, evaluate, parse_requirement_set
from rules.ranking import rank_key
from worker.evidence import application_evidence, taxonomy_hooks


def score_application(
    session: Session,
    organization_id: uuid.UUID,
    application_id: uuid.UUID,
    *,
    today: date | None = None,
) -> Score | None:
    application = session.get(Application, application_id)
    if application is None or application.organization_id != organization_id:
        return None
    requirements = latest_requirements(session, organization_id, application.job_id)
    if requirements is None:
        return None
    evaluation = evaluate_application(session, application, requirements, today=today)
    score, changed = _upsert(session, application, requirements, evaluation)
    if changed:
        stage_score_event(session, application, score)
    return score


def evaluate_application(
    session: Session,
    application: Application,
    requirements: RequirementSet,
    *,
    today: date | None = None,
) -> Evaluation:
    """The explained evaluation, at ``today`` (UTC) unless told otherwise."""
    hooks = taxonomy_hooks()
    rs = parse_requirement_set(requirements.body)
    return evaluate(
        rs,
        application_evidence(session, application),
        today or utcnow().date(),
        version=requirements.version,
        narrower=hooks.narrower,
        resolve_label=hooks.resolve_label,
    )


def _upsert(
    session: Session, application: Application, requirements: RequirementSet, evaluation: Evaluation
) -> tuple[Score, bool]:
    score = session.exec(
        select(Score).where(
            col(Score.application_id) == application.id,
            col(Score.requirement_set_id) == requirements.id,
        )
    ).first()
    explanation = evaluation.model_dump(mode="json")
    fields = dict(
        total=evaluation.total,
        max_total=evaluation.max_total,
        normalised=evaluation.normalised,
        qualified=evaluation.qualified,
        shortlisted=evaluation.shortlisted,
        knocked_out=evaluation.knocked_out,
    )
    if score is None:
        score = Score.model_validate(
            {
                "organization_id": application.organization_id,
                "application_id": application.id,
                "requirement_set_id": requirements.id,
                "requirement_set_version": requirements.version,
                "explanation": explanation,
                **fields,
            }
        )
        session.add(score)
        session.flush()
        return score, True
    changed = any(getattr(score, k) != v for k, v in fields.items())
    for key, value in fields.items():
        setattr(score, key, value)
    score.explanation, score.scored_at = explanation, utcnow()
    session.add(score)
    return score, changed


def ranking_key(row: RankedRow) -> tuple[object, ...]:
    """Sort stored scores exactly as :mod:`rules.ranking` documents; unscored rows go last."""
    score = row.score
    applied = row.application.applied_at or row.application.created_at
    applied_day = applied.date() if applied else None
    if score is None:
        return (1, (), str(row.application.id))
    not_evaluable = int((score.explanation or {}).get("not_evaluable", 0))
    summary = _StoredScore(
        str(row.application.id),
        score.normalised,
        score.qualified,
        score.shortlisted,
        score.knocked_out,
        not_evaluable,
    )
    return (0, rank_key(summary, applied_day), "")


@dataclass(frozen=True)
class _StoredScore:
    candidate_id: str
    normalised: float
    qualified: bool
    shortlisted: bool
    knocked_out: bool
    not_evaluable: int
