"""The warm-path caches of OB 2.0 verification never outlive what they were computed from.

Documents are parsed once per (URL, exact bytes); type sets, revoked-id maps and badge / issuer
fields are remembered per parsed document; public keys per PEM text; JWS headers per segment.
Each test changes one input behind a warm cache (a new body under the same URL, as after a TTL
expiry or an ETag change) and checks the verdict follows the new document.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ats_match.net.cache import ResponseCache
from ats_match.net.http import HttpFetcher
from ats_match.verification import CheckStatus, Verdict, VerificationContext, verify_credential
from ats_match.verification.ob2_crypto import JwsError, decode_unverified, verify_with_pem
from tests.support.ob2 import EMAIL, Ob2Issuer, b64, fixed_now, public_pem, sign


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def run(clock: Clock) -> Any:
    """Verify with a fetcher whose cache expires when the test moves ``clock`` on by 61 s."""
    fetcher = HttpFetcher(allow_hosts=("127.0.0.1",), cache=ResponseCache(60.0, clock=clock))

    def verify(credential: Any) -> Any:
        context = VerificationContext(fetcher=fetcher, applicant_emails=(EMAIL,), now=fixed_now())
        return verify_credential(credential, context)

    return verify


def _status(report: Any, name: str) -> CheckStatus:
    return next(c.status for c in report.checks if c.name == name)


def test_new_revocation_list_is_seen_after_the_ttl(
    issuer: Ob2Issuer, run: Any, clock: Clock
) -> None:
    credential = issuer.signed()
    assert run(credential).status == Verdict.VERIFIED
    issuer.revoked.append({"id": credential.document["id"], "revocationReason": "fraud"})
    issuer.publish()
    assert run(credential).status == Verdict.VERIFIED  # fresh cache entry: one TTL late at most
    clock.now += 61
    report = run(credential)
    assert report.status == Verdict.FAILED
    assert _status(report, "revocation") == CheckStatus.FAIL


def test_rotated_key_is_used_after_the_ttl(
    issuer: Ob2Issuer, run: Any, clock: Clock, other_key: rsa.RSAPrivateKey
) -> None:
    old = issuer.signed()
    assert run(old).status == Verdict.VERIFIED
    issuer.key = other_key
    issuer.publish()
    clock.now += 61
    assert _status(run(old), "signature") == CheckStatus.FAIL  # the old key is gone
    assert run(issuer.signed()).status == Verdict.VERIFIED


def test_badge_class_changed_type_fails_after_the_ttl(
    issuer: Ob2Issuer, run: Any, clock: Clock
) -> None:
    assert run(issuer.signed()).status == Verdict.VERIFIED
    badge = {"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "name": "x"}
    issuer.server.serve("/badge.json", dict(badge, issuer=issuer.issuer_url))
    clock.now += 61
    report = run(issuer.signed())
    assert report.status == Verdict.FAILED
    assert _status(report, "badge_class") == CheckStatus.FAIL


def test_changed_badge_fields_are_reported_after_the_ttl(
    issuer: Ob2Issuer, run: Any, clock: Clock
) -> None:
    first = run(issuer.signed())
    assert first.achievement.name == "Data Analysis with Python"
    first.achievement.tags.append("mutated by a caller")  # must not leak into later reports
    issuer.server.serve(
        "/badge.json",
        {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "BadgeClass",
            "id": issuer.badge_url,
            "name": "Renamed",
            "issuer": issuer.issuer_url,
        },
    )
    assert run(issuer.signed()).achievement.tags == ["python", "pandas"]
    clock.now += 61
    report = run(issuer.signed())
    assert report.status == Verdict.VERIFIED
    assert report.achievement.name == "Renamed" and report.achievement.tags == []


# -- the JWS parser ----------------------------------------------------------------------------
def _token(header: dict[str, Any], payload: dict[str, Any], key: rsa.RSAPrivateKey) -> str:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(payload).encode())
    signature = key.sign(f"{head}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{head}.{body}.{b64(signature)}"


def test_genuine_token_verifies(issuer_key: rsa.RSAPrivateKey) -> None:
    token = sign({"a": 1}, issuer_key)
    assert verify_with_pem(token, public_pem(issuer_key))
    assert decode_unverified(token)[1] == {"a": 1}


@pytest.mark.parametrize("extra", [{"crit": ["b64"], "b64": False}, {"b64": True}, {"crit": []}])
def test_crit_and_b64_headers_are_refused(issuer_key: rsa.RSAPrivateKey, extra: Any) -> None:
    token = _token({"alg": "RS256", **extra}, {"a": 1}, issuer_key)
    with pytest.raises(JwsError):
        decode_unverified(token)
    assert not verify_with_pem(token, public_pem(issuer_key))


def test_non_canonical_base64_is_refused(issuer_key: rsa.RSAPrivateKey) -> None:
    head, body, signature = sign({"a": 1}, issuer_key).split(".")
    pem = public_pem(issuer_key)
    for bad in (
        signature + "=",
        signature.replace("-", "+").replace("_", "/") + "+",
        "x" + signature,
    ):
        assert not verify_with_pem(f"{head}.{body}.{bad}", pem)
    padded = base64.urlsafe_b64encode(json.dumps({"a": 1}).encode()).decode()
    if padded.endswith("="):
        with pytest.raises(JwsError):
            decode_unverified(f"{head}.{padded}.{signature}")
    with pytest.raises(JwsError):
        decode_unverified(f"{head}.{body}")


def test_header_cache_does_not_leak_mutations(issuer_key: rsa.RSAPrivateKey) -> None:
    token = sign({"a": 1}, issuer_key)
    header, _ = decode_unverified(token)
    header["alg"] = "none"
    assert decode_unverified(token)[0]["alg"] == "RS256"
    assert verify_with_pem(token, public_pem(issuer_key))


def test_es256_signature_of_the_wrong_length_is_refused() -> None:
    from cryptography.hazmat.primitives import serialization

    key = ec.generate_private_key(ec.SECP256R1())
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    head = b64(json.dumps({"alg": "ES256"}).encode())
    body = b64(b'{"a": 1}')
    from cryptography.hazmat.primitives import hashes

    der = key.sign(f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    assert not verify_with_pem(f"{head}.{body}.{b64(der)}", pem)  # DER, not r || s
