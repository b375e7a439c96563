"""Issuer-side errors on a VC's documents are "could not check", never "forged" or "revoked".

A did:web DID document or a status list answering 404 / 410 / 5xx says nothing about the
credential: the proof (or status) check is ``indeterminate`` (the worker retries), and no
fetch failure ever turns into a ``fail``. Only cryptography fails a proof; only the issuer's
own status list says revoked."""

from __future__ import annotations

import pytest

from ats_match.verification.report import CheckStatus, Verdict
from ats_match.verification.status import STATUS_LISTS
from tests.support.signing import bitstring_list_credential, sign_data_integrity, status_entry
from tests.verification.vc.conftest import Issuer
from tests.verification.vc.test_vc_loopback import check, explain, make, run

HTTP_ERRORS = [404, 410, 500, 502, 503]


@pytest.mark.parametrize("status", HTTP_ERRORS)
@pytest.mark.parametrize("fmt", ["vcdm11", "eddsa-rdfc-2022"])
def test_did_document_http_error_is_indeterminate(issuer: Issuer, status: int, fmt: str) -> None:
    credential = make(issuer, fmt, "Ed25519")
    issuer.server.serve("/.well-known/did.json", {"error": "gone"}, status=status)
    report = run(issuer, credential)
    assert check(report, "proof").status == CheckStatus.INDETERMINATE, explain(report)
    assert report.status == Verdict.INDETERMINATE
    assert str(status) in check(report, "proof").detail


def test_did_document_back_again_verifies(issuer: Issuer) -> None:
    credential = make(issuer, "vcdm11", "Ed25519")
    issuer.server.serve("/.well-known/did.json", {"error": "down"}, status=503)
    assert run(issuer, credential).status == Verdict.INDETERMINATE
    issuer.publish()
    assert run(issuer, credential).status == Verdict.VERIFIED


@pytest.mark.parametrize("status", HTTP_ERRORS)
def test_status_list_http_error_is_indeterminate_not_revoked(issuer: Issuer, status: int) -> None:
    url = issuer.server.url("/status/revocation")
    listvc = bitstring_list_credential(url, issuer.did, "revocation", [5])
    issuer.server.serve(
        "/status/revocation", sign_data_integrity(listvc, issuer.keys["Ed25519"], issuer.vm())
    )
    credential = make(issuer, "eddsa-rdfc-2022", "Ed25519", status=status_entry(url, 5))
    assert check(run(issuer, credential), "status").status == CheckStatus.FAIL  # revoked
    STATUS_LISTS.clear()
    issuer.server.serve("/status/revocation", b"oops", status=status)
    report = run(
        issuer,
        credential,
    )
    assert check(report, "status").status == CheckStatus.INDETERMINATE, explain(report)
    assert check(report, "proof").status == CheckStatus.PASS
    assert report.status == Verdict.INDETERMINATE
