"""JAdES signature timestamps (``sigTst``): a test TSA's RFC 3161 token proves the signing
time, so a seal whose certificate (or TSA certificate) expired since stays genuine, a backdated
``sigT`` claim is caught, a token over another signature is a forgery, and an untrusted TSA's
token is ignored with a warning (the signing time is then the claim)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from ats_match.verification import VerificationReport
from tests.support import edc, tsa
from tests.verification.edc.conftest import Seals

CLAIMED = datetime(2024, 6, 1, 10, 5, tzinfo=UTC)
STAMPED = datetime(2024, 6, 1, 10, 6, tzinfo=UTC)
CERT_FROM = datetime(2024, 1, 1, tzinfo=UTC)
EXPIRED_SINCE = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def authority() -> tsa.TimestampAuthority:
    # Its own certificate expired too, after it made the tokens: still a valid timestamp.
    return tsa.make_tsa(edc.make_authority("Loopback TSA Root"), not_after=EXPIRED_SINCE)


@pytest.fixture
def trusting(seals: Seals, authority: tsa.TimestampAuthority) -> Seals:
    seals.trust(authority.ca, setting="EDC_TSA_ANCHORS")
    return seals


def _check(report: VerificationReport, name: str) -> tuple[str, str]:
    found = next(c for c in report.checks if c.name == name)
    return found.status.value, found.detail


def _proof_facts(report: VerificationReport) -> dict[str, object]:
    return next(c for c in report.checks if c.name == "proof").facts


@pytest.mark.parametrize("encoded", [True, False], ids=["base64url-item", "json-item"])
def test_timestamp_proves_the_signing_time_after_both_certificates_expired(
    trusting: Seals, authority: tsa.TimestampAuthority, encoded: bool
) -> None:
    sealed = trusting.sealed(signed_at=CLAIMED, not_before=CERT_FROM, not_after=EXPIRED_SINCE)
    report = trusting.verify(tsa.timestamped(sealed, authority, STAMPED, encoded=encoded))
    assert report.authenticity.status == "genuine", report.checks
    assert _proof_facts(report) == {"signed_at": STAMPED.isoformat(), "signing_time": "timestamp"}
    assert "the time of its timestamp" in report.authenticity.reason
    status, detail = _check(report, "timestamp")
    assert status == "pass" and "CN=Loopback TSA" in detail


def test_backdated_claim_is_caught_by_the_timestamp(
    trusting: Seals, authority: tsa.TimestampAuthority
) -> None:
    # The sealer claims a time inside the certificate's life; the TSA saw it after expiry.
    sealed = trusting.sealed(signed_at=CLAIMED, not_before=CERT_FROM, not_after=EXPIRED_SINCE)
    late = datetime(2025, 3, 1, tzinfo=UTC)
    stranger_tsa = tsa.make_tsa(authority.ca)  # same trusted root, still-valid TSA certificate
    report = trusting.verify(tsa.timestamped(sealed, stranger_tsa, late))
    assert report.authenticity.status == "forged"
    assert "after the sealing certificate expired" in report.authenticity.reason


def test_timestamp_over_another_signature_is_forged(
    trusting: Seals, authority: tsa.TimestampAuthority
) -> None:
    sealed = trusting.sealed(signed_at=CLAIMED, not_before=CERT_FROM, not_after=EXPIRED_SINCE)
    report = trusting.verify(tsa.timestamped(sealed, authority, STAMPED, over=b"another seal"))
    assert report.authenticity.status == "forged"
    assert "over another signature" in report.authenticity.reason


def test_untrusted_tsa_is_ignored_with_a_warning(seals: Seals) -> None:
    stranger = tsa.make_tsa(edc.make_authority("Somebody's TSA Root"))
    seals.trust(edc.make_authority("Another TSA Root"), setting="EDC_TSA_ANCHORS")
    sealed = seals.sealed(
        signed_at=CLAIMED, not_before=CERT_FROM, not_after=datetime(2027, 1, 1, tzinfo=UTC)
    )
    report = seals.verify(tsa.timestamped(sealed, stranger, STAMPED))
    assert report.authenticity.status == "genuine", report.checks
    assert _proof_facts(report)["signing_time"] == "claimed"
    assert "as claimed by the sealer" in report.authenticity.reason
    status, detail = _check(report, "timestamp")
    assert status == "warn" and "ignored" in detail and "not trusted" in detail


@pytest.mark.parametrize("with_ca", [False, True], ids=["leaf-only", "carries-its-own-root"])
def test_untrusted_timestamp_cannot_rescue_an_expired_certificate(
    seals: Seals, with_ca: bool
) -> None:
    stranger = tsa.make_tsa(edc.make_authority("Somebody's TSA Root"))
    seals.trust(edc.make_authority("Another TSA Root"), setting="EDC_TSA_ANCHORS")
    sealed = seals.sealed(
        signed_at=datetime(2025, 6, 1, tzinfo=UTC), not_before=CERT_FROM, not_after=EXPIRED_SINCE
    )
    report = seals.verify(tsa.timestamped(sealed, stranger, STAMPED, with_ca=with_ca))
    assert report.authenticity.status == "forged"
    assert "after the sealing certificate expired" in report.authenticity.reason


def test_no_tsa_anchors_configured_ignores_the_timestamp(
    seals: Seals, authority: tsa.TimestampAuthority
) -> None:
    seals.monkeypatch.delenv("ATS_MATCH_EDC_TSA_ANCHORS", raising=False)
    sealed = seals.sealed(signed_at=CLAIMED, not_before=CERT_FROM, not_after=EXPIRED_SINCE)
    report = seals.verify(tsa.timestamped(sealed, authority, STAMPED))
    assert report.authenticity.status == "genuine"
    status, detail = _check(report, "timestamp")
    assert status == "warn" and "edc_tsa_anchors" in detail


def test_seal_without_timestamp_says_the_time_is_claimed(seals: Seals) -> None:
    sealed = seals.sealed(signed_at=CLAIMED, not_before=CERT_FROM, not_after=EXPIRED_SINCE)
    report = seals.verify(sealed)
    assert report.authenticity.status == "genuine"
    status, detail = _check(report, "timestamp")
    assert status == "skipped" and "own claim" in detail


def test_claim_after_the_timestamp_is_forged(
    trusting: Seals, authority: tsa.TimestampAuthority
) -> None:
    sealed = trusting.sealed(signed_at=STAMPED, not_before=CERT_FROM, not_after=EXPIRED_SINCE)
    report = trusting.verify(tsa.timestamped(sealed, authority, datetime(2024, 5, 1, tzinfo=UTC)))
    assert report.authenticity.status == "forged"
    assert "after its signature timestamp" in report.authenticity.reason


@pytest.mark.parametrize(
    "val", ["MAMCAQA=", "bm90IGEgdG9rZW4=", "!!"], ids=["status-only", "junk", "not-b64"]
)
def test_unreadable_timestamp_is_ignored(
    trusting: Seals, authority: tsa.TimestampAuthority, val: str
) -> None:
    sealed = trusting.sealed(signed_at=CLAIMED, not_before=CERT_FROM, not_after=EXPIRED_SINCE)
    jws = json.loads(tsa.timestamped(sealed, authority, STAMPED, encoded=False))
    jws["signatures"][0]["header"]["etsiU"][0]["sigTst"]["tstTokens"][0]["val"] = val
    report = trusting.verify(json.dumps(jws))
    assert report.authenticity.status == "genuine"
    assert _proof_facts(report)["signing_time"] == "claimed"
    status, detail = _check(report, "timestamp")
    assert status == "warn" and "ignored" in detail


def _content_token(authority: tsa.TimestampAuthority, at: datetime) -> Callable[[bytes], bytes]:
    return lambda payload: authority.token(payload, at)


@pytest.mark.parametrize("unencoded", [True, False], ids=["b64-false", "b64"])
def test_content_timestamp_before_the_signing_time_is_reported(
    trusting: Seals, authority: tsa.TimestampAuthority, unencoded: bool
) -> None:
    sealed = trusting.sealed(
        signed_at=CLAIMED,
        not_before=CERT_FROM,
        not_after=EXPIRED_SINCE,
        unencoded=unencoded,
        content_token=_content_token(authority, datetime(2024, 6, 1, 10, 4, tzinfo=UTC)),
    )
    report = trusting.verify(tsa.timestamped(sealed, authority, STAMPED))
    assert report.authenticity.status == "genuine", report.checks
    status, detail = _check(report, "timestamp")
    assert status == "pass" and "content timestamped by CN=Loopback TSA" in detail


def test_seal_dated_before_its_content_timestamp_is_forged(
    trusting: Seals, authority: tsa.TimestampAuthority
) -> None:
    sealed = trusting.sealed(
        signed_at=CLAIMED,
        not_before=CERT_FROM,
        not_after=EXPIRED_SINCE,
        content_token=_content_token(authority, datetime(2024, 9, 1, tzinfo=UTC)),
    )
    report = trusting.verify(sealed)
    assert report.authenticity.status == "forged"
    assert "before its content was timestamped" in report.authenticity.reason


def test_untrusted_content_timestamp_is_ignored(seals: Seals) -> None:
    stranger = tsa.make_tsa(edc.make_authority("Somebody's TSA Root"))
    seals.trust(edc.make_authority("Another TSA Root"), setting="EDC_TSA_ANCHORS")
    sealed = seals.sealed(
        signed_at=CLAIMED,
        not_before=CERT_FROM,
        not_after=EXPIRED_SINCE,
        content_token=_content_token(stranger, datetime(2024, 9, 1, tzinfo=UTC)),
    )
    report = seals.verify(sealed)
    assert report.authenticity.status == "genuine", report.checks
    status, detail = _check(report, "timestamp")
    assert status == "skipped" and "content timestamp ignored" in detail and "not trusted" in detail
