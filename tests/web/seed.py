"""A small, fully-formed organisation for dashboard and API tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session

from ats_match import db
from ats_match.models import (
    CandidateSkill,
    Credential,
    Job,
    Organization,
    RequirementSet,
    Role,
    Score,
    Skill,
    Taxonomy,
    VerificationResult,
)
from ats_match.services.signin import hash_password
from ats_match.verification.answers import Answer
from ats_match.verification.verdicts import Answers, label_of
from tests.factories import make_application, make_org, make_user

SEED_PASSWORD = "correct horse battery staple"
SEED_HASH = hash_password(SEED_PASSWORD)  # hashed once: argon2 is slow on purpose


@dataclass
class Seeded:
    org_id: uuid.UUID
    key: str
    viewer_key: str
    job_id: uuid.UUID
    best_application_id: uuid.UUID
    other_org_job_id: uuid.UUID
    email: str = ""
    viewer_email: str = ""
    password: str = ""


def seed_org(session: Session) -> Seeded:
    org = make_org(session, "Acme")
    recruiter, key = make_user(session, org, Role.RECRUITER)
    viewer, viewer_key = make_user(session, org, Role.VIEWER)
    recruiter.name = "Rita Recruiter"
    for user in (recruiter, viewer):
        user.password_hash = SEED_HASH
        session.add(user)
    job = Job(organization_id=org.id, title="Data Analyst")
    session.add(job)
    session.flush()
    reqs = RequirementSet(
        organization_id=org.id,
        job_id=job.id,
        version=1,
        name="Analyst v1",
        body={"name": "Analyst v1"},
    )
    taxonomy = Taxonomy(organization_id=org.id, name="ESCO", version="default", is_default=True)
    session.add_all([reqs, taxonomy])
    session.flush()
    skill = Skill(
        organization_id=org.id,
        taxonomy_id=taxonomy.id,
        uri="http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
        label="Python (computer programming)",
    )
    session.add(skill)
    session.flush()
    ids = []
    for name, total, qualified in (("Grace Hopper", 82.5, True), ("Alan Turing", 40.0, False)):
        ids.append(_applicant(session, org.id, job.id, reqs, skill, name, total, qualified))
    other = make_org(session, "Globex")
    other_job = Job(organization_id=other.id, title="Secret Role")
    session.add(other_job)
    session.flush()
    return Seeded(
        org.id,
        key,
        viewer_key,
        job.id,
        ids[0],
        other_job.id,
        recruiter.email,
        viewer.email,
        SEED_PASSWORD,
    )


def _stored_answers() -> dict[str, Any]:
    """The four answers as the verification pipeline stores them for a genuine, current
    credential issued to the applicant by a registry-listed issuer."""
    answers = Answers(
        authenticity=Answer(status="genuine", reason="The EdDSA signature is valid."),
        validity=Answer(status="current", reason="In force on the day of checking."),
        holder=Answer(status="bound", reason="The recipient e-mail matches the applicant."),
        issuer=Answer(
            status="trusted",
            reason="Listed by the organisation's registry.",
            detail={
                "id": "did:web:badges.example.edu",
                "calls_itself": "Example University",
                "registry": "Acme trusted issuers",
            },
        ),
    )
    return {
        "authenticity": "genuine",
        "validity": "current",
        "holder": "bound",
        "issuer_trust": "trusted",
        "evidence_tier": "cryptographic",
        "answers": {
            "authenticity": answers.authenticity.model_dump(mode="json"),
            "validity": answers.validity.model_dump(mode="json"),
            "holder": answers.holder.model_dump(mode="json"),
            "issuer": answers.issuer.model_dump(mode="json"),
            "label": label_of(answers),
        },
    }


def _applicant(
    session: Session,
    org_id: uuid.UUID,
    job_id: uuid.UUID,
    reqs: RequirementSet,
    skill: Skill,
    name: str,
    total: float,
    qualified: bool,
) -> uuid.UUID:
    email = name.split()[0].lower() + "@example.org"
    applied = datetime(2026, 11, 1, tzinfo=UTC)
    application = make_application(session, org_id, job_id, name, email, applied)
    credential = Credential(
        organization_id=org_id,
        application_id=application.id,
        format="ob3-jwt",
        digest=uuid.uuid4().hex * 2,
        raw=b"token",
        form={
            "achievement": {"name": "Python for Data Analysis"},
            "issuer": {"id": "did:web:badges.example.edu", "name": "Example University"},
            "issued_at": "2025-06-01T09:00:00Z",
            "valid_until": "2028-06-01T00:00:00Z",
        },
    )
    session.add(credential)
    session.flush()
    session.add(
        VerificationResult(
            organization_id=org_id,
            credential_id=credential.id,
            status="verified",
            checks=[
                {
                    "name": "proof",
                    "status": "pass",
                    "detail": "The EdDSA signature is valid.",
                    "required": True,
                }
            ],
            **_stored_answers(),
        )
    )
    session.add(
        CandidateSkill(
            organization_id=org_id,
            candidate_id=application.candidate_id,
            skill_id=skill.id,
            credential_id=credential.id,
            confidence=0.93,
            method="fuzzy",
            matched_label="python",
        )
    )
    session.add(
        Score(
            organization_id=org_id,
            application_id=application.id,
            requirement_set_id=reqs.id,
            requirement_set_version=1,
            total=total,
            max_total=100,
            normalised=total,
            qualified=qualified,
            shortlisted=total > 80,
            knocked_out=False,
            tier=0 if total > 80 else 1 if qualified else 2,
            explanation={
                "rules": [
                    {
                        "rule_id": "python",
                        "label": "Python",
                        "outcome": "met",
                        "points": 30,
                        "max_points": 30,
                        "sentence": "Python is proven by a verified credential.",
                    }
                ]
            },
        )
    )
    session.flush()
    return application.id


def user_with_role(database_url: str, org_id: uuid.UUID, role: Role) -> str:
    """Another user of the organisation with ``role`` and the seed password; their e-mail."""
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        org = session.get(Organization, org_id)
        assert org is not None
        user, _ = make_user(session, org, role)
        user.password_hash = SEED_HASH
        session.add(user)
        session.commit()
        email = user.email
    engine.dispose()
    return email
