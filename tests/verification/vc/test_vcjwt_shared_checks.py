"""Checks built once and shared across reports (VC-JWT hot path): they are frozen, and a check
remembered per context list never carries one credential's verdict over to another's."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from ats_match.formats.extract import extract_bytes
from ats_match.verification import Verdict, VerificationContext, verify_credential
from ats_match.verification.report import VerificationReport
from tests.support.signing import TestKey, ob3_credential, sign_vc_jwt, vc_claims
from tests.verification.vc.helpers import OfflineFetcher

LEARNER = "did:example:learner"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _upload(contexts: list[Any] | None = None, **changes: Any) -> VerificationReport:
    """Sign a VC-JWT as an issuer would, then parse its bytes and verify it as uploads are."""
    key = TestKey.generate()
    vc = ob3_credential(key.did_key(), subject_id=LEARNER)
    if contexts is not None:
        vc["@context"] = contexts
    vc.update(changes)
    claims = {k: v for k, v in vc_claims(vc).items() if k != "vc"}
    token = sign_vc_jwt(vc, key, kid=key.did_key_vm(), form="vcdm2", claims=claims)
    extracted = extract_bytes(token.encode())
    assert not extracted.errors, extracted.errors
    context = VerificationContext(fetcher=OfflineFetcher(), proven_dids=(LEARNER,))
    return verify_credential(extracted.credentials[0], context)


def _check(report: VerificationReport, name: str) -> Any:
    return next(c for c in report.checks if c.name == name)


def test_checks_are_frozen_so_a_shared_one_cannot_be_rewritten() -> None:
    first, second = _upload(), _upload()
    assert first.status == second.status == Verdict.VERIFIED
    shared = _check(first, "context")
    assert shared is _check(second, "context")  # built once, handed to both reports
    with pytest.raises(ValidationError):
        shared.detail = "rewritten"
    with pytest.raises(ValidationError):
        _check(first, "proof").status = "fail"
    assert _check(second, "context").detail == "All JSON-LD contexts are pinned."


@pytest.mark.parametrize(
    ("contexts", "status", "outcome"),
    [
        ([VC_V2, OB3, "https://evil.example/context.json"], "fail", "unknown"),
        ([VC_V2], "fail", None),  # no OB 3.0 context on an OpenBadgeCredential
        ([OB3, VC_V2], "fail", None),  # the base context must come first
        ([VC_V2, OB3], "pass", None),
    ],
)
def test_context_verdict_is_per_list_whatever_was_verified_before(
    contexts: list[str], status: str, outcome: str | None
) -> None:
    assert _check(_upload(), "context").status == "pass"  # a pinned list, remembered
    context = _check(_upload(contexts), "context")
    assert (context.status, context.outcome) == (status, outcome)
    assert _check(_upload(), "context").status == "pass"


def test_long_context_lists_are_checked_the_same_without_being_remembered() -> None:
    unknown = [f"https://issuer.example/contexts/{i}.json" for i in range(12)]
    refused = _check(_upload([VC_V2, OB3, *unknown]), "context")
    assert (refused.status, refused.outcome) == ("fail", "unknown")
    assert unknown[0] in refused.detail
    long_url = "https://issuer.example/" + "x" * 2000
    refused = _check(_upload([VC_V2, OB3, long_url]), "context")
    assert (refused.status, refused.outcome) == ("fail", "unknown")
    assert _check(_upload(), "context").status == "pass"


def test_well_formed_names_each_credentials_own_types() -> None:
    plain = _check(_upload(), "structure")
    achievement = _check(
        _upload(type=["VerifiableCredential", "AchievementCredential"]), "structure"
    )
    assert plain.detail == "Well-formed OpenBadgeCredential."
    assert achievement.detail == "Well-formed AchievementCredential."
    many = ["VerifiableCredential", "OpenBadgeCredential", *(f"T{i:03d}" for i in range(60))]
    assert _check(_upload(type=many), "structure").detail.endswith("T059.")
