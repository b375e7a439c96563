"""The 1EdTech OB 2.0 conformance files, read in place and served from loopback.

Verdicts follow the validator's ``OB20Tests.java`` (1EdTech/digital-credentials-public-validator):
``assertValid`` -> ``verified``, ``assertInvalid`` -> ``failed``, ``assertWarning`` -> ``verified``
with a warning check. The validator serves ``ob20/assets`` for ``https://example.org/``,
``http://example.org/`` and ``https://www.example.org/``; :class:`MappedFetcher` does the same
onto the loopback server. A hosted assertion is served at its own id, as its issuer would.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from ats_match.net.http import HttpFetcher
from ats_match.verification import (
    CheckStatus,
    Verdict,
    VerificationContext,
    VerificationReport,
    verify_credential,
)
from tests.support.issuer_server import IssuerServer
from tests.support.ob2 import (
    CONFORMANCE,
    MappedFetcher,
    example_org_mapping,
    fixed_now,
    form,
    serve_conformance_assets,
)

APPLICANT = "nobody@example.org"  # sha256("nobody@example.org" + "deadsea") in every fixture

pytestmark = pytest.mark.skipif(not CONFORMANCE.is_dir(), reason="conformance fixtures missing")


@pytest.fixture(scope="module")
def server() -> Iterator[IssuerServer]:
    with IssuerServer() as s:
        serve_conformance_assets(s)
        yield s


def _verify(server: IssuerServer, name: str) -> VerificationReport:
    path = CONFORMANCE / name
    fetcher = MappedFetcher(HttpFetcher(allow_hosts=("127.0.0.1",)), example_org_mapping(server))
    if path.suffix == ".jwt":
        token = path.read_text().strip()
        payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        credential = form(payload, token)
    else:
        doc = json.loads(path.read_text())
        server.serve(urlsplit(doc["id"]).path, path.read_bytes())  # the issuer hosts it
        credential = form(doc)
    context = VerificationContext(fetcher=fetcher, now=fixed_now(), applicant_emails=(APPLICANT,))
    return verify_credential(credential, context)


VALID = [
    "basic-assertion.json",  # testSimpleJsonValid
    "simple.jwt",  # testSimpleJWTValid
    "simple-not-revoked.jwt",  # testJWTNotRevoked
    "basic-assertion-no-public-key.json",  # testNoPublicKeyInIssuer
    "basic-assertion-with-allowed-origins.json",  # testVerification
    "basic-assertion-with-allowed-origins-valid-starts-with.json",  # testVerificationStartsWith
    "basic-assertion-with-allowed-origins-valid-multiple-starts-with.json",
    "basic-assertion-with-language.json",  # testAssertionWithLanguage
]
INVALID = {
    "basic-assertion-invalid-context.json": "structure",  # testSimpleJsonInvalidContext
    "basic-assertion-invalid-type.json": "structure",  # testSimpleJsonInvalidType
    "simple-revoked.jwt": "revocation",  # testJWTRevoked
    "basic-assertion-with-allowed-origins-invalid-starts-with.json": "verification_scope",
    "basic-assertion-with-allowed-origins-invalid-multiple-starts-with.json": "verification_scope",
    "basic-assertion-expired.json": "validity",  # testExpired
    "basic-assertion-expired-before-issued.json": "validity",  # testExpiredBeforeIssued
    "basic-assertion-in-future.json": "validity",  # testIssuedInFuture
}
WARNINGS = {
    "warning-with-redirection.json": "badge_class_id",  # testWarningRedirectionJsonValid
    "warning-issuer-non-http.json": "issuer_id",  # testWarningIssuerNonHttps
}


@pytest.mark.parametrize("name", VALID)
def test_valid(server: IssuerServer, name: str) -> None:
    report = _verify(server, name)
    assert report.status == Verdict.VERIFIED, report.checks


@pytest.mark.parametrize(("name", "check"), sorted(INVALID.items()))
def test_invalid(server: IssuerServer, name: str, check: str) -> None:
    report = _verify(server, name)
    assert report.status == Verdict.FAILED, report.checks
    assert any(c.name == check and c.status == CheckStatus.FAIL for c in report.checks)


@pytest.mark.parametrize(("name", "check"), sorted(WARNINGS.items()))
def test_warnings(server: IssuerServer, name: str, check: str) -> None:
    report = _verify(server, name)
    assert report.status == Verdict.VERIFIED, report.checks
    warned: Any = [c for c in report.checks if c.status == CheckStatus.WARN]
    assert [c.name for c in warned] == [check]


def test_signed_fixture_with_another_applicant_fails(server: IssuerServer) -> None:
    path = CONFORMANCE / "simple.jwt"
    token = path.read_text().strip()
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    fetcher = MappedFetcher(HttpFetcher(allow_hosts=("127.0.0.1",)), example_org_mapping(server))
    context = VerificationContext(
        fetcher=fetcher, now=fixed_now(), applicant_emails=("someone@example.org",)
    )
    assert verify_credential(form(payload, token), context).status == Verdict.FAILED


def test_baked_png_extracted_and_verified(server: IssuerServer) -> None:
    """testSimplePNGPlainValid: the baked PNG goes through the formats extractor first."""
    from ats_match import formats

    if not hasattr(formats, "extract_bytes"):
        pytest.skip("ats_match.formats.extract_bytes not available")
    extracted = formats.extract_bytes((CONFORMANCE / "simple-badge.png").read_bytes())
    [credential] = extracted.credentials
    server.serve(urlsplit(str(credential.id)).path, json.dumps(credential.document))
    fetcher = MappedFetcher(HttpFetcher(allow_hosts=("127.0.0.1",)), example_org_mapping(server))
    context = VerificationContext(fetcher=fetcher, now=fixed_now(), applicant_emails=(APPLICANT,))
    report = verify_credential(credential, context)
    assert report.status == Verdict.VERIFIED, report.checks
    assert report.format == "ob2-png"
