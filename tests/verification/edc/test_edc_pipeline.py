"""A sealed EDC through the pipeline: stored from the attachment, the seal verified by the
worker stage, and its ESCO skills recorded exactly from the learning outcomes' URIs (method
``alignment``, confidence 1); a timestamped seal on a certificate expired since, with a signed
trusted list configured, is recorded as genuine, timestamped and qualified. Runs on SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from ats_match.models.credentials import CandidateSkill, Skill
from ats_match.settings import get_settings
from tests.support import edc, tsa
from tests.support import trusted_list as tl
from tests.support.pipeline import application_of, attach
from tests.verification.edc.conftest import Seals
from tests.verification.edc.test_edc_seal import CERT_FROM, CERT_UNTIL, EXPIRED_SINCE, SIGNED
from tests.verification.vc.helpers import OfflineFetcher
from worker import pipeline


def test_sealed_edc_is_verified_and_its_esco_skills_are_exact(
    session: Session, seals: Seals, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "shared_fetcher", lambda: OfflineFetcher())
    application = application_of(session, edc.EMAIL, "Erika", "Data analyst")
    org_id = application.organization_id
    raw = seals.sealed(signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL).encode()
    credential = attach(session, application, raw, "europass.json")
    assert credential.format == "edc-jades"

    pipeline.process_credential(session, org_id, credential.id)
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


def test_timestamped_qualified_seal_is_recorded_so(
    session: Session, seals: Seals, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "shared_fetcher", lambda: OfflineFetcher())
    authority = tsa.make_tsa(edc.make_authority("Loopback TSA Root"))
    seals.trust(authority.ca, setting="EDC_TSA_ANCHORS")
    operator = tl.make_signer()
    listed = tl.signed(tl.national_list([tl.Service(seals.intermediate.cert)]), operator)
    (seals.folder / "LB.xml").write_bytes(listed)
    (seals.folder / "tl-signer.pem").write_bytes(operator.pem)
    monkeypatch.setenv("ATS_MATCH_EDC_TRUSTED_LIST", str(seals.folder / "LB.xml"))
    monkeypatch.setenv("ATS_MATCH_EDC_TRUSTED_LIST_SIGNER", str(seals.folder / "tl-signer.pem"))
    get_settings.cache_clear()
    application = application_of(session, edc.EMAIL, "Erika", "Data analyst")
    sealed = seals.sealed(signed_at=SIGNED, not_before=CERT_FROM, not_after=EXPIRED_SINCE)
    raw = tsa.timestamped(sealed, authority, SIGNED + timedelta(minutes=1)).encode()
    credential = attach(session, application, raw, "europass.json")

    pipeline.process_credential(session, application.organization_id, credential.id)
    result = pipeline.latest_verification(session, credential.id)
    assert result is not None and result.status == "verified", result.checks
    checks = {c["name"]: c for c in result.checks}
    assert checks["proof"]["facts"]["signing_time"] == "timestamp"
    assert checks["timestamp"]["status"] == "pass"
    assert checks["qualified"]["status"] == "pass", checks["qualified"]
