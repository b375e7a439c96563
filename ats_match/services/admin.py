"""Administration: users, integrations and issuer trust. Services never commit."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, col, select

from ats_match.errors import Conflict
from ats_match.models import AuditLog, Integration, Organization, Role, User
from ats_match.models.integrations import IntegrationCreate
from ats_match.models.tenancy import UserCreate
from ats_match.repositories import IntegrationRepository, UserRepository
from ats_match.security import new_api_key


def audit(
    session: Session,
    actor: User,
    action: str,
    entity: str,
    entity_id: Any,
    data: dict[str, Any] | None = None,
) -> None:
    """Append one row to the audit log (in the caller's transaction)."""
    session.add(
        AuditLog(
            organization_id=actor.organization_id,
            actor_id=actor.id,
            action=action,
            entity_type=entity,
            entity_id=str(entity_id),
            data=data or {},
        )
    )


def create_user(session: Session, actor: User, data: UserCreate) -> tuple[User, str]:
    """A new user and their API key (returned once, stored only as a hash)."""
    repo = UserRepository(session, actor.organization_id)
    if repo.list(email=data.email):
        raise Conflict(f"a user with email {data.email} already exists")
    key, key_hash = new_api_key()
    user = User.model_validate(
        data, update={"organization_id": actor.organization_id, "api_key_hash": key_hash}
    )
    repo.add(user)
    audit(session, actor, "user.create", "user", user.id, {"role": user.role})
    return user, key


def rotate_key(session: Session, actor: User, user_id: uuid.UUID) -> str:
    user = UserRepository(session, actor.organization_id).get_or_404(user_id)
    key, user.api_key_hash = new_api_key()
    session.add(user)
    audit(session, actor, "user.rotate_key", "user", user.id)
    return key


def create_integration(session: Session, actor: User, data: IntegrationCreate) -> Integration:
    from ats_match.services.integrations import require_connector

    require_connector(data.vendor)
    integration = Integration.model_validate(
        data, update={"organization_id": actor.organization_id}
    )
    IntegrationRepository(session, actor.organization_id).add(integration)
    audit(
        session,
        actor,
        "integration.create",
        "integration",
        integration.id,
        {"vendor": integration.vendor},
    )
    return integration


def generate_webhook_secret() -> str:
    """``whsec_`` + standard base64, the form Standard Webhooks libraries decode."""
    from ats_match.webhook_signing import generate_secret

    return generate_secret()


def set_issuer_trust(
    session: Session, actor: User, allow: list[str], deny: list[str]
) -> Organization:
    org = session.get(Organization, actor.organization_id)
    assert org is not None
    org.issuer_allow, org.issuer_deny = sorted(set(allow)), sorted(set(deny))
    session.add(org)
    audit(
        session,
        actor,
        "org.issuer_trust",
        "organization",
        org.id,
        {"allow": org.issuer_allow, "deny": org.issuer_deny},
    )
    return org


def set_role(session: Session, actor: User, user_id: uuid.UUID, role: Role) -> User:
    """Change a user's role (audited); the organisation always keeps one admin."""
    repo = UserRepository(session, actor.organization_id)
    user = repo.get_or_404(user_id)
    if user.role == Role.ADMIN and role != Role.ADMIN:
        admins = [u for u in repo.list(limit=1000) if u.role == Role.ADMIN]
        if len(admins) <= 1:
            raise Conflict("The organisation must keep at least one admin.")
    before, user.role = user.role, role
    session.add(user)
    audit(session, actor, "user.role", "user", user.id, {"before": before, "after": role})
    return user


def audit_entries(
    session: Session, organization_id: uuid.UUID, *, limit: int = 50, offset: int = 0
) -> list[tuple[AuditLog, str | None]]:
    """The organisation's audit log, newest first, with each actor's e-mail."""
    rows = session.exec(
        select(AuditLog, User.email)
        .join(User, col(User.id) == col(AuditLog.actor_id), isouter=True)
        .where(col(AuditLog.organization_id) == organization_id)
        .order_by(col(AuditLog.created_at).desc(), col(AuditLog.id))
        .offset(offset)
        .limit(limit)
    ).all()
    return [(entry, email) for entry, email in rows]
