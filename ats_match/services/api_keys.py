"""Scoped API keys: issued (shown once), listed, revoked, and the key behind a request.

A key acts with the lesser of its holder's role and its scope's ceiling, so a write key of an
admin cannot manage users and a read key cannot change anything; and it reaches only the routes
whose declared scope it holds (its tier's, or the narrower list it was issued with)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlmodel import Session, col, select

from ats_match.errors import Forbidden, InvalidInput, NotFound
from ats_match.models import ApiKey, ApiKeyScope, Role, Scope, User
from ats_match.models.api_keys import ApiKeyCreate
from ats_match.models.base import utcnow
from ats_match.repositories.base import OrgRepository
from ats_match.security import hash_api_key, new_api_key, require_role
from ats_match.services.admin import audit

CEILING = {ApiKeyScope.READ: Role.VIEWER, ApiKeyScope.WRITE: Role.RECRUITER}
"""The most a key of each scope may do (admin: whatever the holder's role allows)."""
_RANK = [Role.VIEWER, Role.HIRING_MANAGER, Role.RECRUITER, Role.ADMIN]
LAST_USED_GRANULARITY = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per key: not one write per request."""


class ApiKeyRepository(OrgRepository[ApiKey]):
    model = ApiKey


def effective_role(role: Role | str, scope: ApiKeyScope) -> Role:
    ceiling = CEILING.get(scope)
    actual = Role(role)
    if ceiling is None or _RANK.index(actual) <= _RANK.index(ceiling):
        return actual
    return ceiling


def refuse_scopes_beyond(
    requested: Sequence[str], allowed: frozenset[Scope], holder: str, message: str
) -> None:
    """A 422 on ``body.scopes`` naming each requested scope the key may not hold."""
    beyond = sorted(set(requested) - allowed)
    if beyond:
        raise InvalidInput(
            f"{holder} cannot hold {', '.join(beyond)}",
            [{"field": "body.scopes", "message": message}],
        )


def issue(session: Session, actor: User, data: ApiKeyCreate) -> tuple[ApiKey, str]:
    """A new key for the actor; a scope above the actor's role is refused."""
    if data.scope is ApiKeyScope.ADMIN:
        require_role(actor.role, Role.ADMIN)
    elif data.scope is ApiKeyScope.WRITE and Role(actor.role) is Role.VIEWER:
        raise Forbidden("a viewer can hold read keys only")
    refuse_scopes_beyond(
        data.scopes,
        data.scope.scopes,
        f"a {data.scope.value} key",
        f"not within the {data.scope.value} tier",
    )
    key, key_hash = new_api_key()
    row = ApiKey(
        organization_id=actor.organization_id,
        user_id=actor.id,
        name=data.name,
        scope=data.scope,
        scopes=sorted(set(data.scopes)),
        key_hash=key_hash,
        prefix=key[:12],
    )
    ApiKeyRepository(session, actor.organization_id).add(row)
    details = {"scope": row.scope, "scopes": row.scopes}
    audit(session, actor, "api_key.create", "api_key", row.id, details)
    return row, key


def visible(session: Session, actor: User) -> Sequence[ApiKey]:
    """The actor's own keys; an admin sees every key of the organisation."""
    query = ApiKeyRepository(session, actor.organization_id).query()
    if Role(actor.role) is not Role.ADMIN:
        query = query.where(col(ApiKey.user_id) == actor.id)
    return session.exec(query.order_by(col(ApiKey.created_at))).all()


def revoke(session: Session, actor: User, key_id: uuid.UUID) -> ApiKey:
    """Revoke one of the actor's keys (an admin: any key of the organisation); idempotent."""
    row = ApiKeyRepository(session, actor.organization_id).get(key_id)
    if row is None or (row.user_id != actor.id and Role(actor.role) is not Role.ADMIN):
        raise NotFound(f"no API key {key_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        audit(session, actor, "api_key.revoke", "api_key", row.id, {"scope": row.scope})
    return row


def held_scopes(row: ApiKey) -> frozenset[Scope]:
    tier = ApiKeyScope(row.scope)
    return frozenset(Scope(s) for s in row.scopes) & tier.scopes if row.scopes else tier.scopes


def authenticate(session: Session, key: str) -> tuple[User, ApiKeyScope, frozenset[Scope]] | None:
    """The holder, tier and route scopes of a live scoped key, recording its use; ``None`` if
    unknown."""
    row = session.exec(
        select(ApiKey).where(
            col(ApiKey.key_hash) == hash_api_key(key), col(ApiKey.revoked_at).is_(None)
        )
    ).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.organization_id != row.organization_id:
        raise NotFound("the API key's user is gone")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY:
        row.last_used_at = now
        session.add(row)
    return user, ApiKeyScope(row.scope), held_scopes(row)
