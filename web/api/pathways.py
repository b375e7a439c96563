"""The organisation's pathways (``stack`` and ``focus`` conditions name them by slug).

- ``GET /api/v1/pathways`` (any member) and ``POST`` (admin);
- ``GET /api/v1/pathways/{id}`` (any member), ``PATCH`` and ``DELETE`` (admin).

Another organisation's pathway is a 404; every change is audited and re-scores the jobs whose
newest requirement set names it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Response

from ats_match.models import Pathway, Role, User
from ats_match.models.pathways import PathwayCreate, PathwayPublic, PathwayUpdate
from ats_match.models.scopes import Scope
from ats_match.repositories import PathwayRepository
from ats_match.security import require_role
from ats_match.services import pathways
from web.deps import SessionDep, requires

router = APIRouter(prefix="/api/v1/pathways", tags=["pathways"])

# Pathways are part of the organisation's requirement sets: read and written as jobs are (the
# admin role is still required to write).
Reader = Annotated[User, requires(Scope.JOBS_READ)]
Writer = Annotated[User, requires(Scope.JOBS_WRITE)]


@router.get("", response_model=list[PathwayPublic])
def list_pathways(session: SessionDep, user: Reader) -> Sequence[Pathway]:
    return pathways.list_pathways(session, user.organization_id)


@router.post("", response_model=PathwayPublic, status_code=201)
def create_pathway(data: PathwayCreate, session: SessionDep, user: Writer) -> Pathway:
    require_role(user.role, Role.ADMIN)
    return pathways.create_pathway(session, user, data)


@router.get("/{pathway_id}", response_model=PathwayPublic)
def get_pathway(pathway_id: uuid.UUID, session: SessionDep, user: Reader) -> Pathway:
    return PathwayRepository(session, user.organization_id).get_or_404(pathway_id)


@router.patch("/{pathway_id}", response_model=PathwayPublic)
def update_pathway(
    pathway_id: uuid.UUID, data: PathwayUpdate, session: SessionDep, user: Writer
) -> Pathway:
    require_role(user.role, Role.ADMIN)
    return pathways.update_pathway(session, user, pathway_id, data)


@router.delete("/{pathway_id}", status_code=204)
def delete_pathway(pathway_id: uuid.UUID, session: SessionDep, user: Writer) -> Response:
    require_role(user.role, Role.ADMIN)
    pathways.delete_pathway(session, user, pathway_id)
    return Response(status_code=204)
