"""Attack corpus: terms outside the signed graph (JSON-LD safe mode).

A property that no context defines is dropped by JSON-LD expansion, so it is not part of the
RDF a Data Integrity proof signs: added after signing, it would ride on a valid signature.
The verifier refuses any document whose expansion drops something (proof ``fail``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ats_match.verification import VerificationContext, verify_credential
from ats_match.verification.report import CheckStatus
from tests.support.signing import TestKey, ob3_credential, sign_data_integrity
from tests.verification.vc.helpers import OfflineFetcher, form

LEARNER = "did:example:learner"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def _proof(report: Any) -> Any:
    return next(c for c in report.checks if c.name == "proof")


def _verify(doc: dict[str, Any]) -> Any:
    context = VerificationContext(fetcher=OfflineFetcher(), proven_dids=(LEARNER,))
    return verify_credential(form(doc), context)


@pytest.fixture(scope="module")
def issuer() -> TestKey:
    return TestKey.generate()


@pytest.fixture(params=["eddsa-rdfc-2022", "Ed25519Signature2020"])
def signed(request: pytest.FixtureRequest, issuer: TestKey) -> dict[str, Any]:
    doc = ob3_credential(issuer.did_key(), subject_id=LEARNER)
    return sign_data_integrity(doc, issuer, issuer.did_key_vm(), cryptosuite=request.param)


def _v1(issuer: TestKey, suite: str) -> dict[str, Any]:
    """An OB 3.0 credential on VCDM 1.1 (issuanceDate), as OB 3.0.0 issuers sign them."""
    doc = ob3_credential(issuer.did_key(), subject_id=LEARNER)
    doc["@context"] = [VC_V1, OB_303]
    doc["issuanceDate"] = doc.pop("validFrom")
    if suite == "eddsa-rdfc-2022":
        doc["@context"].append("https://w3id.org/security/data-integrity/v2")
    return sign_data_integrity(doc, issuer, issuer.did_key_vm(), cryptosuite=suite)


def test_genuine_credentials_still_verify(signed: dict[str, Any], issuer: TestKey) -> None:
    assert _proof(_verify(signed)).status == CheckStatus.PASS
    suite = signed["proof"].get("cryptosuite") or signed["proof"]["type"]
    assert _proof(_verify(_v1(issuer, suite))).status == CheckStatus.PASS


@pytest.mark.parametrize(
    "where",
    [
        ("top", "degreeAwarded", "Doctor of Medicine"),
        ("subject", "grade", "A+"),
        ("achievement", "licenceNumber", "NMC-12345"),
    ],
)
def test_undefined_term_added_after_signing_is_not_genuine(
    signed: dict[str, Any], where: tuple[str, str, str]
) -> None:
    place, term, value = where
    forged = copy.deepcopy(signed)
    node = {
        "top": forged,
        "subject": forged["credentialSubject"],
        "achievement": forged["credentialSubject"]["achievement"],
    }[place]
    node[term] = value
    report = _verify(forged)
    proof = _proof(report)
    assert proof.status == CheckStatus.FAIL
    assert term in proof.detail and "safe mode" in proof.detail
    assert report.status.value != "verified"


def test_undefined_term_on_a_vcdm11_credential_is_not_genuine(issuer: TestKey) -> None:
    forged = _v1(issuer, "Ed25519Signature2020")
    forged["credentialSubject"]["honours"] = "First class"
    proof = _proof(_verify(forged))
    assert proof.status == CheckStatus.FAIL
    assert "'honours'" in proof.detail


def test_undefined_term_in_the_proof_options_is_not_genuine(signed: dict[str, Any]) -> None:
    forged = copy.deepcopy(signed)
    forged["proof"]["note"] = "trust me"
    assert _proof(_verify(forged)).status == CheckStatus.FAIL


def test_relative_type_outside_the_contexts_is_not_genuine(signed: dict[str, Any]) -> None:
    forged = copy.deepcopy(signed)
    forged["credentialSubject"]["type"] = ["AchievementSubject", "LicensedPractitioner"]
    assert _proof(_verify(forged)).status == CheckStatus.FAIL


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["issuer"].update(accreditedBy="Nursing and Midwifery Council"), "accredited"),
        (lambda d: d.update(**{"@foo": "bar"}), "@foo"),
    ],
)
def test_safe_mode_names_what_the_rdf_would_lose(change: Any, named: str, issuer: TestKey) -> None:
    from ats_match.verification.canon import UnsafeDocument, expand_safely
    from ats_match.verification.jsonld import DEFAULT_LOADER

    doc = ob3_credential(issuer.did_key(), subject_id=LEARNER)
    expand_safely(doc, DEFAULT_LOADER)
    change(doc)
    with pytest.raises(UnsafeDocument, match=named):
        expand_safely(doc, DEFAULT_LOADER)


def test_signed_with_a_dropped_term_is_not_genuine(issuer: TestKey) -> None:
    """Even when the issuer itself signed a document with an undefined term (so the signature
    holds over the smaller graph), the JSON says more than was signed: not genuine."""
    doc = ob3_credential(issuer.did_key(), subject_id=LEARNER)
    doc["credentialSubject"]["score"] = "99"
    signed = sign_data_integrity(doc, issuer, issuer.did_key_vm(), unsafe=True)
    proof_check = _proof(_verify(signed))
    assert proof_check.status == CheckStatus.FAIL
    assert "'score'" in proof_check.detail
