"""worker.evidence.many_evidence (the editor's and the API's what-if over a whole job) gives
each application the same evidence as application_evidence, whatever its credentials' state."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from ats_match import db
from ats_match.models import Application
from rules import CandidateEvidence
from tests.web.more_seed import add_signal_applicants
from tests.web.seed import Seeded
from worker import evidence


def _canonical(item: CandidateEvidence) -> CandidateEvidence:
    """Credential and skill order is the database's (no ORDER BY in either path)."""
    return item.model_copy(
        update={
            "credentials": sorted(item.credentials, key=lambda c: c.credential_id),
            "skills": sorted(item.skills, key=lambda s: (s.credential_id or "", s.skill_uri)),
        }
    )


def test_many_evidence_is_application_evidence_for_each(
    seeded: Seeded, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_signal_applicants(database_url, seeded.job_id)
    monkeypatch.setattr(evidence, "_CHUNK", 2)  # several chunks even for a small job
    engine = db.make_engine(database_url)
    with Session(engine) as session:
        applications = session.exec(
            select(Application).where(col(Application.job_id) == seeded.job_id)
        ).all()
        assert len(applications) == 4
        one_by_one = [evidence.application_evidence(session, a) for a in applications]
        batched = evidence.many_evidence(session, applications)
    engine.dispose()
    assert [_canonical(e) for e in batched] == [_canonical(e) for e in one_by_one]
    assert any(e.credentials for e in batched) and any(e.skills for e in batched)
