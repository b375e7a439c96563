"""Attack corpus: JWT date claims that are not NumericDate values.

RFC 7519 §2 defines ``exp`` / ``nbf`` / ``iat`` as JSON numbers of seconds. A verifier that
ignores a claim it cannot read as a number lets ``"exp": "2020-01-01T00:00:00Z"`` (a string, in
the past) verify; these tests hold that such tokens are refused with a reason naming the claim."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ats_match.verification import VerificationContext, verify_credential
from ats_match.verification.report import CheckStatus
from tests.support.signing import NOW, TestKey, ob3_credential, sign_vc_jwt
from tests.verification.vc.helpers import OfflineFetcher, form

LEARNER = "did:example:learner"


@pytest.fixture(scope="module")
def key() -> TestKey:
    return TestKey.generate()


def _token(key: TestKey, claims: dict[str, Any], jwt_form: str = "vcdm11") -> str:
    vc = ob3_credential(key.did_key(), subject_id=LEARNER)
    return sign_vc_jwt(vc, key, kid=key.did_key_vm(), form=jwt_form, claims=claims)


def _verify(token: str) -> Any:
    context = VerificationContext(fetcher=OfflineFetcher(), proven_dids=(LEARNER,))
    return verify_credential(form(token), context)


def _claims_check(report: Any) -> Any:
    return next(c for c in report.checks if c.name == "jwt_claims")


def test_numeric_dates_verify(key: TestKey) -> None:
    report = _verify(_token(key, {"exp": int((NOW + timedelta(days=30)).timestamp())}))
    assert _claims_check(report).status == CheckStatus.PASS
    assert report.status.value == "verified"


def test_numeric_exp_in_the_past_does_not_verify(key: TestKey) -> None:
    report = _verify(_token(key, {"exp": int((NOW - timedelta(days=3)).timestamp())}))
    window = next(c for c in report.checks if c.name == "jwt_validity")
    assert window.status == CheckStatus.FAIL and "expired" in window.detail
    assert (report.authenticity.status, report.validity.status) == ("genuine", "expired")
    assert report.status.value == "failed"


@pytest.mark.parametrize("jwt_form", ["vcdm11", "vcdm2"])
@pytest.mark.parametrize(
    ("claim", "value"),
    [
        ("exp", "2020-01-01T00:00:00Z"),
        ("exp", str(int((NOW - timedelta(days=3)).timestamp()))),
        ("exp", True),
        ("exp", None),
        ("exp", {"$date": 1}),
        ("nbf", "2020-01-01T00:00:00Z"),
        ("iat", "yesterday"),
    ],
)
def test_date_claim_that_is_not_a_number_is_refused(
    key: TestKey, claim: str, value: Any, jwt_form: str
) -> None:
    report = _verify(_token(key, {claim: value}, jwt_form))
    check = _claims_check(report)
    assert check.status == CheckStatus.FAIL
    assert f"{claim} must be a NumericDate" in check.detail
    assert report.status.value != "verified"


def test_non_finite_number_is_refused(key: TestKey) -> None:
    """``NaN`` is not JSON, but Python's parser accepts it: it must not pass as a date."""
    token = _token(key, {"exp": 1})
    import base64
    import json

    head, body, _ = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["nbf"] = float("nan")
    from ats_match.verification import vcjwt

    decoded = vcjwt.decode(
        f"{head}.{base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip('=')}.AA"
    )
    problems = vcjwt.check_claims(decoded, NOW)
    assert any("nbf must be a NumericDate" in p for p in problems)


@pytest.mark.parametrize("junk", ["+", "/", "=", "$", " "])
def test_payload_outside_the_base64url_alphabet_is_refused(key: TestKey, junk: str) -> None:
    """Characters a lenient decoder would skip make a different text decode to the same
    claims; the token is refused instead."""
    from ats_match.verification import vcjwt

    head, body, sig = _token(key, {}).split(".")
    with pytest.raises(vcjwt.JwtError, match="base64url"):
        vcjwt.decode(f"{head}.{body[:10]}{junk}{body[10:]}.{sig}")
