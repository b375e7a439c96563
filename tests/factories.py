"""Small builders for domain rows used across tests."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from ats_match.models import Integration, Organization, Role, User, Vendor
from ats_match.security import new_api_key


def make_org(session: Session, name: str = "Acme") -> Organization:
    org = Organization(name=name, slug=f"{name.lower()}-{uuid.uuid4().hex[:6]}")
    session.add(org)
    session.flush()
    return org


def make_user(session: Session, org: Organization, role: Role = Role.ADMIN) -> tuple[User, str]:
    key, key_hash = new_api_key()
    user = User(
        organization_id=org.id,
        email=f"{role.value}-{uuid.uuid4().hex[:6]}@x.example",
        role=role,
        api_key_hash=key_hash,
    )
    session.add(user)
    session.flush()
    return user, key


def make_integration(session: Session, org: Organization, secret: str = "s" * 32) -> Integration:
    integration = Integration(
        organization_id=org.id, vendor=Vendor.GENERIC, name="hook", webhook_secret=secret
    )
    session.add(integration)
    session.flush()
    return integration
