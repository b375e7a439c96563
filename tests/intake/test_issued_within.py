"""The "credential issued in the last N months" filter, on applications that came in through
the product (so each credential's issue day was stored by the ingest, not by the test)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.intake.conftest import Recruiter
from tests.support.signing import TestKey, ob3_credential, sign_vc_jwt


def _token(issued: datetime) -> str:
    key = TestKey.generate("Ed25519")
    vc = ob3_credential(
        key.did_key(),
        email="ada@x.org",
        name="SQL Fundamentals",
        valid_from=issued,
        cred_id=f"urn:uuid:{uuid.uuid4()}",
    )
    return sign_vc_jwt(vc, key, kid=key.did_key_vm())


def test_issued_within_keeps_applicants_with_a_recent_credential(recruiter: Recruiter) -> None:
    now = datetime.now(UTC)
    for name, issued in (
        ("Recent Rae", now - timedelta(days=90)),
        ("Old Oli", now - timedelta(days=1100)),
    ):
        response = recruiter.upload(
            [("sql.jwt", _token(issued).encode(), "text/plain")],
            candidate_name=name,
            candidate_email=f"{name.split()[0].lower()}@x.org",
        )
        assert response.status_code == 202, response.text
    recruiter.run_worker()
    ranking = f"/api/v1/jobs/{recruiter.job_id}/ranking"

    def names(**params: object) -> set[str]:
        rows = recruiter.client.get(ranking, params=params, headers=recruiter.auth).json()
        return {r["candidate_name"] for r in rows}

    assert names() == {"Recent Rae", "Old Oli"}
    assert names(issued_within_months=12) == {"Recent Rae"}
    assert names(issued_within_months=60) == {"Recent Rae", "Old Oli"}
    assert (
        recruiter.client.get(
            ranking, params={"issued_within_months": 0}, headers=recruiter.auth
        ).status_code
        == 422
    )
