"""Administration API: users and issuer trust (admin role); integrations in
:mod:`web.api.integrations`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ats_match.models import Role, Scope, User
from ats_match.models.tenancy import UserCreate, UserPublic
from ats_match.repositories import UserRepository
from ats_match.security import require_role
from ats_match.services import admin
from web.api import integrations, sso
from web.deps import SessionDep, requires

router = APIRouter(prefix="/api/v1", tags=["admin"])
router.include_router(integrations.router)
router.include_router(sso.router)


class UserWithKey(UserPublic):
    api_key: str = Field(description="Shown once; only its hash is stored.")


class IssuerTrust(BaseModel):
    allow: list[str] = Field(
        default_factory=list, description="Issuer ids or URL prefixes; empty allows all."
    )
    deny: list[str] = Field(default_factory=list)


@router.get("/me", response_model=UserPublic)
def me(user: Annotated[User, requires(Scope.ACCOUNT_READ)]) -> User:
    return user


@router.get("/users", response_model=list[UserPublic])
def list_users(
    session: SessionDep, user: Annotated[User, requires(Scope.USERS_ADMIN)]
) -> Sequence[User]:
    require_role(user.role, Role.ADMIN)
    return UserRepository(session, user.organization_id).list(limit=1000)


@router.post("/users", response_model=UserWithKey, status_code=201)
def create_user(
    data: UserCreate, session: SessionDep, user: Annotated[User, requires(Scope.USERS_ADMIN)]
) -> UserWithKey:
    require_role(user.role, Role.ADMIN)
    created, key = admin.create_user(session, user, data)
    return UserWithKey.model_validate({**created.model_dump(), "api_key": key})


@router.post("/users/{user_id}/rotate-key", response_model=UserWithKey)
def rotate_key(
    user_id: uuid.UUID, session: SessionDep, user: Annotated[User, requires(Scope.USERS_ADMIN)]
) -> UserWithKey:
    require_role(user.role, Role.ADMIN)
    key = admin.rotate_key(session, user, user_id)
    target = UserRepository(session, user.organization_id).get_or_404(user_id)
    return UserWithKey.model_validate({**target.model_dump(), "api_key": key})


@router.put("/issuer-trust", response_model=IssuerTrust)
def set_issuer_trust(
    data: IssuerTrust, session: SessionDep, user: Annotated[User, requires(Scope.TRUST_ADMIN)]
) -> IssuerTrust:
    require_role(user.role, Role.ADMIN)
    org = admin.set_issuer_trust(session, user, data.allow, data.deny)
    return IssuerTrust(allow=org.issuer_allow, deny=org.issuer_deny)
