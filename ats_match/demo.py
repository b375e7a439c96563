"""The demo organisation that ``ats-match run`` and ``seed-demo`` create."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ats_match.db import get_engine
from ats_match.models import Integration, Job, Organization, Role, User, Vendor
from ats_match.security import new_api_key
from ats_match.settings import get_settings

DEMO_SLUG = "demo"
DEMO_USERS = (
    ("admin@demo.example", "Ada Admin", Role.ADMIN),
    ("recruiter@demo.example", "Rita Recruiter", Role.RECRUITER),
    ("manager@demo.example", "Hal Hiring-Manager", Role.HIRING_MANAGER),
)
DEMO_JOBS = (
    ("demo-data-analyst", "Data Analyst"),
    ("demo-cloud-engineer", "Cloud Engineer"),
    ("demo-registered-nurse", "Registered Nurse"),
)


def seed() -> list[str]:
    """Create the demo tenant once; every call issues fresh API keys (they are never stored)."""
    lines: list[str] = []
    with Session(get_engine(), expire_on_commit=False) as session:
        org = session.exec(select(Organization).where(col(Organization.slug) == DEMO_SLUG)).first()
        if org is None:
            org = Organization(name="Demo Corp", slug=DEMO_SLUG)
            session.add(org)
            session.flush()
            lines.append(f"created organisation {org.name} ({org.id})")
        keys = [_ensure_user(session, org, email, name, role) for email, name, role in DEMO_USERS]
        integration = _ensure_integration(session, org)
        for external_id, title in DEMO_JOBS:
            _ensure_job(session, org, integration, external_id, title)
        session.commit()
        _extend_demo(session, org, integration)
        session.commit()
    keyfile = get_settings().data_dir / "demo-keys.txt"
    keyfile.write_text("".join(f"{email}\t{key}\n" for email, key in keys))
    keyfile.chmod(0o600)
    lines += [f"{email}: {key}" for email, key in keys]
    lines.append(f"webhook URL: {get_settings().base_url}/webhooks/{integration.id}")
    lines.append(f"API keys also written to {keyfile}")
    return lines


def _ensure_user(
    session: Session, org: Organization, email: str, name: str, role: Role
) -> tuple[str, str]:
    user = session.exec(
        select(User).where(col(User.organization_id) == org.id, col(User.email) == email)
    ).first()
    if user is None:
        user = User(organization_id=org.id, email=email, name=name, role=role)
    key, key_hash = new_api_key()
    user.api_key_hash = key_hash
    session.add(user)
    return email, key


def _ensure_integration(session: Session, org: Organization) -> Integration:
    integration = session.exec(
        select(Integration).where(
            col(Integration.organization_id) == org.id, col(Integration.name) == "Demo webhook"
        )
    ).first()
    if integration is None:
        import secrets

        integration = Integration(
            organization_id=org.id,
            vendor=Vendor.GENERIC,
            name="Demo webhook",
            webhook_secret=secrets.token_urlsafe(32),
        )
        session.add(integration)
        session.flush()
    return integration


def _ensure_job(
    session: Session, org: Organization, integration: Integration, external_id: str, title: str
) -> Job:
    job = session.exec(
        select(Job).where(col(Job.organization_id) == org.id, col(Job.external_id) == external_id)
    ).first()
    if job is None:
        job = Job(
            organization_id=org.id,
            integration_id=integration.id,
            external_id=external_id,
            title=title,
        )
        session.add(job)
        session.flush()
    return job


def _extend_demo(session: Session, org: Organization, integration: Integration) -> None:
    """Requirement sets and sample candidates, added once the rules engine is in place."""
