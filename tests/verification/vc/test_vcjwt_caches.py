"""VC-JWT warm-path caches: decoded headers (per exact header text) and key encodings (per key
object) never change a verdict, and decoded headers are handed out as copies."""

from __future__ import annotations

from ats_match.verification import Verdict, VerificationContext, verify_credential
from ats_match.verification.vcjwt import decode
from tests.support.signing import TestKey, ob3_credential, sign_vc_jwt, vc_claims
from tests.verification.vc.helpers import OfflineFetcher, form

LEARNER = "did:example:learner"


def _token(key: TestKey, i: int, kid: str | None = None) -> str:
    vc = ob3_credential(key.did_key(), subject_id=LEARNER, cred_id=f"urn:uuid:{i:08d}-0000")
    claims = {k: v for k, v in vc_claims(vc).items() if k != "vc"}
    return sign_vc_jwt(vc, key, kid=kid or key.did_key_vm(), form="vcdm2", claims=claims)


def _verify(token: str) -> Verdict:
    context = VerificationContext(fetcher=OfflineFetcher(), proven_dids=(LEARNER,))
    return verify_credential(form(token), context).status


def test_decoded_header_is_a_copy() -> None:
    token = _token(TestKey.generate(), 1)
    decode(token).header["alg"] = "none"
    assert decode(token).header["alg"] == "EdDSA"
    assert _verify(token) == Verdict.VERIFIED


def test_same_header_other_key_still_fails() -> None:
    """Two issuers' tokens may share nothing but header text; the signature still decides."""
    genuine, forger = TestKey.generate(), TestKey.generate()
    assert _verify(_token(genuine, 2)) == Verdict.VERIFIED
    head, body, _ = _token(genuine, 3).split(".")
    forged_sig = _token(forger, 3).split(".")[2]
    assert _verify(f"{head}.{body}.{forged_sig}") == Verdict.FAILED


def test_kid_of_another_did_is_refused() -> None:
    genuine, other = TestKey.generate(), TestKey.generate()
    assert _verify(_token(genuine, 4, kid=other.did_key_vm())) == Verdict.FAILED
