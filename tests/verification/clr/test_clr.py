"""CLR 2.0 bundles: the bundle's proof and every nested credential decide the verdict."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from ats_match.formats.model import Spec
from ats_match.verification import verify_credential
from ats_match.verification.did import clear_caches
from ats_match.verification.report import CheckStatus, Verdict, VerificationReport
from ats_match.verification.status import STATUS_LISTS
from tests.support.issuer_server import IssuerServer
from tests.support.signing import (
    TestKey,
    bitstring_list_credential,
    did_document,
    did_web,
    ob3_credential,
    sign_data_integrity,
    sign_vc_jwt,
    status_entry,
)
from tests.verification.vc.helpers import (
    CLR20,
    OfflineFetcher,
    context,
    form,
    load,
    loopback_fetcher,
)

LEARNER = "did:example:learner"
CLR_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


@pytest.fixture(scope="module")
def key() -> TestKey:
    return TestKey.generate()


@pytest.fixture(scope="module")
def server() -> Iterator[IssuerServer]:
    with IssuerServer(tls=True) as found:
        yield found


@pytest.fixture
def issuer(server: IssuerServer, key: TestKey) -> str:
    clear_caches()
    STATUS_LISTS.clear()
    server.up()
    server.routes.clear()
    did = did_web(server.host)
    server.serve("/.well-known/did.json", did_document(did, {"k": key}))
    return did


def nested(issuer: str, key: TestKey, n: int, **kw: Any) -> dict[str, Any]:
    vc = ob3_credential(
        issuer,
        subject_id=kw.pop("subject_id", LEARNER),
        cred_id=f"urn:uuid:00000000-0000-4000-8000-00000000000{n}",
        name=f"Course {n}",
        **kw,
    )
    return sign_data_integrity(vc, key, f"{issuer}#k")


def bundle(issuer: str, items: list[Any]) -> dict[str, Any]:
    return {
        "@context": list(CLR_CONTEXT),
        "id": "urn:uuid:7f7e2a5c-1111-4a4a-9b9b-000000000001",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {"id": LEARNER, "type": ["ClrSubject"], "verifiableCredential": items},
    }


def verify(server: IssuerServer, source: Any) -> VerificationReport:
    ctx = context(loopback_fetcher(server.ca_path), proven_dids=(LEARNER,))
    return verify_credential(form(source, Spec.CLR2), ctx)


def explain(report: VerificationReport) -> str:
    return "; ".join(f"{c.name}={c.status.value}: {c.detail}" for c in report.checks)


def test_genuine_bundle_verifies(server: IssuerServer, issuer: str, key: TestKey) -> None:
    doc = sign_data_integrity(
        bundle(issuer, [nested(issuer, key, 1), nested(issuer, key, 2)]), key, f"{issuer}#k"
    )
    report = verify(server, doc)
    assert report.status == Verdict.VERIFIED, explain(report)
    assert [c.name for c in report.checks if c.name.startswith("nested")] == [
        "nested[0]",
        "nested[1]",
    ]


def test_jwt_bundle_with_json_and_jwt_nested(
    server: IssuerServer, issuer: str, key: TestKey
) -> None:
    inner_jwt = sign_vc_jwt(ob3_credential(issuer, subject_id=LEARNER), key, kid=f"{issuer}#k")
    token = sign_vc_jwt(bundle(issuer, [nested(issuer, key, 1), inner_jwt]), key, kid=f"{issuer}#k")
    report = verify(server, token)
    assert report.status == Verdict.VERIFIED, explain(report)


def test_tampered_bundle_fails(server: IssuerServer, issuer: str, key: TestKey) -> None:
    doc = sign_data_integrity(bundle(issuer, [nested(issuer, key, 1)]), key, f"{issuer}#k")
    doc["credentialSubject"]["verifiableCredential"][0]["name"] = "Course 99"
    report = verify(server, doc)
    assert report.status == Verdict.FAILED
    assert next(c for c in report.checks if c.name == "proof").status == CheckStatus.FAIL


def test_forged_nested_credential_fails_a_genuinely_signed_bundle(
    server: IssuerServer, issuer: str, key: TestKey
) -> None:
    forged = nested(issuer, key, 2)
    forged["credentialSubject"]["achievement"]["name"] = "Rocket Science"  # before bundling
    doc = sign_data_integrity(bundle(issuer, [nested(issuer, key, 1), forged]), key, f"{issuer}#k")
    report = verify(server, doc)
    assert report.status == Verdict.FAILED, explain(report)
    checks = {c.name: c.status for c in report.checks}
    assert checks["proof"] == CheckStatus.PASS
    assert checks["nested[0]"] == CheckStatus.PASS
    assert checks["nested[1]"] == CheckStatus.FAIL


def test_nested_revoked_fails(server: IssuerServer, issuer: str, key: TestKey) -> None:
    url = server.url("/status/1")
    listvc = bitstring_list_credential(url, issuer, "revocation", [9])
    server.serve("/status/1", sign_data_integrity(listvc, key, f"{issuer}#k"))
    revoked = nested(issuer, key, 1, status=status_entry(url, 9))
    doc = sign_data_integrity(bundle(issuer, [revoked]), key, f"{issuer}#k")
    report = verify(server, doc)
    assert report.status == Verdict.FAILED, explain(report)
    assert "revoked" in next(c for c in report.checks if c.name == "nested[0]").detail


def test_nested_from_unreachable_issuer_is_indeterminate(
    server: IssuerServer, issuer: str, key: TestKey
) -> None:
    with IssuerServer(tls=True) as other:
        other_key = TestKey.generate()
        other_did = did_web(other.host)
        remote = sign_data_integrity(
            ob3_credential(other_did, subject_id=LEARNER), other_key, f"{other_did}#k"
        )
    # `other` is gone now: its issuer cannot be reached.
    doc = sign_data_integrity(bundle(issuer, [nested(issuer, key, 1), remote]), key, f"{issuer}#k")
    report = verify(server, doc)
    assert report.status == Verdict.INDETERMINATE, explain(report)


def test_nested_about_someone_else_fails(server: IssuerServer, issuer: str, key: TestKey) -> None:
    doc = sign_data_integrity(
        bundle(issuer, [nested(issuer, key, 1, subject_id="did:example:someone-else")]),
        key,
        f"{issuer}#k",
    )
    report = verify(server, doc)
    assert report.status == Verdict.FAILED, explain(report)


def test_issuer_down_is_indeterminate(server: IssuerServer, issuer: str, key: TestKey) -> None:
    doc = sign_data_integrity(bundle(issuer, [nested(issuer, key, 1)]), key, f"{issuer}#k")
    server.down()
    report = verify(server, doc)
    assert report.status == Verdict.INDETERMINATE, explain(report)


@pytest.mark.parametrize("name", sorted(p.name for p in CLR20.iterdir()) if CLR20.exists() else [])
def test_conformance_bundles_never_verify_offline(name: str) -> None:
    path = CLR20 / name
    source = path.read_text().strip() if name.endswith(".jwt") else load(path)
    report = verify_credential(
        form(source, Spec.CLR2), context(OfflineFetcher(), proven_dids=(LEARNER,))
    )
    assert report.status != Verdict.VERIFIED
    if name == "simple-noproof.json":
        assert report.status == Verdict.FAILED


def test_conformance_simple_bundle_signature_is_genuine() -> None:
    """CLR20Tests: simple.json is valid. Its keys are at unreachable https issuers, so check
    the bundle's and the nested credential's signatures with the keys their methods name."""
    from ats_match.verification import dataintegrity as di
    from ats_match.verification.did import decode_multikey

    doc = load(CLR20 / "simple.json")
    for item in [doc, *doc["credentialSubject"]["verifiableCredential"]]:
        proof = item["proof"][0] if isinstance(item["proof"], list) else item["proof"]
        di.verify_proof(item, proof, decode_multikey(proof["verificationMethod"].split("#")[1]))
    tampered = copy.deepcopy(doc)
    tampered["credentialSubject"]["verifiableCredential"][0]["name"] = "x"
    proof = tampered["proof"][0] if isinstance(tampered["proof"], list) else tampered["proof"]
    with pytest.raises(di.ProofError):
        di.verify_proof(tampered, proof, decode_multikey(proof["verificationMethod"].split("#")[1]))
