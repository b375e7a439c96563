"""Issuer-side errors on an OB 2.0 badge's documents are "could not check", never "failed".

404 / 5xx on the badge class, the issuer profile, the key or the revocation list: the check is
``indeterminate`` (retried). Only the issuer's own statement revokes: HTTP 410 on the hosted
assertion itself, or ``"revoked": true``, or the revocation list."""

from __future__ import annotations

from typing import Any

import pytest

from ats_match.verification.report import CheckStatus, Verdict
from tests.support.ob2 import Ob2Issuer

DOCUMENTS = [
    ("/badge.json", "badge_class", "hosted"),
    ("/issuer.json", "issuer", "hosted"),
    ("/key.json", "signature", "signed"),
    ("/revocations.json", "revocation", "signed"),
    ("/revocations.json", "revocation", "hosted"),
]


def _check(report: Any, name: str) -> Any:
    return next(c for c in report.checks if c.name == name)


@pytest.mark.parametrize("status", [404, 410, 500, 503])
@pytest.mark.parametrize(("path", "check", "kind"), DOCUMENTS)
def test_issuer_document_error_is_indeterminate(
    issuer: Ob2Issuer, verify: Any, path: str, check: str, kind: str, status: int
) -> None:
    credential = issuer.hosted() if kind == "hosted" else issuer.signed()
    issuer.server.serve(path, {"error": "not here"}, status=status)
    report = verify(credential)
    assert _check(report, check).status == CheckStatus.INDETERMINATE, report.checks
    assert report.status == Verdict.INDETERMINATE, report.checks
    assert not any(c.status == CheckStatus.FAIL for c in report.checks), report.checks


@pytest.mark.parametrize("status", [404, 500, 503])
def test_hosted_assertion_error_is_indeterminate(
    issuer: Ob2Issuer, verify: Any, status: int
) -> None:
    credential = issuer.hosted()
    issuer.serve_assertion(credential.document, status=status)
    report = verify(credential)
    assert _check(report, "hosted").status == CheckStatus.INDETERMINATE, report.checks
    assert report.status == Verdict.INDETERMINATE


def test_hosted_assertion_410_stays_revoked(issuer: Ob2Issuer, verify: Any) -> None:
    credential = issuer.hosted()
    issuer.serve_assertion({"id": credential.document["id"]}, status=410)
    report = verify(credential)
    revocation = _check(report, "revocation")
    assert revocation.status == CheckStatus.FAIL and "Revoked" in revocation.detail
    assert report.validity.status == "revoked"
    assert report.status == Verdict.FAILED


def test_issuer_back_again_verifies(issuer: Ob2Issuer, verify: Any, fetcher: Any) -> None:
    credential = issuer.signed()
    issuer.server.serve("/key.json", {"error": "down"}, status=503)
    assert verify(credential).status == Verdict.INDETERMINATE
    issuer.publish()
    fetcher.cache.clear()
    assert verify(credential).status == Verdict.VERIFIED
