"""API keys of an ATS integration: issued by an admin (shown once), listed, revoked, and the
integration behind a request, limited to that integration's jobs and their applications.

A key acts in the name of the admin who issued it, as a recruiter at most, with only the scopes
it holds; a disabled integration's keys stop working until it is enabled again."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from ats_match.errors import Forbidden, NotFound, Unauthorized
from ats_match.models import Application, Integration, IntegrationKey, Job, Role, Scope, User
from ats_match.models.api_keys import ApiKeyScope
from ats_match.models.base import utcnow
from ats_match.models.integration_keys import IntegrationKeyCreate
from ats_match.models.integrations import WebhookDelivery
from ats_match.models.scopes import INTEGRATION_SCOPES
from ats_match.repositories.base import OrgRepository
from ats_match.security import hash_api_key, new_api_key, require_role
from ats_match.services.admin import audit
from ats_match.services.api_keys import (
    LAST_USED_GRANULARITY,
    effective_role,
    refuse_scopes_beyond,
)


class IntegrationKeyRepository(OrgRepository[IntegrationKey]):
    model = IntegrationKey


@dataclass(frozen=True)
class IntegrationGrant:
    """Who a request with an integration key acts as, and what it may reach."""

    actor: User
    integration_id: uuid.UUID
    scopes: frozenset[Scope]


def issue(
    session: Session, actor: User, integration: Integration, data: IntegrationKeyCreate
) -> tuple[IntegrationKey, str]:
    require_role(actor.role, Role.ADMIN)
    refuse_scopes_beyond(
        data.scopes,
        INTEGRATION_SCOPES,
        "an integration's key",
        "only results:read and applications:write",
    )
    key, key_hash = new_api_key()
    row = IntegrationKey(
        organization_id=actor.organization_id,
        integration_id=integration.id,
        created_by=actor.id,
        name=data.name,
        scopes=sorted(set(data.scopes)),
        key_hash=key_hash,
        prefix=key[:12],
    )
    IntegrationKeyRepository(session, actor.organization_id).add(row)
    details = {"integration_id": str(integration.id), "scopes": row.scopes}
    audit(session, actor, "integration_key.create", "integration_key", row.id, details)
    return row, key


def listed(session: Session, actor: User, integration_id: uuid.UUID) -> Sequence[IntegrationKey]:
    require_role(actor.role, Role.ADMIN)
    query = IntegrationKeyRepository(session, actor.organization_id).query()
    query = query.where(col(IntegrationKey.integration_id) == integration_id)
    return session.exec(query.order_by(col(IntegrationKey.created_at))).all()


def revoke(
    session: Session, actor: User, integration_id: uuid.UUID, key_id: uuid.UUID
) -> IntegrationKey:
    """Revoke one of the integration's keys at once; idempotent."""
    require_role(actor.role, Role.ADMIN)
    row = IntegrationKeyRepository(session, actor.organization_id).get(key_id)
    if row is None or row.integration_id != integration_id:
        raise NotFound(f"no key {key_id} for integration {integration_id}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.add(row)
        details = {"integration_id": str(integration_id)}
        audit(session, actor, "integration_key.revoke", "integration_key", row.id, details)
    return row


def authenticate(session: Session, key: str) -> IntegrationGrant | None:
    """The grant of a live integration key, recording its use; ``None`` if unknown."""
    row = session.exec(
        select(IntegrationKey).where(
            col(IntegrationKey.key_hash) == hash_api_key(key),
            col(IntegrationKey.revoked_at).is_(None),
        )
    ).first()
    if row is None:
        return None
    integration = session.get(Integration, row.integration_id)
    if integration is None or not integration.active:
        raise Unauthorized("this API key's integration is disabled")
    issuer = session.get(User, row.created_by) if row.created_by else None
    if issuer is None or issuer.organization_id != row.organization_id:
        raise Unauthorized("this API key's issuer is gone; ask an admin for a new key")
    role = effective_role(issuer.role, ApiKeyScope.WRITE)
    actor = User.model_validate({**issuer.model_dump(), "role": role})
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_GRANULARITY:
        row.last_used_at = now
        session.add(row)
    scopes = frozenset(Scope(s) for s in row.scopes) & INTEGRATION_SCOPES
    return IntegrationGrant(actor=actor, integration_id=row.integration_id, scopes=scopes)


OWNED_PATH_IDS = ("job_id", "application_id", "delivery_id")
"""The path ids an integration key's reach is checked on; a route naming anything else (or
nothing, unless it checks its body itself) is closed to integration keys."""


def require_reach(session: Session, grant: IntegrationGrant, ids: Mapping[str, str]) -> None:
    """404 unless every id of the path belongs to the grant's integration (a job of it, an
    application to such a job, an upload or delivery for one)."""
    if not ids or set(ids) - set(OWNED_PATH_IDS):
        raise Forbidden("an integration's key cannot use this route")
    for name, raw in ids.items():
        try:
            value = uuid.UUID(str(raw))
        except ValueError:
            continue  # the route's own validation answers 422
        if not _reaches(session, grant, name, value):
            raise NotFound(f"no {name.removesuffix('_id')} {value} for this integration")


def require_job(session: Session, grant: IntegrationGrant, job_id: uuid.UUID) -> None:
    if not _reaches(session, grant, "job_id", job_id):
        raise NotFound(f"no job {job_id} for this integration")


def _reaches(session: Session, grant: IntegrationGrant, name: str, value: uuid.UUID) -> bool:
    organization_id = grant.actor.organization_id
    if name == "job_id":
        job = session.get(Job, value)
        return (
            job is not None
            and job.organization_id == organization_id
            and job.integration_id == grant.integration_id
        )
    if name == "application_id":
        application = session.get(Application, value)
        return (
            application is not None
            and application.organization_id == organization_id
            and _reaches(session, grant, "job_id", application.job_id)
        )
    delivery = session.get(WebhookDelivery, value)
    if delivery is None or delivery.organization_id != organization_id:
        return False
    if delivery.integration_id == grant.integration_id:
        return True
    job_id = (delivery.headers or {}).get("x-job-id")  # an upload, processed or not
    return bool(job_id) and _reaches(session, grant, "job_id", uuid.UUID(str(job_id)))
