"""Scoped API keys of the caller (an admin: of the whole organisation)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter

from ats_match.models import ApiKey, Scope, User
from ats_match.models.api_keys import ApiKeyCreate, ApiKeyPublic, ApiKeyWithSecret
from ats_match.services import api_keys
from web.deps import SessionDep, requires

router = APIRouter(prefix="/api/v1/api-keys", tags=["admin"])


@router.post("", response_model=ApiKeyWithSecret, status_code=201)
def issue_key(
    data: ApiKeyCreate, session: SessionDep, user: Annotated[User, requires(Scope.KEYS_WRITE)]
) -> ApiKeyWithSecret:
    """A new key for the caller, shown once. ``read`` keys only read; ``write`` keys do what a
    recruiter may; ``admin`` keys (admins only) what the holder's role allows."""
    row, key = api_keys.issue(session, user, data)
    return ApiKeyWithSecret.model_validate({**row.model_dump(), "api_key": key})


@router.get("", response_model=list[ApiKeyPublic])
def list_keys(
    session: SessionDep, user: Annotated[User, requires(Scope.ACCOUNT_READ)]
) -> Sequence[ApiKey]:
    """The caller's keys (an admin: every key of the organisation), never the keys themselves."""
    return api_keys.visible(session, user)


@router.delete("/{key_id}", response_model=ApiKeyPublic)
def revoke_key(
    key_id: uuid.UUID, session: SessionDep, user: Annotated[User, requires(Scope.KEYS_WRITE)]
) -> ApiKey:
    """Revoke a key: it stops working at once; the row stays, with when it was revoked."""
    return api_keys.revoke(session, user, key_id)
