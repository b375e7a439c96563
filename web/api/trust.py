"""Issuer registries API (admin role) and the public DCC registry an organisation publishes.

- ``/api/v1/issuer-registries``: list, create; ``/{id}``: read, update (PATCH), delete;
- ``POST /api/v1/issuer-registries/check``: what the organisation's registries and lists say
  about one issuer id, the same ``issuer`` answer verification records;
- ``GET /trust/registries/{id}/registry.json``: a published registry in the Digital
  Credentials Consortium's legacy format, without authentication, for any verifier to use.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from ats_match.models import IssuerRegistry, Role, Scope, User
from ats_match.models.trust import IssuerRegistryBase
from ats_match.security import require_role
from ats_match.services import trust
from ats_match.services.trust_input import IssuerRegistryIn, IssuerRegistryPatch
from ats_match.verification.answers import Answer
from web.api.contract import PUBLIC
from web.deps import SessionDep, requires

router = APIRouter(tags=["trust"])
PREFIX = "/api/v1/issuer-registries"


class IssuerRegistryPublic(IssuerRegistryBase):
    id: uuid.UUID
    organization_id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    published_url: str | None = None


class IssuerCheck(BaseModel):
    issuer: str = Field(min_length=1, max_length=2000, description="A DID or https issuer id.")


def _public(registry: IssuerRegistry) -> IssuerRegistryPublic:
    url = trust.published_url(registry.id) if registry.published else None
    values = registry.model_dump(warnings=False)  # the kind column reads back as a plain str
    return IssuerRegistryPublic.model_validate({**values, "published_url": url})


@router.get(PREFIX, response_model=list[IssuerRegistryPublic])
def list_registries(
    session: SessionDep, user: Annotated[User, requires(Scope.TRUST_READ)]
) -> Sequence[IssuerRegistryPublic]:
    require_role(user.role, Role.ADMIN)
    return [_public(r) for r in trust.list_registries(session, user.organization_id)]


@router.post(PREFIX, response_model=IssuerRegistryPublic, status_code=201)
def create_registry(
    data: IssuerRegistryIn, session: SessionDep, user: Annotated[User, requires(Scope.TRUST_ADMIN)]
) -> IssuerRegistryPublic:
    require_role(user.role, Role.ADMIN)
    return _public(trust.create_registry(session, user, data))


@router.post(PREFIX + "/check", response_model=Answer)
def check_issuer(
    data: IssuerCheck, session: SessionDep, user: Annotated[User, requires(Scope.TRUST_READ)]
) -> Answer:
    require_role(user.role, Role.ADMIN)
    from worker.pipeline import shared_fetcher

    judge = trust.issuer_judge_for(session, user.organization_id, shared_fetcher())
    return judge(data.issuer)


@router.get(PREFIX + "/{registry_id}", response_model=IssuerRegistryPublic)
def get_registry(
    registry_id: uuid.UUID, session: SessionDep, user: Annotated[User, requires(Scope.TRUST_READ)]
) -> IssuerRegistryPublic:
    require_role(user.role, Role.ADMIN)
    from ats_match.repositories import IssuerRegistryRepository

    return _public(IssuerRegistryRepository(session, user.organization_id).get_or_404(registry_id))


@router.patch(PREFIX + "/{registry_id}", response_model=IssuerRegistryPublic)
def update_registry(
    registry_id: uuid.UUID,
    data: IssuerRegistryPatch,
    session: SessionDep,
    user: Annotated[User, requires(Scope.TRUST_ADMIN)],
) -> IssuerRegistryPublic:
    require_role(user.role, Role.ADMIN)
    return _public(trust.update_registry(session, user, registry_id, data))


@router.delete(PREFIX + "/{registry_id}", status_code=204)
def delete_registry(
    registry_id: uuid.UUID, session: SessionDep, user: Annotated[User, requires(Scope.TRUST_ADMIN)]
) -> Response:
    require_role(user.role, Role.ADMIN)
    trust.delete_registry(session, user, registry_id)
    return Response(status_code=204)


@router.get("/trust/registries/{registry_id}/registry.json", openapi_extra=PUBLIC)
def published_registry(registry_id: uuid.UUID, session: SessionDep) -> Response:
    import json

    document = trust.published_document(session, registry_id)
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"cache-control": "public, max-age=300"},
    )
