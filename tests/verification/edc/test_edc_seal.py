"""JAdES seals of European Digital Credentials, sealed by the tests with a test CA: validity is
judged at the signing time; an untrusted CA, a tampered payload, a seal made after the
certificate expired are refused; "qualified" only when trusted-list data is configured."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ats_match.formats.model import Envelope, Spec
from tests.support import edc
from tests.verification.edc.conftest import Seals

SIGNED = datetime(2024, 6, 1, 10, 5, tzinfo=UTC)
CERT_FROM = datetime(2024, 1, 1, tzinfo=UTC)
CERT_UNTIL = datetime(2027, 1, 1, tzinfo=UTC)
EXPIRED_SINCE = datetime(2025, 1, 1, tzinfo=UTC)


def test_sealed_edc_is_genuine_and_read_with_its_esco_uris(seals: Seals) -> None:
    sealed = seals.sealed(signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL)
    form = seals.form(sealed)
    assert form.spec == Spec.EDC and form.envelope == Envelope.JADES
    assert form.format == "edc-jades"
    assert form.achievement.name == "Data analysis with Python"
    assert form.achievement.level == "EQF 5"
    assert form.issuer.name == "Loopback University"
    urls = {a.target_url: a.target_type for a in form.achievement.alignments}
    assert urls == {edc.SKILL_PYTHON: "skill", edc.SKILL_SQL: "skill", edc.OCCUPATION: "occupation"}
    assert {r.identity for r in form.recipients} == {edc.LEARNER, edc.EMAIL}
    report = seals.verify(sealed)
    assert report.authenticity.status == "genuine", report.checks
    assert report.validity.status == "current"
    assert report.holder.status == "proven"
    qualified = next(c for c in report.checks if c.name == "qualified")
    assert "not configured" in qualified.detail


def test_certificate_expired_since_signing_stays_genuine(seals: Seals) -> None:
    sealed = seals.sealed(signed_at=SIGNED, not_before=CERT_FROM, not_after=EXPIRED_SINCE)
    report = seals.verify(sealed)
    assert report.authenticity.status == "genuine", report.checks


def test_sealed_after_the_certificate_expired_is_forged(seals: Seals) -> None:
    sealed = seals.sealed(
        signed_at=datetime(2025, 6, 1, tzinfo=UTC), not_before=CERT_FROM, not_after=EXPIRED_SINCE
    )
    report = seals.verify(sealed)
    assert report.authenticity.status == "forged"
    assert "after the sealing certificate expired" in report.authenticity.reason


def test_untrusted_ca_is_not_genuine(seals: Seals) -> None:
    stranger = edc.make_authority("Somebody's Root CA")
    sealed = seals.sealed(
        signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL, authority=stranger
    )
    report = seals.verify(sealed)
    assert report.authenticity.status == "unknown"
    assert not report.retryable
    assert "does not chain to a trusted anchor" in report.authenticity.reason


def test_no_trust_anchor_configured_is_unknown(seals: Seals) -> None:
    seals.monkeypatch.delenv("ATS_MATCH_EDC_TRUST_ANCHORS")
    from ats_match.settings import get_settings

    get_settings.cache_clear()
    sealed = seals.sealed(signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL)
    report = seals.verify(sealed)
    assert report.authenticity.status == "unknown"
    assert "no trust anchors are configured" in report.authenticity.reason


def test_tampered_payload_is_forged(seals: Seals) -> None:
    sealed = json.loads(seals.sealed(signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL))
    sealed["payload"] = sealed["payload"].replace("EQF", "EQF").replace("/eqf/5", "/eqf/7")
    report = seals.verify(json.dumps(sealed))
    assert report.authenticity.status == "forged"
    assert "changed" in report.authenticity.reason


def test_es256_and_base64url_payload(seals: Seals) -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    sealed = seals.sealed(
        signed_at=SIGNED,
        not_before=CERT_FROM,
        not_after=CERT_UNTIL,
        key=ec.generate_private_key(ec.SECP256R1()),
        unencoded=False,
    )
    assert seals.verify(sealed).authenticity.status == "genuine"


def test_qualified_only_with_trusted_list_data(seals: Seals) -> None:
    sealed = seals.sealed(signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL)
    seals.trust(seals.intermediate, setting="EDC_QUALIFIED_ANCHORS")
    report = seals.verify(sealed)
    qualified = next(c for c in report.checks if c.name == "qualified")
    assert qualified.status.value == "pass" and "Qualified seal" in qualified.detail
    stranger = edc.make_authority("Unlisted CA")
    seals.trust(stranger, setting="EDC_QUALIFIED_ANCHORS")
    report = seals.verify(sealed)
    qualified = next(c for c in report.checks if c.name == "qualified")
    assert qualified.status.value == "warn" and "Not a qualified seal" in qualified.detail
    assert report.authenticity.status == "genuine"


def test_unsealed_edc_is_read_but_not_genuine(seals: Seals) -> None:
    form = seals.form(json.dumps(edc.edc_credential()))
    assert form.spec == Spec.EDC and form.envelope == Envelope.JSON
    report = seals.verify(json.dumps(edc.edc_credential()))
    assert report.authenticity.status == "unknown"
    assert "not sealed" in report.authenticity.reason


def test_expired_credential_is_genuine_but_expired(seals: Seals) -> None:
    doc = edc.edc_credential(valid_until="2025-06-01T00:00:00Z")
    sealed = seals.sealed(
        signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL, document=doc
    )
    report = seals.verify(sealed)
    assert report.authenticity.status == "genuine" and report.validity.status == "expired"


def test_learner_binding(seals: Seals) -> None:
    doc = edc.edc_credential()
    doc["credentialSubject"]["id"] = "urn:epass:person:1"  # local to the issuer
    sealed = seals.sealed(
        signed_at=SIGNED, not_before=CERT_FROM, not_after=CERT_UNTIL, document=doc
    )
    by_email = seals.verify(sealed, proven_dids=(), applicant_emails=(edc.EMAIL.upper(),))
    assert by_email.holder.status == "bound"
    other = seals.verify(
        sealed, proven_dids=(), applicant_emails=("someone@example.eu",), applicant_dids=()
    )
    assert other.holder.status == "mismatch"
    only_did = seals.verify(sealed, proven_dids=("did:example:someone",))
    assert only_did.holder.status != "mismatch"
