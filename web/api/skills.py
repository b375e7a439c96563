"""Skills for people: the concepts a label names (with descriptions, for a requirement editor),
job titles from ESCO occupations, and bulk mapping of an organisation's badge catalogue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from pydantic import BaseModel, Field

from ats_match.models import Role, Scope, SkillFileKind, User
from ats_match.models.skills import SkillFilePublic
from ats_match.security import require_role
from ats_match.services import skill_files
from ats_match.taxonomy.choices import LabelChoices, label_choices
from ats_match.taxonomy.records import achievement_from_line, result_json
from web.deps import SessionDep, requires
from worker.evidence import organization_matcher

router = APIRouter(prefix="/api/v1", tags=["skills"])
MAX_BATCH = 1000


class Occupation(BaseModel):
    uri: str
    label: str
    isco_group: str
    description: str
    score: float


class BadgeIn(BaseModel):
    name: str = Field(max_length=500)
    description: str | None = Field(default=None, max_length=10_000)
    criteria: str | None = Field(default=None, max_length=10_000)
    alignments: list[dict[str, Any]] = Field(default_factory=list, max_length=50)
    tags: list[str] = Field(default_factory=list, max_length=50)


class BatchIn(BaseModel):
    credentials: list[BadgeIn] = Field(max_length=MAX_BATCH)


class BatchOut(BaseModel):
    results: list[dict[str, Any]]


@router.get("/skills/choices", response_model=LabelChoices)
def skill_choices(
    user: Annotated[User, requires(Scope.SKILLS_READ)],
    session: SessionDep,
    label: Annotated[str, Query(min_length=1, max_length=200)],
) -> LabelChoices:
    """Every skill a label names in the organisation's taxonomy, described (``SQL`` gives
    two); near matches if none."""
    return label_choices(organization_matcher(session, user.organization_id), label)


@router.get("/occupations", response_model=list[Occupation])
def occupations(
    user: Annotated[User, requires(Scope.SKILLS_READ)],
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[Occupation]:
    """ESCO occupations for a job title, best first."""
    from ats_match.taxonomy.occupations import default_occupations

    return [
        Occupation(
            uri=o.uri,
            label=o.preferred_label,
            isco_group=o.isco_group,
            description=o.description,
            score=round(score, 4),
        )
        for o, score in default_occupations().search(q, limit=limit)
    ]


@router.post("/skills/normalise", response_model=BatchOut)
def normalise_batch(
    user: Annotated[User, requires(Scope.SKILLS_READ)], session: SessionDep, body: BatchIn
) -> BatchOut:
    """Map up to 1,000 badges at once with the organisation's taxonomy, synonyms and
    catalogue; results in input order, as ``normalise --batch``."""
    achievements = [
        achievement_from_line(b.model_dump(exclude_none=True)) for b in body.credentials
    ]
    results = organization_matcher(session, user.organization_id).match_many(achievements)
    return BatchOut(results=[result_json(r) for r in results])


@router.put("/skill-files/{kind}", response_model=SkillFilePublic)
def put_skill_file(
    kind: SkillFileKind,
    user: Annotated[User, requires(Scope.SKILLS_WRITE)],
    session: SessionDep,
    content: Any = Body(...),
) -> SkillFilePublic:
    """Store the organisation's own taxonomy, synonyms or credential catalogue (JSON, the
    shapes of the CLI's YAML files); refused with 422 when it does not parse."""
    require_role(user.role, Role.RECRUITER)  # as for mapping overrides
    row = skill_files.put_file(session, user.organization_id, kind, content)
    return SkillFilePublic.model_validate(row, from_attributes=True)


@router.get("/skill-files", response_model=list[SkillFilePublic])
def list_skill_files(
    user: Annotated[User, requires(Scope.SKILLS_READ)], session: SessionDep
) -> list[SkillFilePublic]:
    """The organisation's skill files."""
    return [
        SkillFilePublic.model_validate(f, from_attributes=True)
        for f in skill_files.list_files(session, user.organization_id)
    ]
