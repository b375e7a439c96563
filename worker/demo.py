"""The demo organisation that ``ats-match run`` and ``ats-match seed-demo`` create.

It is a real tenant: four jobs using the example requirement sets of ``rules/examples/`` (an
example's own pathways kept in the organisation's pathway table, which the set names), and
30 applicants (:mod:`worker.demo_people`) whose credentials come in every format the product
reads and carry every answer it gives (:mod:`worker.demo_credentials` makes the files; the
OB 2.0 issuer and the status lists are served by the app itself, :mod:`web.demo_issuer`). They
go through the same pipeline as webhook deliveries: stored here, then verified, mapped to ESCO
and scored by the worker.

The demo issuers' keys are derived from fixed seeds so re-seeding recognises its own credentials;
they are public and must never be trusted outside the demo (an organisation's issuer trust lists
should not include them).
"""

from __future__ import annotations

import contextlib
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from ats_match.db import get_engine
from ats_match.models import (
    Application,
    Candidate,
    Integration,
    Job,
    Organization,
    Pathway,
    RequirementSet,
    Role,
    User,
    Vendor,
)
from ats_match.security import hash_api_key, new_api_key
from ats_match.services import outbox
from ats_match.services.signin import hash_password, password_matches
from ats_match.settings import get_settings
from rules import loads_requirement_set
from rules.schema import RequirementSet as RequirementSetSchema
from worker.celery_app import publish
from worker.demo_credentials import attachments_for
from worker.demo_people import AWS, DEMO_JOBS, ISSUERS, NMC, RESUS, UNIVERSITY, Applicant

__all__ = ["AWS", "DEMO_JOBS", "ISSUERS", "NMC", "RESUS", "UNIVERSITY", "seed"]

EXAMPLES = Path(__file__).resolve().parents[1] / "rules" / "examples"
DEMO_SLUG = "demo"
DEMO_USERS = (
    ("admin@demo.example", "Ada Admin", Role.ADMIN),
    ("recruiter@demo.example", "Rita Recruiter", Role.RECRUITER),
    ("manager@demo.example", "Hal Hiring-Manager", Role.HIRING_MANAGER),
)


def seed() -> list[str]:
    """Create the demo tenant and applicants once. The demo users' passwords and API keys are
    made on the first run and kept (in ``data/demo-passwords.txt`` and ``data/demo-keys.txt``,
    mode 0600; the database holds only their hashes), so every start prints the same ones.
    Returns the lines to print."""
    lines: list[str] = []
    with Session(get_engine(), expire_on_commit=False) as session:
        org = session.exec(select(Organization).where(col(Organization.slug) == DEMO_SLUG)).first()
        if org is None:
            org = Organization(name="Demo Corp", slug=DEMO_SLUG)
            session.add(org)
            session.flush()
            lines.append(f"created organisation {org.name}")
        known_keys, known_passwords = _known(_KEYS_FILE), _known(_PASSWORDS_FILE)
        users = [
            _ensure_user(session, org, email, name, role, known_keys, known_passwords)
            for email, name, role in DEMO_USERS
        ]
        integration = _ensure_integration(session, org)
        _ensure_issuer_registry(session, org)
        for external_id, (title, role_file, applicants) in DEMO_JOBS.items():
            job = _ensure_job(session, org, integration, external_id, title)
            _ensure_requirements(session, org, job, role_file)
            for applicant in applicants:
                _ensure_applicant(session, org, integration, job, applicant)
        session.commit()
    with contextlib.suppress(Exception):  # the worker's periodic relay sends them otherwise
        outbox.relay(get_engine(), publish, ids=outbox.staged(session))
    return lines + _key_lines(users, integration)


_KEYS_FILE, _PASSWORDS_FILE = "demo-keys.txt", "demo-passwords.txt"


def _known(name: str) -> dict[str, str]:
    """``email -> secret`` from a file an earlier run wrote (empty when there is none)."""
    path = get_settings().data_dir / name
    if not path.exists():
        return {}
    pairs = (line.split("\t", 1) for line in path.read_text().splitlines() if "\t" in line)
    return {email: secret for email, secret in pairs}


def _write_secrets(name: str, pairs: list[tuple[str, str]]) -> Path:
    path = get_settings().data_dir / name
    path.write_text("".join(f"{email}\t{secret}\n" for email, secret in pairs))
    path.chmod(0o600)
    return path


def _key_lines(users: list[tuple[str, str, str]], integration: Integration) -> list[str]:
    settings = get_settings()
    keyfile = _write_secrets(_KEYS_FILE, [(email, key) for email, key, _ in users])
    passwords = _write_secrets(_PASSWORDS_FILE, [(email, pw) for email, _, pw in users])
    return [
        f"dashboard: {settings.base_url}/login",
        *(f"{email}: password {password}  API key {key}" for email, key, password in users),
        f"webhook URL: {settings.base_url}/webhooks/{integration.id}",
        f"passwords kept in {passwords}, API keys in {keyfile}",
    ]


def _ensure_user(
    session: Session,
    org: Organization,
    email: str,
    name: str,
    role: Role,
    known_keys: dict[str, str],
    known_passwords: dict[str, str],
) -> tuple[str, str, str]:
    """The demo user with the key and password it had (new ones if the kept ones are gone or
    no longer match); returns (email, API key, password)."""
    user = session.exec(
        select(User).where(col(User.organization_id) == org.id, col(User.email) == email)
    ).first()
    if user is None:
        user = User(organization_id=org.id, email=email, name=name, role=role)
    key = known_keys.get(email, "")
    if not key or user.api_key_hash != hash_api_key(key):
        key, user.api_key_hash = new_api_key()
    password = known_passwords.get(email, "")
    if not password or not _password_holds(user, password):
        password = "-".join(secrets.token_urlsafe(4) for _ in range(4))
        user.password_hash = hash_password(password)
    session.add(user)
    return email, key, password


def _password_holds(user: User, password: str) -> bool:
    return bool(user.password_hash) and password_matches(user.password_hash or "", password)


def _ensure_integration(session: Session, org: Organization) -> Integration:
    integration = session.exec(
        select(Integration).where(
            col(Integration.organization_id) == org.id, col(Integration.name) == "Demo webhook"
        )
    ).first()
    if integration is None:
        integration = Integration(
            organization_id=org.id,
            vendor=Vendor.GENERIC,
            name="Demo webhook",
            webhook_secret="whsec_" + secrets.token_urlsafe(32),
        )
        session.add(integration)
        session.flush()
    return integration


def _ensure_issuer_registry(session: Session, org: Organization) -> None:
    """The demo organisation trusts its demo issuers through a DCC-format registry this app
    serves (``/trust/registries/<id>/registry.json``), never by the names they give themselves."""
    from ats_match.services.trust import ensure_served_registry

    entries = [
        {"issuer": issuer.did, "name": issuer.name, "url": "https://demo.example"}
        for issuer in ISSUERS
    ]
    ensure_served_registry(session, org.id, "Demo issuer registry", entries)


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


def _ensure_requirements(session: Session, org: Organization, job: Job, role_file: str) -> None:
    if session.exec(select(RequirementSet).where(col(RequirementSet.job_id) == job.id)).first():
        return
    text = (EXAMPLES / role_file).read_text(encoding="utf-8")
    for issuer in ISSUERS:
        if issuer.replaces:
            text = text.replace(issuer.replaces, issuer.did)
    rs = loads_requirement_set(text, source=role_file)
    _ensure_pathways(session, org, rs)
    session.add(
        RequirementSet(
            organization_id=org.id,
            job_id=job.id,
            version=1,
            name=rs.name or rs.id,
            body=rs.model_dump(mode="json", exclude_none=True, exclude={"pathways"}),
        )
    )


def _ensure_pathways(session: Session, org: Organization, rs: RequirementSetSchema) -> None:
    """The example's own pathways become the organisation's (the set names them by slug), as
    an employer keeps one track for every job that values it."""
    known = set(session.exec(select(Pathway.slug).where(col(Pathway.organization_id) == org.id)))
    for pathway in rs.pathways:
        if pathway.id in known:
            continue
        levels = pathway.model_dump(mode="json", exclude_none=True)["levels"]
        session.add(
            Pathway(
                organization_id=org.id,
                slug=pathway.id,
                name=pathway.label or pathway.id,
                levels=levels,
            )
        )
        session.flush()


def _ensure_applicant(
    session: Session, org: Organization, integration: Integration, job: Job, applicant: Applicant
) -> None:
    from worker.pipeline import ingest_attachments

    external_id = f"{job.external_id}:{applicant.email}"
    if session.exec(
        select(Application).where(
            col(Application.organization_id) == org.id, col(Application.external_id) == external_id
        )
    ).first():
        return
    candidate = Candidate(
        organization_id=org.id,
        integration_id=integration.id,
        external_id=applicant.email,
        name=applicant.name,
        emails=[applicant.email],
    )
    existing = session.exec(
        select(Candidate).where(
            col(Candidate.organization_id) == org.id, col(Candidate.external_id) == applicant.email
        )
    ).first()
    candidate = existing or candidate
    session.add(candidate)
    session.flush()
    now = datetime.now(UTC).replace(microsecond=0)
    application = Application(
        organization_id=org.id,
        candidate_id=candidate.id,
        job_id=job.id,
        integration_id=integration.id,
        external_id=external_id,
        applied_at=now - timedelta(days=3),
    )
    session.add(application)
    session.flush()
    ingest_attachments(session, application, attachments_for(applicant, now), {})
