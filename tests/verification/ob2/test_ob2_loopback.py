"""OB 2.0 verification against a real loopback issuer: genuine badges and every way to break one."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from ats_match.verification import CheckStatus, TrustPolicy, Verdict, VerificationReport
from tests.support.ob2 import (
    Ob2Issuer,
    b64,
    forge,
    form,
    hashed_identity,
    public_pem,
    sign,
)


def _check(report: VerificationReport, name: str) -> Any:
    return next(c for c in report.checks if c.name == name)


def _failed(report: VerificationReport, name: str) -> None:
    assert report.status == Verdict.FAILED, report.checks
    assert _check(report, name).status == CheckStatus.FAIL, report.checks


# -- genuine -------------------------------------------------------------------------------------
def test_hosted_assertion_verifies(issuer: Ob2Issuer, verify: Any) -> None:
    report = verify(issuer.hosted())
    assert report.status == Verdict.VERIFIED, report.checks
    names = {c.name for c in report.checks}
    assert {"structure", "hosted", "badge_class", "issuer", "verification_scope"} <= names
    assert {"revocation", "validity", "recipient"} <= names
    assert report.issuer.id == issuer.issuer_url and report.issuer.name == "Loopback University"
    assert report.achievement.name == "Data Analysis with Python"
    assert report.achievement.tags == ["python", "pandas"]
    assert report.format == "ob2-json"


def test_signed_assertion_verifies(issuer: Ob2Issuer, verify: Any) -> None:
    report = verify(issuer.signed())
    assert report.status == Verdict.VERIFIED, report.checks
    assert "owned by the issuer" in _check(report, "signature").detail


def test_signed_without_creator_tries_the_issuers_keys(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.signed(verification={"type": "SignedBadge"})
    assert verify(credential).status == Verdict.VERIFIED


def test_warm_cache_needs_no_network(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.signed()
    assert verify(credential).status == Verdict.VERIFIED
    issuer.server.requests.clear()
    assert verify(credential).status == Verdict.VERIFIED
    assert issuer.server.requests == []


# -- tampering and keys ---------------------------------------------------------------------------
def test_hosted_copy_differs_from_received(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.hosted()
    credential.document["recipient"] = hashed_identity("mallory@example.org")
    _failed(verify(credential, applicant_emails=("mallory@example.org",)), "hosted")


def test_tampered_signed_payload(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.signed()
    assert credential.compact
    header, _, signature = credential.compact.split(".")
    payload = dict(credential.document, recipient=hashed_identity("mallory@example.org"))
    credential.compact = f"{header}.{b64(json.dumps(payload).encode())}.{signature}"
    _failed(verify(credential, applicant_emails=("mallory@example.org",)), "signature")


def test_tampered_signature(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.signed()
    assert credential.compact
    head, payload, signature = credential.compact.split(".")
    flipped = ("A" if signature[10] != "A" else "B").join([signature[:10], signature[11:]])
    credential.compact = f"{head}.{payload}.{flipped}"
    _failed(verify(credential), "signature")


def test_wrong_key(issuer: Ob2Issuer, verify: Any, other_key: rsa.RSAPrivateKey) -> None:
    _failed(verify(issuer.signed(key=other_key)), "signature")


def test_key_owned_by_someone_else(issuer: Ob2Issuer, verify: Any) -> None:
    issuer.publish(key_owner="https://elsewhere.test/issuer")
    report = verify(issuer.signed())
    _failed(report, "signature")
    assert "not by the issuer" in _check(report, "signature").detail


def test_creator_not_listed_by_issuer(
    issuer: Ob2Issuer, verify: Any, other_key: rsa.RSAPrivateKey
) -> None:
    """An attacker's key document claiming the issuer as owner is never consulted."""
    issuer.server.serve(
        "/evil-key.json",
        {
            "type": "CryptographicKey",
            "id": issuer.server.url("/evil-key.json"),
            "owner": issuer.issuer_url,
            "publicKeyPem": public_pem(other_key),
        },
    )
    doc = issuer.assertion(
        "signed", verification={"type": "signed", "creator": issuer.server.url("/evil-key.json")}
    )
    report = verify(form(doc, sign(doc, other_key)))
    _failed(report, "signature")
    assert "does not list" in _check(report, "signature").detail


def test_alg_none_refused(issuer: Ob2Issuer, verify: Any) -> None:
    doc = issuer.assertion("signed")
    report = verify(form(doc, forge(doc, {"alg": "none"}, None)))
    _failed(report, "signature")
    assert "refused" in _check(report, "signature").detail


def test_hs256_with_the_public_key_refused(issuer: Ob2Issuer, verify: Any) -> None:
    doc = issuer.assertion("signed")
    token = forge(doc, {"alg": "HS256"}, public_pem(issuer.key).encode())
    _failed(verify(form(doc, token)), "signature")


def test_rs256_header_with_hmac_signature_refused(issuer: Ob2Issuer, verify: Any) -> None:
    doc = issuer.assertion("signed")
    token = forge(doc, {"alg": "RS256"}, public_pem(issuer.key).encode())
    _failed(verify(form(doc, token)), "signature")


def test_signed_claim_without_signature(issuer: Ob2Issuer, verify: Any) -> None:
    _failed(verify(form(issuer.assertion("signed"))), "signature")


def test_unknown_context_fails(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.hosted(**{"@context": "https://w3id.org/openbadges/v9"})
    _failed(verify(credential), "structure")


def test_wrong_type_fails(issuer: Ob2Issuer, verify: Any) -> None:
    _failed(verify(issuer.hosted(type="BadgeClass")), "structure")


# -- time -------------------------------------------------------------------------------------
def test_expired(issuer: Ob2Issuer, verify: Any) -> None:
    _failed(verify(issuer.signed(expires="2025-01-01T00:00:00Z")), "validity")


def test_not_yet_valid(issuer: Ob2Issuer, verify: Any) -> None:
    _failed(verify(issuer.hosted(issuedOn="2030-01-01T00:00:00Z")), "validity")


def test_expires_before_issued(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.signed(issuedOn="2024-05-01", expires="2024-01-01")
    _failed(verify(credential), "validity")


def test_unexpired_with_expiry_verifies(issuer: Ob2Issuer, verify: Any) -> None:
    report = verify(issuer.signed(expires="2027-01-01T00:00:00+00:00"))
    assert report.status == Verdict.VERIFIED
    assert "2027-01-01" in _check(report, "validity").detail


# -- revocation ------------------------------------------------------------------------------
def test_revoked_in_list_by_id_object(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.signed()
    issuer.revoked.append({"id": credential.document["id"], "revocationReason": "plagiarism"})
    issuer.publish()
    report = verify(credential)
    _failed(report, "revocation")
    assert "plagiarism" in _check(report, "revocation").detail


def test_revoked_in_list_by_string_and_uid(issuer: Ob2Issuer, verify: Any) -> None:
    by_id = issuer.signed()
    by_uid = issuer.signed(uid="legacy-42")
    issuer.revoked.extend([by_id.document["id"], {"uid": "legacy-42"}])
    issuer.publish()
    _failed(verify(by_id), "revocation")
    _failed(verify(by_uid), "revocation")


def test_hosted_410_is_revoked(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.hosted()
    issuer.serve_assertion({"id": credential.document["id"], "revoked": True}, status=410)
    report = verify(credential)
    _failed(report, "revocation")
    assert report.validity.status == "revoked" and report.label.startswith("Revoked")


def test_hosted_revoked_flag(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.hosted()
    issuer.serve_assertion(dict(credential.document, revoked=True, revocationReason="error"))
    report = verify(credential)
    _failed(report, "revocation")
    assert (report.authenticity.status, report.validity.status) == ("genuine", "revoked")
    assert report.label == "Genuine · revoked"


# -- recipient and trust ----------------------------------------------------------------------
def test_wrong_recipient(issuer: Ob2Issuer, verify: Any) -> None:
    report = verify(issuer.signed(), applicant_emails=("bob@example.org",))
    _failed(report, "recipient")


def test_no_applicant_email_is_indeterminate(issuer: Ob2Issuer, verify: Any) -> None:
    report = verify(issuer.signed(), applicant_emails=())
    assert report.status == Verdict.INDETERMINATE


def test_trust_policy(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.signed()
    denied = verify(credential, trust=TrustPolicy(deny=(issuer.server.base_url + "/",)))
    _failed(denied, "trust")
    allowed = verify(credential, trust=TrustPolicy(allow=(issuer.issuer_url,)))
    assert allowed.status == Verdict.VERIFIED
    assert allowed.issuer_trust.status == "trusted"
    elsewhere = verify(credential, trust=TrustPolicy(allow=("https://uni.example/",)))
    assert elsewhere.issuer_trust.status == "unknown", elsewhere.checks
    assert elsewhere.authenticity.status == "genuine"


# -- verification scope ------------------------------------------------------------------------
def test_hosted_on_another_host_fails(issuer: Ob2Issuer, verify: Any) -> None:
    """Issuer at 127.0.0.1, assertion at localhost: different hosts, no policy -> fail."""
    doc = issuer.assertion("hosted")
    doc["id"] = doc["id"].replace("127.0.0.1", "localhost")
    issuer.server.serve(doc["id"].split(str(issuer.server.port))[1], doc)
    _failed(verify(form(doc)), "verification_scope")


def test_allowed_origins_and_starts_with(issuer: Ob2Issuer, verify: Any, fetcher: Any) -> None:
    doc = issuer.assertion("hosted")
    doc["id"] = doc["id"].replace("127.0.0.1", "localhost")
    issuer.server.serve(doc["id"].split(str(issuer.server.port))[1], doc)
    issuer.profile_extra = {"verification": {"allowedOrigins": [f"localhost:{issuer.server.port}"]}}
    issuer.publish()
    assert verify(form(doc)).status == Verdict.VERIFIED
    issuer.profile_extra = {"verification": {"startsWith": "http://localhost:1/"}}
    issuer.publish()
    fetcher.cache.clear()  # the first verification cached the profile
    _failed(verify(form(doc)), "verification_scope")


# -- network -------------------------------------------------------------------------------------
def test_issuer_down_is_indeterminate(issuer: Ob2Issuer, verify: Any) -> None:
    hosted, signed = issuer.hosted(), issuer.signed()
    issuer.server.down()
    for credential in (hosted, signed):
        report = verify(credential)
        assert report.status == Verdict.INDETERMINATE, report.checks
        assert report.retryable


def test_revocation_list_503_is_indeterminate(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.signed()
    issuer.server.serve("/revocations.json", {"error": "busy"}, status=503)
    report = verify(credential)
    assert report.status == Verdict.INDETERMINATE
    assert _check(report, "revocation").status == CheckStatus.INDETERMINATE


def test_expired_badge_fails_even_when_issuer_is_down(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.signed(expires="2025-01-01T00:00:00Z")
    issuer.server.down()
    assert verify(credential).status == Verdict.FAILED


def test_badge_class_at_metadata_address_is_blocked(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.hosted(badge="http://169.254.169.254/latest/meta-data/badge.json")
    report = verify(credential)
    _failed(report, "badge_class")
    assert "never contact" in _check(report, "badge_class").detail


def test_missing_key_document_is_indeterminate(issuer: Ob2Issuer, verify: Any) -> None:
    """A 404 on the key is the issuer's problem, not proof of forgery (issue 9)."""
    credential = issuer.signed()
    del issuer.server.routes["/key.json"]
    report = verify(credential)
    assert report.status == Verdict.INDETERMINATE, report.checks
    assert _check(report, "signature").status == CheckStatus.INDETERMINATE
    assert "404" in _check(report, "signature").detail


def test_missing_context_fails(issuer: Ob2Issuer, verify: Any) -> None:
    _failed(verify(issuer.hosted(**{"@context": None})), "structure")


def test_es256_key_and_algorithm_pinning(issuer: Ob2Issuer, verify: Any) -> None:
    """A P-256 issuer key verifies ES256 only; an RS256 header with it is refused."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from joserfc import jws
    from joserfc.jwk import ECKey

    key = ec.generate_private_key(ec.SECP256R1())
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    issuer.server.serve(
        "/key.json",
        {
            "type": "CryptographicKey",
            "id": issuer.key_url,
            "owner": issuer.issuer_url,
            "publicKeyPem": pem,
        },
    )
    doc = issuer.assertion("signed")
    token = jws.serialize_compact({"alg": "ES256"}, json.dumps(doc).encode(), ECKey.import_key(key))
    assert verify(form(doc, token)).status == Verdict.VERIFIED
    _failed(verify(form(doc, sign(doc, issuer.key))), "signature")


def test_ob1_hosted_assertion(issuer: Ob2Issuer, verify: Any, fetcher: Any) -> None:
    """OB 1.1: ``verify.url`` names the hosted copy, ``uid`` identifies it, types are optional."""
    from ats_match.formats.model import Spec

    url = issuer.server.url("/ob1/assertion.json")
    doc = {
        "@context": "https://w3id.org/openbadges/v1",
        "uid": "ob1-7",
        "recipient": hashed_identity(),
        "badge": issuer.badge_url,
        "issuedOn": 1714564800,
        "verify": {"type": "hosted", "url": url},
    }
    issuer.server.serve("/ob1/assertion.json", doc)
    report = verify(form(doc, spec=Spec.OB1))
    assert report.status == Verdict.VERIFIED, report.checks
    issuer.revoked.append({"uid": "ob1-7"})
    issuer.publish()
    fetcher.cache.clear()
    _failed(verify(form(doc, spec=Spec.OB1)), "revocation")
