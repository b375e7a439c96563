"""Scoring stage: once an application's credentials have settled, evaluate it against its job's
newest requirement set and store the score with its full explanation.

Idempotent under concurrency: the application row is locked (PostgreSQL) for the rest of the
transaction, and the score is written with ``INSERT ... ON CONFLICT DO UPDATE`` on the unique
(application, requirement set), so two runs at once leave one row and neither fails.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import OrderedDict
from dataclasses import replace
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from ats_match.models import Application, RequirementSet, Score
from ats_match.models.base import utcnow
from ats_match.services.hiring import latest_requirements
from ats_match.services.notify import stage_score_event
from ats_match.services.pathways import list_pathways, schema_of
from rules import CompiledRequirementSet, Evaluation, compile_requirement_set, parse_requirement_set
from rules.ranking import tier
from worker import batch
from worker.evidence import EvidenceState, load_state, skill_context, taxonomy_hooks
from worker.sql import insert_on_conflict

_SCORE_FIELDS = (
    "total",
    "max_total",
    "normalised",
    "qualified",
    "shortlisted",
    "knocked_out",
    "tier",
    "not_evaluable",
)


def lock_application(
    session: Session, organization_id: uuid.UUID, application_id: uuid.UUID
) -> Application | None:
    """The application, locked until the transaction ends (``SELECT ... FOR UPDATE``)."""
    application = session.get(Application, application_id, with_for_update=True)
    if application is None or application.organization_id != organization_id:
        return None
    return application


def score_application(
    session: Session,
    organization_id: uuid.UUID,
    application_id: uuid.UUID,
    *,
    today: date | None = None,
) -> Score | None:
    """Score the application if its credentials have settled; ``None`` if they have not (the
    stage that settles the last one scores it) or the job has no requirement set."""
    application = lock_application(session, organization_id, application_id)
    if application is None:
        return None
    return score_locked(session, application, today=today)


def score_locked(
    session: Session, application: Application, *, today: date | None = None
) -> Score | None:
    """``score_application`` for an application this transaction has already locked."""
    requirements = newest_requirements(session, application.organization_id, application.job_id)
    if requirements is None:
        return None
    state = load_state(session, application)
    if state.pending:
        return None
    return score_state(session, state, requirements, today=today)


def newest_requirements(
    session: Session, organization_id: uuid.UUID, job_id: uuid.UUID
) -> RequirementSet | None:
    """The job's newest requirement set (read once per batch, as a copy no session owns: a
    rolled-back transaction of the batch cannot expire it)."""

    def read() -> RequirementSet | None:
        row = latest_requirements(session, organization_id, job_id)
        return None if row is None else RequirementSet.model_validate(row.model_dump())

    return batch.memo(("requirements", organization_id, job_id), read)


def score_state(
    session: Session,
    state: EvidenceState,
    requirements: RequirementSet,
    *,
    today: date | None = None,
    new: bool = False,
) -> Score:
    """Evaluate and store (``new``: the application was created in this transaction, so it has
    no score to compare with)."""
    pathways = organisation_pathways(session, requirements.organization_id)
    compiled = compiled_requirements(requirements, today or utcnow().date(), pathways)
    evaluation = compiled.explain(state.evidence())
    score, changed = _upsert(session, state.application, requirements, evaluation, new=new)
    if changed:
        stage_score_event(session, state.application, score)
    return score


PathwayRows = tuple[tuple[str, str, str], ...]
"""The organisation's pathways as (slug, name, levels as JSON): a cache key as well."""


def organisation_pathways(session: Session, organization_id: uuid.UUID) -> PathwayRows:
    """The pathways a set may name besides its own (read once per batch)."""

    def read() -> PathwayRows:
        rows = list_pathways(session, organization_id)
        return tuple((r.slug, r.name, json.dumps(r.levels, sort_keys=True)) for r in rows)

    return batch.memo(("pathways", organization_id), read)


_COMPILED: OrderedDict[tuple[uuid.UUID, date, PathwayRows], CompiledRequirementSet] = OrderedDict()
_COMPILED_LOCK = threading.Lock()
_COMPILED_MAX = 64


def compiled_requirements(
    requirements: RequirementSet, today: date, pathways: PathwayRows = ()
) -> CompiledRequirementSet:
    """The requirement set compiled once per (version row, day, organisation pathways): rows
    are immutable, and a changed organisation pathway is another key."""
    key = (requirements.id, today, pathways)
    with _COMPILED_LOCK:
        hit = _COMPILED.get(key)
        if hit is not None:
            _COMPILED.move_to_end(key)
            return hit
    hooks = taxonomy_hooks()
    compiled = compile_requirement_set(
        parse_requirement_set(requirements.body),
        today,
        version=requirements.version,
        narrower=hooks.narrower,
        resolve_label=hooks.resolve_label,
        context=replace(
            skill_context(),
            pathways={
                slug: schema_of(slug, name, json.loads(levels)) for slug, name, levels in pathways
            },
        ),
    )
    with _COMPILED_LOCK:
        _COMPILED[key] = compiled
        while len(_COMPILED) > _COMPILED_MAX:
            _COMPILED.popitem(last=False)
    return compiled


def _fields(evaluation: Evaluation) -> dict[str, object]:
    return {
        "total": evaluation.total,
        "max_total": evaluation.max_total,
        "normalised": evaluation.normalised,
        "qualified": evaluation.qualified,
        "shortlisted": evaluation.shortlisted,
        "knocked_out": evaluation.knocked_out,
        "tier": tier(evaluation),
        "not_evaluable": evaluation.not_evaluable,
    }


def _find(session: Session, application_id: uuid.UUID, requirements_id: uuid.UUID) -> Score | None:
    return session.exec(
        select(Score)
        .where(
            col(Score.application_id) == application_id,
            col(Score.requirement_set_id) == requirements_id,
        )
        .execution_options(populate_existing=True)
    ).first()


def _upsert(
    session: Session,
    application: Application,
    requirements: RequirementSet,
    evaluation: Evaluation,
    *,
    new: bool = False,
) -> tuple[Score, bool]:
    fields = _fields(evaluation)
    explanation = evaluation.model_dump(mode="json")
    score = None if new else _find(session, application.id, requirements.id)
    if score is not None:
        changed = any(getattr(score, k) != v for k, v in fields.items())
        for key, value in fields.items():
            setattr(score, key, value)
        score.explanation, score.scored_at = explanation, utcnow()
        session.add(score)
        return score, changed
    values = {
        "id": uuid.uuid4(),
        "organization_id": application.organization_id,
        "application_id": application.id,
        "requirement_set_id": requirements.id,
        "requirement_set_version": requirements.version,
        "explanation": explanation,
        "scored_at": utcnow(),
        **fields,
    }
    session.execute(_score_upsert(session.get_bind().dialect.name), values)
    return Score.model_validate(values), True  # what was written (not attached to the session)


_UPSERTS: dict[str, Any] = {}


def _score_upsert(dialect: str) -> Any:
    """The score's ``INSERT ... ON CONFLICT DO UPDATE``, built once per dialect: a statement
    object reused keeps its compiled form and cache key, so each score pays only its values."""
    statement = _UPSERTS.get(dialect)
    if statement is None:
        insert = insert_on_conflict(dialect, Score)
        updated = {k: insert.excluded[k] for k in (*_SCORE_FIELDS, "explanation", "scored_at")}
        statement = insert.on_conflict_do_update(
            index_elements=["application_id", "requirement_set_id"], set_=updated
        )
        _UPSERTS[dialect] = statement
    return statement
