"""Recruiter actions on applications: decisions (single and bulk), notes and tags."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ats_match.models import DecisionAction, Scope, User
from ats_match.models.workspace import DecisionPublic, NotePublic
from ats_match.repositories import ApplicationRepository
from ats_match.services import decisions
from web.deps import SessionDep, requires

router = APIRouter(prefix="/api/v1", tags=["decisions"])


class DecisionIn(BaseModel):
    action: DecisionAction
    reason: str = Field(default="", max_length=1000, description="Required for a rejection.")


class BulkDecisionIn(DecisionIn):
    application_ids: list[uuid.UUID] = Field(min_length=1, max_length=decisions.MAX_BULK)


class NoteIn(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


class TagsIn(BaseModel):
    tags: list[str] = Field(max_length=30)


class ActivityOut(BaseModel):
    decisions: list[DecisionPublic]
    notes: list[NotePublic]
    tags: list[str]


@router.post("/applications/{application_id}/decisions", status_code=201)
def decide_one(
    application_id: uuid.UUID,
    data: DecisionIn,
    session: SessionDep,
    user: Annotated[User, requires(Scope.DECISIONS_WRITE)],
) -> DecisionPublic:
    """Shortlist, advance or reject one application (audited; written back to the ATS when the
    application came from an integration that takes results)."""
    [row] = decisions.decide(session, user, [application_id], data.action, data.reason)
    return DecisionPublic.model_validate(row, from_attributes=True)


@router.post("/decisions", status_code=201)
def decide_many(
    data: BulkDecisionIn,
    session: SessionDep,
    user: Annotated[User, requires(Scope.DECISIONS_WRITE)],
) -> list[DecisionPublic]:
    """The same decision on many applications at once (all or none)."""
    rows = decisions.decide(session, user, data.application_ids, data.action, data.reason)
    return [DecisionPublic.model_validate(r, from_attributes=True) for r in rows]


@router.post("/applications/{application_id}/notes", status_code=201)
def add_note(
    application_id: uuid.UUID,
    data: NoteIn,
    session: SessionDep,
    user: Annotated[User, requires(Scope.DECISIONS_WRITE)],
) -> NotePublic:
    note = decisions.add_note(session, user, application_id, data.body)
    return NotePublic.model_validate(note, from_attributes=True)


@router.put("/applications/{application_id}/tags")
def put_tags(
    application_id: uuid.UUID,
    data: TagsIn,
    session: SessionDep,
    user: Annotated[User, requires(Scope.DECISIONS_WRITE)],
) -> list[str]:
    """Replace the application's tags."""
    return decisions.set_tags(session, user, application_id, data.tags)


@router.get("/applications/{application_id}/activity")
def activity(
    application_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.RESULTS_READ)],
) -> ActivityOut:
    """Decisions (newest first, with their write-back state), notes and tags."""
    org = user.organization_id
    ApplicationRepository(session, org).get_or_404(application_id)
    return ActivityOut(
        decisions=[
            DecisionPublic.model_validate(d, from_attributes=True)
            for d in decisions.history(session, org, application_id)
        ],
        notes=[
            NotePublic.model_validate(n, from_attributes=True)
            for n, _ in decisions.notes(session, org, application_id)
        ],
        tags=decisions.tags_of(session, org, [application_id]).get(application_id, []),
    )
