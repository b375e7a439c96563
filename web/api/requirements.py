"""Requirement sets per job (versioned), the ranked candidates of a job, and what-if scoring."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from ats_match.errors import InvalidInput, NotFound
from ats_match.models import RequirementSet, Role, Scope, User
from ats_match.models.base import utcnow
from ats_match.models.hiring import RequirementSetPublic
from ats_match.repositories import JobRepository
from ats_match.security import require_role
from ats_match.services import hiring
from ats_match.services.ranking import RankingQuery, RankingSort, Tier, job_ranking
from rules import (
    RequirementSetError,
    loads_requirement_set,
    parse_requirement_set,
)
from rules.schema import RequirementSet as RequirementSetSchema
from web.deps import SessionDep, requires
from web.drafts import draft_ranking, label_choices_of, save_version

router = APIRouter(prefix="/api/v1/jobs/{job_id}", tags=["requirements"])

REQUIREMENT_SET_REF = "#/components/schemas/RequirementSetDocument"
"""The body's JSON shape, added to the document by ``web.app`` (YAML is the same, as text)."""
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/plain")


class SavedVersion(RequirementSetPublic):
    warnings: list[str] = Field(default_factory=list)


class RankedApplication(BaseModel):
    rank: int
    application_id: uuid.UUID
    candidate_id: uuid.UUID
    candidate_name: str
    score: float | None
    qualified: bool | None
    shortlisted: bool | None
    knocked_out: bool | None
    requirement_set_version: int | None
    explanation: dict[str, Any] | None


class WhatIfResult(BaseModel):
    warnings: list[str]
    reference_date: date
    ranking: list[dict[str, Any]]


async def _requirement_set(request: Request) -> RequirementSetSchema:
    """Parse the body as YAML text or as JSON, turning every problem into a 422 with fields."""
    raw = (await request.body()).decode("utf-8", errors="replace")
    kind = request.headers.get("content-type", "").split(";")[0].strip()
    try:
        if kind in YAML_TYPES:
            return loads_requirement_set(raw, source="body")
        import json

        return parse_requirement_set(json.loads(raw))
    except RequirementSetError as exc:
        raise InvalidInput(
            "the requirement set is invalid",
            [
                {"field": e.field, "message": e.message, "line": e.line, "column": e.column}
                for e in exc.errors
            ],
        ) from exc
    except ValueError as exc:
        raise InvalidInput(f"the body is not JSON: {exc}") from exc


def _refers_to_nothing(exc: RequirementSetError) -> InvalidInput:
    return InvalidInput(
        "the requirement set refers to things that do not exist",
        [
            {"field": e.field, "message": e.message, "line": e.line, "column": e.column}
            | label_choices_of(e.field, e.message)
            for e in exc.errors
        ],
    )


@router.post(
    "/requirement-sets",
    response_model=SavedVersion,
    status_code=201,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"$ref": REQUIREMENT_SET_REF}},
                "application/yaml": {"schema": {"type": "string"}},
            }
        }
    },
)
async def create_version(
    job_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    user: Annotated[User, requires(Scope.JOBS_WRITE)],
) -> SavedVersion:
    """Save a new version (YAML or JSON). Every application of the job is re-scored in the
    background."""
    require_role(user.role, Role.HIRING_MANAGER)
    rs = await _requirement_set(request)
    try:
        row, warnings = save_version(session, user, job_id, rs)
    except RequirementSetError as exc:
        raise _refers_to_nothing(exc) from exc
    return SavedVersion.model_validate({**row.model_dump(), "warnings": [str(w) for w in warnings]})


@router.get("/requirement-sets", response_model=list[RequirementSetPublic])
def list_versions(
    job_id: uuid.UUID, session: SessionDep, user: Annotated[User, requires(Scope.JOBS_READ)]
) -> list[RequirementSet]:
    JobRepository(session, user.organization_id).get_or_404(job_id)
    return list(hiring.requirement_versions(session, user.organization_id, job_id))


@router.get("/requirement-sets/{version}", response_model=RequirementSetPublic)
def get_version(
    job_id: uuid.UUID,
    version: int,
    session: SessionDep,
    user: Annotated[User, requires(Scope.JOBS_READ)],
) -> RequirementSet:
    for row in hiring.requirement_versions(session, user.organization_id, job_id):
        if row.version == version:
            return row
    raise NotFound(f"job {job_id} has no requirement-set version {version}")


@router.get("/ranking", response_model=list[RankedApplication])
def ranking(
    job_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.RESULTS_READ)],
    response: Response,
    qualified: bool = False,
    tier: Tier | None = None,
    min_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    sort: RankingSort = RankingSort.RANK,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    explain: bool = True,
    needs_review: bool = False,
    verified_only: bool = False,
    issuer_trusted: bool = False,
    skill: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=200, description="name or e-mail contains")] = None,
    issued_within_months: Annotated[
        int | None, Query(ge=1, le=600, description="a credential issued in the last N months")
    ] = None,
) -> list[RankedApplication]:
    """One page of the job's applications ranked by their stored scores (scored first, then
    those not scored yet), each with its explanation unless ``explain=false``. The number of
    matching applications is in the ``X-Total-Count`` header. While a new version is being
    applied the previous version's ranking is returned and ``X-Rescoring`` says so."""
    result = job_ranking(
        session,
        user.organization_id,
        job_id,
        RankingQuery(
            limit=limit,
            offset=offset,
            sort=sort,
            only_qualified=qualified,
            tier=tier,
            min_score=min_score,
            with_explanations=explain,
            needs_review=needs_review,
            verified_only=verified_only,
            issuer_trusted=issuer_trusted,
            skill=skill or None,
            search=q or None,
            issued_within_months=issued_within_months,
        ),
    )
    response.headers["X-Total-Count"] = str(result.total)
    if result.rescoring is not None:  # ranked by the previous version until the re-score ends
        response.headers["X-Rescoring"] = (
            f"version {result.rescoring.version}: {result.rescoring.done} of "
            f"{result.rescoring.total} done; ranked by version {result.rescoring.shown_version}"
        )
    return [
        RankedApplication(
            rank=row.rank,
            application_id=row.application_id,
            candidate_id=row.candidate_id,
            candidate_name=row.candidate_name,
            score=row.score.normalised if row.score else None,
            qualified=row.score.qualified if row.score else None,
            shortlisted=row.score.shortlisted if row.score else None,
            knocked_out=row.score.knocked_out if row.score else None,
            requirement_set_version=row.score.requirement_set_version if row.score else None,
            explanation=row.score.explanation if row.score else None,
        )
        for row in result.rows
    ]


@router.post(
    "/what-if",
    response_model=WhatIfResult,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"$ref": REQUIREMENT_SET_REF}},
                "application/yaml": {"schema": {"type": "string"}},
            }
        }
    },
)
async def what_if_preview(
    job_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    user: Annotated[User, requires(Scope.JOBS_WRITE)],
    top: int = 20,
) -> WhatIfResult:
    """Rank the job's current applicants with a draft requirement set. Nothing is saved."""
    require_role(user.role, Role.HIRING_MANAGER)
    JobRepository(session, user.organization_id).get_or_404(job_id)
    draft = await _requirement_set(request)
    today = utcnow().date()
    try:
        preview = draft_ranking(session, user.organization_id, job_id, draft, top)
    except RequirementSetError as exc:
        raise InvalidInput(
            "the draft refers to things that do not exist",
            [{"field": e.field, "message": e.message} for e in exc.errors],
        ) from exc
    return WhatIfResult(
        warnings=[str(w) for w in preview.warnings],
        reference_date=today,
        ranking=[
            {
                "rank": r.rank,
                "application_id": r.score.candidate_id,
                "score": r.score.normalised,
                "qualified": r.score.qualified,
                "shortlisted": r.score.shortlisted,
                "knocked_out": r.score.knocked_out,
                "explanation": r.evaluation.model_dump(mode="json") if r.evaluation else None,
            }
            for r in preview.ranking
        ],
    )
