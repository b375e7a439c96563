"""Skills for people: the concepts a label names (with descriptions, for a requirement editor),
job titles from ESCO occupations, and bulk mapping of an organisation's badge catalogue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ats_match.taxonomy.choices import LabelChoices, label_choices
from ats_match.taxonomy.records import achievement_from_line, result_json
from web.deps import CurrentUser
from worker.evidence import skill_matcher

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
    user: CurrentUser, label: Annotated[str, Query(min_length=1, max_length=200)]
) -> LabelChoices:
    """Every skill a label names, described (``SQL`` gives two); near matches if none."""
    return label_choices(skill_matcher(), label)


@router.get("/occupations", response_model=list[Occupation])
def occupations(
    user: CurrentUser,
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
def normalise_batch(user: CurrentUser, body: BatchIn) -> BatchOut:
    """Map up to 1,000 badges at once; results in input order, as ``normalise --batch``."""
    achievements = [
        achievement_from_line(b.model_dump(exclude_none=True)) for b in body.credentials
    ]
    results = skill_matcher().match_many(achievements)
    return BatchOut(results=[result_json(r) for r in results])
