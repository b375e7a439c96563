"""The demo organisation that ``ats-match run`` and ``ats-match seed-demo`` create.

It is a real tenant: four jobs using the example requirement sets of ``rules/examples/``, and
applicants whose credentials are genuine Open Badges 3.0 VC-JWTs signed by demo issuers
(``did:key``, so they verify offline). They go through the same pipeline as webhook deliveries:
stored here, then verified, mapped to ESCO and scored by the worker.

The demo issuers' keys are derived from fixed seeds so re-seeding recognises its own credentials;
they are public and must never be trusted outside the demo (an organisation's issuer trust lists
should not include them).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from joserfc import jws
from joserfc.jwk import OKPKey
from sqlmodel import Session, col, select

from ats_match.db import get_engine
from ats_match.models import (
    Application,
    Candidate,
    Integration,
    Job,
    Organization,
    RequirementSet,
    Role,
    User,
    Vendor,
)
from ats_match.security import hash_api_key, new_api_key
from ats_match.services import outbox
from ats_match.services.signin import hash_password, password_matches
from ats_match.settings import get_settings
from connectors import Attachment
from rules import loads_requirement_set
from worker.celery_app import publish

EXAMPLES = Path(__file__).resolve().parents[1] / "rules" / "examples"
ESCO = "http://data.europa.eu/esco/skill/"
DEMO_SLUG = "demo"
DEMO_USERS = (
    ("admin@demo.example", "Ada Admin", Role.ADMIN),
    ("recruiter@demo.example", "Rita Recruiter", Role.RECRUITER),
    ("manager@demo.example", "Hal Hiring-Manager", Role.HIRING_MANAGER),
)


@dataclass(frozen=True)
class DemoIssuer:
    name: str
    replaces: str | None = None
    """The real-world issuer id the example requirement sets name; the demo substitutes its DID."""

    @property
    def key(self) -> ed25519.Ed25519PrivateKey:
        seed = hashlib.sha256(f"ats-match demo issuer: {self.name}".encode()).digest()
        return ed25519.Ed25519PrivateKey.from_private_bytes(seed)

    @property
    def did(self) -> str:
        raw = self.key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return "did:key:z" + base58.b58encode(b"\xed\x01" + raw).decode()


UNIVERSITY = DemoIssuer("Example University")
AWS = DemoIssuer("Amazon Web Services Training", "https://www.credly.com/org/amazon-web-services")
NMC = DemoIssuer("Nursing and Midwifery Council", "https://www.nmc.org.uk")
RESUS = DemoIssuer("Resuscitation Council UK", "https://www.resus.org.uk")
ISSUERS = (UNIVERSITY, AWS, NMC, RESUS)


@dataclass(frozen=True)
class Badge:
    issuer: DemoIssuer
    name: str
    description: str
    skills: tuple[str, ...] = ()
    achievement_id: str | None = None
    months_ago: int = 6
    expired: bool = False
    holder: str | None = None
    """Issue to another e-mail than the applicant's (the recipient check must fail)."""
    evidence: str | None = None
    """The name of the OB evidence attached (a project, a portfolio), if any."""


@dataclass(frozen=True)
class Applicant:
    name: str
    email: str
    badges: tuple[Badge, ...] = field(default_factory=tuple)


DEMO_JOBS: dict[str, tuple[str, str, tuple[Applicant, ...]]] = {
    "demo-data-analyst": (
        "Data Analyst",
        "data_analyst.yaml",
        (
            Applicant(
                "Amira Haddad",
                "amira@demo.example",
                (
                    Badge(
                        UNIVERSITY,
                        "Data Analytics Professional Certificate",
                        "Cleans, analyses and visualises data with SQL and spreadsheets.",
                        (
                            "598de5b0-5b58-4ea7-8058-a4bc4d18c742",
                            "2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f",
                            "1973c966-f236-40c9-b2d4-5d71a89019be",
                            "c544a9f3-5945-4b54-afed-de0697852817",
                        ),
                    ),
                    Badge(
                        UNIVERSITY,
                        "Python for Data Analysis",
                        "pandas, NumPy and notebooks.",
                        ("ccd0a1d9-afda-43d9-b901-96344886e14d",),
                    ),
                    Badge(
                        UNIVERSITY,
                        "Applied Statistics",
                        "Identify statistical patterns in data and test hypotheses.",
                        ("06670261-ea6b-4b52-a915-c7d4ff837f74",),
                    ),
                ),
            ),
            Applicant(
                "Ben Okafor",
                "ben@demo.example",
                (
                    Badge(
                        UNIVERSITY,
                        "SQL Fundamentals",
                        "Queries, joins and aggregation in SQL.",
                        ("598de5b0-5b58-4ea7-8058-a4bc4d18c742",),
                    ),
                    Badge(
                        UNIVERSITY,
                        "Data Analytics Professional Certificate",
                        "Issued to somebody else: the recipient check fails.",
                        ("2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f",),
                        holder="someone@else.example",
                    ),
                ),
            ),
            Applicant(
                "Chen Li",
                "chen@demo.example",
                (
                    Badge(
                        UNIVERSITY,
                        "SQL for Analysts",
                        "Expired last year.",
                        ("598de5b0-5b58-4ea7-8058-a4bc4d18c742",),
                        months_ago=30,
                        expired=True,
                    ),
                    Badge(UNIVERSITY, "R programming", "Statistical computing with R."),
                ),
            ),
            Applicant(
                "Dana Kowalski",
                "dana@demo.example",
                (
                    Badge(
                        UNIVERSITY,
                        "Presentation Skills",
                        "Use presentation software to report analysis results.",
                        (
                            "234aeb8d-56c3-4531-9193-1c5e6a8d16cb",
                            "c544a9f3-5945-4b54-afed-de0697852817",
                        ),
                    ),
                ),
            ),
        ),
    ),
    "demo-cloud-engineer": (
        "Cloud Engineer",
        "cloud_engineer.yaml",
        (
            Applicant(
                "Erik Svensson",
                "erik@demo.example",
                (
                    Badge(
                        AWS,
                        "AWS Certified Solutions Architect - Associate",
                        "Designs and deploys cloud architectures on AWS.",
                        (
                            "11430d93-c835-48ed-8e70-285fa69c9ae6",
                            "6195c5f7-a4fb-425d-a3dd-c4467c4471a3",
                            "8efa6a7a-6556-4cb8-908d-59d3b5c58d2f",
                        ),
                    ),
                    Badge(
                        UNIVERSITY,
                        "DevOps with Ansible",
                        "Configuration management and CI/CD.",
                        (
                            "f0de4973-0a70-4644-8fd4-3a97080476f4",
                            "6f8a40d6-f9ce-43ec-a72f-d4213a53f3ed",
                        ),
                    ),
                    Badge(
                        UNIVERSITY,
                        "Cloud Security and Compliance",
                        "Security controls in the cloud.",
                        ("1c2978b8-bb0d-4249-9c23-877571a4dffa",),
                    ),
                ),
            ),
            Applicant(
                "Fatima Zahra",
                "fatima@demo.example",
                (
                    Badge(
                        AWS,
                        "AWS Certified Cloud Practitioner",
                        "Issued five years ago.",
                        ("6195c5f7-a4fb-425d-a3dd-c4467c4471a3",),
                        months_ago=60,
                    ),
                    Badge(
                        UNIVERSITY,
                        "Python scripting",
                        "Automating tasks with Python scripts.",
                        ("ccd0a1d9-afda-43d9-b901-96344886e14d",),
                    ),
                ),
            ),
        ),
    ),
    "demo-cloud-track": (
        "Cloud Engineer (progressive track)",
        "cloud_progressive.yaml",
        (
            Applicant(
                "Priya Raman",
                "priya@demo.example",
                (
                    Badge(
                        AWS,
                        "AWS Certified Cloud Practitioner",
                        "Cloud concepts, security and billing.",
                        ("11430d93-c835-48ed-8e70-285fa69c9ae6",),
                        months_ago=40,
                    ),
                    Badge(
                        AWS,
                        "AWS Certified Solutions Architect - Associate",
                        "Designs resilient architectures on AWS.",
                        (
                            "11430d93-c835-48ed-8e70-285fa69c9ae6",
                            "4da4587a-fd0b-4ca2-886c-c42a1562d432",
                        ),
                        months_ago=24,
                    ),
                    Badge(
                        AWS,
                        "AWS Certified Solutions Architect - Professional",
                        "Designs and deploys complex systems on AWS.",
                        (
                            "11430d93-c835-48ed-8e70-285fa69c9ae6",
                            "6195c5f7-a4fb-425d-a3dd-c4467c4471a3",
                            "5ef0c719-5bcb-49f8-b8eb-824388225333",
                        ),
                        months_ago=6,
                        evidence="Multi-region deployment project",
                    ),
                ),
            ),
            Applicant(
                "Carl Becker",
                "carl@demo.example",
                (
                    Badge(
                        AWS,
                        "AWS Certified Cloud Practitioner",
                        "Cloud concepts, security and billing.",
                        ("11430d93-c835-48ed-8e70-285fa69c9ae6",),
                    ),
                    *(
                        Badge(UNIVERSITY, name, "A short online course.")
                        for name in (
                            "Excel Power User",
                            "Agile Foundations",
                            "Photoshop Basics",
                            "Public Speaking",
                            "Time Management",
                        )
                    ),
                ),
            ),
        ),
    ),
    "demo-registered-nurse": (
        "Registered Nurse",
        "registered_nurse.yaml",
        (
            Applicant(
                "Grace Mensah",
                "grace@demo.example",
                (
                    Badge(
                        NMC,
                        "NMC register: Registered Nurse (Adult)",
                        "Registered with the NMC.",
                        achievement_id="urn:nmc:register:registered-nurse-adult",
                        months_ago=20,
                    ),
                    Badge(
                        RESUS,
                        "Basic Life Support",
                        "Adult basic life support and AED.",
                        achievement_id="urn:resus-uk:course:bls",
                        months_ago=3,
                    ),
                    Badge(
                        UNIVERSITY,
                        "Infection Prevention and Control",
                        "Infection control practice.",
                        ("6d13053b-ee35-492c-8976-8178420df398",),
                    ),
                    Badge(
                        UNIVERSITY,
                        "Intravenous Therapy",
                        "Intravenous infusion, cannulation.",
                        ("d09584de-57ff-450a-8e06-0d0f614f11f8",),
                    ),
                    Badge(
                        UNIVERSITY,
                        "Adult Nursing Care",
                        "Implement nursing care; monitor patients.",
                        (
                            "f98e06f5-a09a-4356-b6a8-d55a7d3c5356",
                            "e99ddf41-6085-4b91-9de8-8bf251af9ced",
                        ),
                    ),
                ),
            ),
            Applicant(
                "Hannah Brooks",
                "hannah@demo.example",
                (
                    Badge(
                        NMC,
                        "NMC register: Registered Nurse (Adult)",
                        "The registration lapsed.",
                        achievement_id="urn:nmc:register:registered-nurse-adult",
                        months_ago=40,
                        expired=True,
                    ),
                    Badge(
                        RESUS,
                        "Basic Life Support",
                        "Adult basic life support and AED.",
                        achievement_id="urn:resus-uk:course:bls",
                        months_ago=2,
                    ),
                ),
            ),
        ),
    ),
}


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
    session.add(
        RequirementSet(
            organization_id=org.id,
            job_id=job.id,
            version=1,
            name=rs.name or rs.id,
            body=rs.model_dump(mode="json", exclude_none=True),
        )
    )


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
    attachments = tuple(
        Attachment(
            filename=f"badge-{i}.jwt",
            content_type="application/vc+jwt",
            data=_sign(badge, badge.holder or applicant.email, now).encode(),
        )
        for i, badge in enumerate(applicant.badges, 1)
    )
    ingest_attachments(session, application, attachments, {})


def _sign(badge: Badge, email: str, now: datetime) -> str:
    """A VC-JWT (VCDM 1.1 form) of an OpenBadgeCredential bound to ``email`` by a salted hash."""
    issued = now - timedelta(days=30 * badge.months_ago)
    salt = hashlib.sha256(f"{badge.name}{email}".encode()).hexdigest()[:16]
    vc: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": f"urn:uuid:{_uuid_from(badge.name + email)}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": badge.issuer.did, "type": ["Profile"], "name": badge.issuer.name},
        "validFrom": _iso(issued),
        "name": badge.name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                    "identityHash": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
                }
            ],
            "achievement": _achievement(badge),
        },
    }
    if badge.evidence:
        vc["evidence"] = [{"type": ["Evidence"], "name": badge.evidence}]
    if badge.expired:
        vc["validUntil"] = _iso(now - timedelta(days=60))
    claims: dict[str, Any] = {
        "vc": vc,
        "iss": badge.issuer.did,
        "jti": vc["id"],
        "nbf": int(issued.timestamp()),
    }
    if badge.expired:
        claims["exp"] = int((now - timedelta(days=60)).timestamp())
    header = {
        "alg": "EdDSA",
        "typ": "JWT",
        "kid": f"{badge.issuer.did}#{badge.issuer.did.removeprefix('did:key:')}",
    }
    key = OKPKey.import_key(badge.issuer.key)
    return jws.serialize_compact(header, json.dumps(claims).encode(), key, algorithms=["EdDSA"])


def _achievement(badge: Badge) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": badge.achievement_id or f"https://demo.example/achievements/{_slug(badge.name)}",
        "type": ["Achievement"],
        "name": badge.name,
        "description": badge.description,
        "criteria": {"narrative": "Passed the assessment."},
    }
    if badge.skills:
        achievement["alignment"] = [
            {
                "type": ["Alignment"],
                "targetUrl": ESCO + uri,
                "targetName": _label(ESCO + uri),
                "targetFramework": "ESCO",
            }
            for uri in badge.skills
        ]
    return achievement


def _label(uri: str) -> str:
    from ats_match.taxonomy import default_taxonomy

    skill = default_taxonomy().get(uri)
    return skill.preferred_label if skill else uri


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _uuid_from(text: str) -> str:
    digest = hashlib.sha256(text.encode()).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-4{digest[13:16]}-8{digest[17:20]}-{digest[20:32]}"
