"""A sealed EDC through the pipeline: stored from the attachment, the seal verified by the
worker stage, and its ESCO skills recorded exactly from the learning outcomes' URIs (method
``alignment``, confidence 1). Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from ats_match.formats import extract_bytes
from ats_match.models import Application, Candidate, Job
from ats_match.models.credentials import CandidateSkill, Skill
from tests.factories import make_org
from tests.support import edc
from tests.verification.edc.conftest import Seals
from tests.verification.edc.test_edc_seal import CERT_FROM, CERT_UNTIL, SIGNED
from tests.verification.vc.helpers import OfflineFetcher
from worker import pipeline


def test_sealed_edc_is_verified_and_its_esco_skills_are_exact(
    session: Session, seals: Seals, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "shared_fetcher", lambda: OfflineFetcher())
    org = make_org(session)
    job = Job(organization_id=org.id, title="Data analyst")
    candidate = Candidate(organization_id=org.id, name="Erika", emails=[edc.EMAIL])
    session.add_all([job, candidate])
    session.flush()
    application = Application(organization_id=org.id, candidate_id=candidate.id, job_id=job.id)
    session.add(application)
    session.flush()
    raw = seals.sealed(signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL).encode()
    [credential] = pipeline.store_extraction(
        session, application, extract_bytes(raw), raw, "europass.json"
    )
    assert credential.format == "edc-jades"

    pipeline.process_credential(session, org.id, credential.id)
    result = pipeline.latest_verification(session, credential.id)
    assert result is not None and result.status == "verified", result.checks
    rows = session.exec(
        select(Skill.uri, CandidateSkill.method, CandidateSkill.confidence)
        .join(CandidateSkill, col(CandidateSkill.skill_id) == col(Skill.id))
        .where(col(CandidateSkill.credential_id) == credential.id)
    ).all()
    assert {(uri, method, conf) for uri, method, conf in rows} == {
        (edc.SKILL_PYTHON, "alignment", 1.0),
        (edc.SKILL_SQL, "alignment", 1.0),
    }
