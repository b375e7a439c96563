"""OB 3.0 credentials from a did:web issuer played by a real TLS loopback server.

Every format (VC-JWT in both forms and three algorithms, eddsa-rdfc-2022, Ed25519Signature2020,
ecdsa-rdfc-2019) must verify when genuine, and each required negative must fail or stay
indeterminate, never verify.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from ats_match.verification.report import CheckStatus, Verdict, VerificationReport
from ats_match.verification.status import STATUS_LISTS
from ats_match.verification.vc import verify_vc
from tests.support.issuer_server import IssuerServer
from tests.support.signing import (
    NOW,
    TestKey,
    bitstring_list_credential,
    forge_hmac_jwt,
    forge_unsigned_jwt,
    ob3_credential,
    sign_data_integrity,
    sign_vc_jwt,
    status_entry,
)
from tests.verification.vc.conftest import EMAIL, LEARNER, Issuer
from tests.verification.vc.helpers import form

JWT_FORMS = [
    ("Ed25519", "vcdm11"),
    ("P-256", "vcdm11"),
    ("RSA", "vcdm11"),
    ("Ed25519", "vcdm2"),
    ("P-256", "vcdm2"),
]
DI_SUITES = [
    ("Ed25519", "eddsa-rdfc-2022"),
    ("Ed25519", "Ed25519Signature2020"),
    ("P-256", "ecdsa-rdfc-2019"),
]


def check(report: VerificationReport, name: str) -> Any:
    return next(c for c in report.checks if c.name == name)


def explain(report: VerificationReport) -> str:
    return "; ".join(f"{c.name}={c.status.value}: {c.detail}" for c in report.checks)


def make(issuer: Issuer, fmt: str, kind: str, **kw: Any) -> str | dict[str, Any]:
    vc = ob3_credential(issuer.did, subject_id=kw.pop("subject_id", LEARNER), email=EMAIL, **kw)
    key = issuer.keys[kind]
    if fmt in ("vcdm11", "vcdm2"):
        return sign_vc_jwt(vc, key, kid=issuer.vm(kind), form=fmt)
    return sign_data_integrity(vc, key, issuer.vm(kind), cryptosuite=fmt)


def run(issuer: Issuer, source: str | dict[str, Any], **kw: Any) -> VerificationReport:
    return verify_vc(form(source), issuer.context(**kw))


ALL = [(fmt, kind) for kind, fmt in JWT_FORMS] + [(fmt, kind) for kind, fmt in DI_SUITES]


@pytest.mark.parametrize(("fmt", "kind"), ALL)
def test_genuine_credential_verifies(issuer: Issuer, fmt: str, kind: str) -> None:
    report = run(issuer, make(issuer, fmt, kind))
    assert report.status == Verdict.VERIFIED, explain(report)
    assert check(report, "proof").status == CheckStatus.PASS


def _tamper_subject(source: str | dict[str, Any]) -> str | dict[str, Any]:
    if isinstance(source, dict):
        doc = copy.deepcopy(source)
        doc["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
        return doc
    import base64
    import json

    head, body, sig = source.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    target = claims.get("vc", claims)
    target["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    new = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{new}.{sig}"


def _tamper_proof(source: str | dict[str, Any]) -> str | dict[str, Any]:
    if isinstance(source, dict):
        doc = copy.deepcopy(source)
        value = doc["proof"]["proofValue"]
        doc["proof"]["proofValue"] = value[:-3] + ("abc" if value[-3:] != "abc" else "xyz")
        return doc
    head, body, sig = source.split(".")
    return f"{head}.{body}.{sig[:-4]}{'AAAA' if sig[-4:] != 'AAAA' else 'BBBB'}"


@pytest.mark.parametrize(("fmt", "kind"), ALL)
@pytest.mark.parametrize("tamper", [_tamper_subject, _tamper_proof])
def test_tampering_fails(issuer: Issuer, fmt: str, kind: str, tamper: Any) -> None:
    report = run(issuer, tamper(make(issuer, fmt, kind)))
    assert report.status == Verdict.FAILED, explain(report)
    assert check(report, "proof").status == CheckStatus.FAIL


@pytest.mark.parametrize(("fmt", "kind"), ALL)
def test_wrong_key_fails(issuer: Issuer, fmt: str, kind: str) -> None:
    """Signed by a stranger's key but naming the issuer's verification method."""
    stranger = TestKey.generate(kind)
    vc = ob3_credential(issuer.did, subject_id=LEARNER)
    if fmt in ("vcdm11", "vcdm2"):
        source: Any = sign_vc_jwt(vc, stranger, kid=issuer.vm(kind), form=fmt)
    else:
        source = sign_data_integrity(vc, stranger, issuer.vm(kind), cryptosuite=fmt)
    report = run(issuer, source)
    assert report.status == Verdict.FAILED, explain(report)


def test_self_issued_did_key_does_not_pass_as_the_issuer(issuer: Issuer) -> None:
    """A forger's own did:key as verification method, the real issuer named as issuer."""
    stranger = TestKey.generate()
    vc = ob3_credential(issuer.did, subject_id=LEARNER)
    doc = sign_data_integrity(vc, stranger, stranger.did_key_vm())
    report = run(issuer, doc)
    assert report.status == Verdict.FAILED
    assert "does not belong to issuer" in check(report, "proof").detail
    token = sign_vc_jwt(vc, stranger, kid=stranger.did_key_vm())
    report = run(issuer, token)
    assert report.status == Verdict.FAILED
    assert "not the issuer" in check(report, "proof").detail


@pytest.mark.parametrize(("fmt", "kind"), ALL)
def test_expired_and_not_yet_valid_fail(issuer: Issuer, fmt: str, kind: str) -> None:
    expired = make(
        issuer, fmt, kind, valid_from=NOW - timedelta(days=400), valid_until=NOW - timedelta(days=2)
    )
    report = run(issuer, expired)
    assert report.status == Verdict.FAILED, explain(report)
    assert check(report, "validity").status == CheckStatus.FAIL
    future = make(issuer, fmt, kind, valid_from=NOW + timedelta(days=5))
    report = run(issuer, future)
    assert report.status == Verdict.FAILED, explain(report)
    assert check(report, "validity").status == CheckStatus.FAIL


def test_alg_none_is_refused(issuer: Issuer) -> None:
    token = forge_unsigned_jwt(ob3_credential(issuer.did, subject_id=LEARNER))
    report = run(issuer, token)
    assert report.status == Verdict.FAILED
    assert "refused" in check(report, "proof").detail
    assert issuer.server.requests == []  # refused before any key was looked up


@pytest.mark.parametrize("secret_kind", ["raw", "pem"])
def test_hs256_keyed_with_the_public_key_is_refused(issuer: Issuer, secret_kind: str) -> None:
    key = issuer.keys["Ed25519"]
    secret = key.public_raw() if secret_kind == "raw" else key.public_pem()
    token = forge_hmac_jwt(
        ob3_credential(issuer.did, subject_id=LEARNER), secret, kid=issuer.vm("Ed25519")
    )
    report = run(issuer, token)
    assert report.status == Verdict.FAILED
    assert "HS256" in check(report, "proof").detail


def test_algorithm_must_match_key_type(issuer: Issuer) -> None:
    """An ES256 token whose kid names the Ed25519 key: algorithm pinned to the key type."""
    vc = ob3_credential(issuer.did, subject_id=LEARNER)
    token = sign_vc_jwt(vc, issuer.keys["P-256"], kid=issuer.vm("Ed25519"))
    report = run(issuer, token)
    assert report.status == Verdict.FAILED
    assert "does not match" in check(report, "proof").detail


def test_jwt_claims_must_agree_with_the_credential(issuer: Issuer) -> None:
    vc = ob3_credential(issuer.did, subject_id=LEARNER)
    token = sign_vc_jwt(
        vc, issuer.keys["Ed25519"], kid=issuer.vm("Ed25519"), claims={"iss": "did:web:evil.example"}
    )
    report = run(issuer, token)
    assert report.status == Verdict.FAILED
    assert check(report, "jwt_claims").status == CheckStatus.FAIL


def test_embedded_jwk_only_when_the_issuer_publishes_it(issuer: Issuer) -> None:
    vc = ob3_credential(issuer.did, subject_id=LEARNER)
    good = sign_vc_jwt(vc, issuer.keys["Ed25519"], embed_jwk=True)
    assert run(issuer, good).status == Verdict.VERIFIED
    stranger = TestKey.generate()
    bad = sign_vc_jwt(vc, stranger, embed_jwk=True)
    report = run(issuer, bad)
    assert report.status == Verdict.FAILED, explain(report)


def test_jwks_key_of_an_https_issuer() -> None:
    with IssuerServer(tls=True) as server:
        key = TestKey.generate("P-256")
        issuer_url = server.url("/jwks.json")
        server.serve("/jwks.json", {"keys": [key.public_jwk(kid="k1")]})
        vc = ob3_credential(issuer_url, subject_id=LEARNER)
        token = sign_vc_jwt(vc, key, kid=issuer_url + "#k1")
        found = Issuer(server, issuer_url)
        report = run(found, token)
        assert report.status == Verdict.VERIFIED, explain(report)


def test_wrong_recipient_fails(issuer: Issuer) -> None:
    source = make(issuer, "eddsa-rdfc-2022", "Ed25519")
    report = run(
        issuer,
        source,
        applicant_dids=("did:example:someone-else",),
        proven_dids=(),
        applicant_emails=("other@example.org",),
    )
    assert report.status == Verdict.FAILED, explain(report)
    assert check(report, "recipient").status == CheckStatus.FAIL


def test_unknown_context_fails(issuer: Issuer) -> None:
    vc = ob3_credential(issuer.did, subject_id=LEARNER)
    vc["@context"].append("https://evil.example/context.json")
    token = sign_vc_jwt(vc, issuer.keys["Ed25519"], kid=issuer.vm("Ed25519"))
    report = run(issuer, token)
    assert report.authenticity.status == "unknown"
    assert report.status == Verdict.INDETERMINATE
    assert "https://evil.example/context.json" in check(report, "context").detail
    doc = copy.deepcopy(vc)
    doc["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": issuer.vm(),
        "proofPurpose": "assertionMethod",
        "proofValue": "z1111",
    }
    report = run(issuer, doc)
    assert (report.status, report.authenticity.status) == (Verdict.INDETERMINATE, "unknown")
    assert not report.retryable
    assert "not in the pinned local set" in check(report, "proof").detail


@pytest.mark.parametrize(("fmt", "kind"), [("vcdm11", "Ed25519"), ("eddsa-rdfc-2022", "Ed25519")])
def test_issuer_down_is_indeterminate(issuer: Issuer, fmt: str, kind: str) -> None:
    source = make(issuer, fmt, kind)
    issuer.server.down()
    report = run(issuer, source)
    assert report.status == Verdict.INDETERMINATE, explain(report)
    assert report.retryable
    assert check(report, "proof").status == CheckStatus.INDETERMINATE


def test_key_missing_from_did_document_fails(issuer: Issuer) -> None:
    source = make(issuer, "eddsa-rdfc-2022", "Ed25519")
    issuer.publish(verificationMethod=[], assertionMethod=[])
    report = run(issuer, source)
    assert report.status == Verdict.FAILED, explain(report)


def test_key_not_authorised_for_assertions_fails(issuer: Issuer) -> None:
    source = make(issuer, "eddsa-rdfc-2022", "Ed25519")
    issuer.publish(assertionMethod=[], authentication=[issuer.vm("Ed25519")])
    report = run(issuer, source)
    assert report.status == Verdict.FAILED, explain(report)


def test_wrong_proof_purpose_fails(issuer: Issuer) -> None:
    vc = ob3_credential(issuer.did, subject_id=LEARNER)
    doc = sign_data_integrity(vc, issuer.keys["Ed25519"], issuer.vm(), purpose="authentication")
    report = run(issuer, doc)
    assert report.status == Verdict.FAILED
    assert "assertionMethod" in check(report, "proof").detail


def test_expiry_hidden_under_an_absolute_iri_fails(issuer: Issuer) -> None:
    """Moving validUntil to its absolute IRI keeps the signature valid but hides it from a
    JSON-level expiry check: refused."""
    vc = ob3_credential(issuer.did, subject_id=LEARNER, valid_until=NOW - timedelta(days=1))
    doc = sign_data_integrity(vc, issuer.keys["Ed25519"], issuer.vm())
    doc["https://www.w3.org/2018/credentials#validUntil"] = {
        "@value": doc.pop("validUntil"),
        "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
    }
    report = run(issuer, doc)
    assert report.status == Verdict.FAILED, explain(report)
    assert "validUntil" in check(report, "proof").detail


# -- status lists ---------------------------------------------------------------------------


def _status_setup(
    issuer: Issuer,
    purpose: str,
    index: int,
    marked: list[int],
    *,
    kind: str = "Bitstring",
    jwt_list: bool = False,
) -> dict[str, Any]:
    url = issuer.server.url(f"/status/{purpose}")
    listvc = bitstring_list_credential(url, issuer.did, purpose, marked, kind=kind)
    if jwt_list:
        body: Any = sign_vc_jwt(listvc, issuer.keys["Ed25519"], kid=issuer.vm(), form="vcdm2")
        issuer.server.serve(f"/status/{purpose}", body, content_type="application/vc+jwt")
    else:
        issuer.server.serve(
            f"/status/{purpose}", sign_data_integrity(listvc, issuer.keys["Ed25519"], issuer.vm())
        )
    entry_type = "BitstringStatusListEntry" if kind == "Bitstring" else "StatusList2021Entry"
    return status_entry(url, index, purpose, kind=entry_type)


@pytest.mark.parametrize("jwt_list", [False, True])
@pytest.mark.parametrize("kind", ["Bitstring", "StatusList2021"])
@pytest.mark.parametrize("purpose", ["revocation", "suspension"])
def test_status_list_marks_credential(
    issuer: Issuer, purpose: str, kind: str, jwt_list: bool
) -> None:
    entry = _status_setup(issuer, purpose, 42, [7, 42], kind=kind, jwt_list=jwt_list)
    marked = make(issuer, "vcdm11", "Ed25519", status=entry)
    report = run(issuer, marked)
    assert report.status == Verdict.FAILED, explain(report)
    assert ("revoked" if purpose == "revocation" else "suspended") in check(report, "status").detail
    clear_entry = dict(entry, statusListIndex="43")
    report = run(issuer, make(issuer, "eddsa-rdfc-2022", "Ed25519", status=clear_entry))
    assert report.status == Verdict.VERIFIED, explain(report)


def test_status_list_host_down_is_indeterminate(issuer: Issuer) -> None:
    """The issuer's key is cached (warm), then the status-list host stops answering."""
    entry = _status_setup(issuer, "revocation", 3, [])
    source = make(issuer, "vcdm11", "Ed25519", status=entry)
    ctx = issuer.context()
    assert verify_vc(form(source), ctx).status == Verdict.VERIFIED
    issuer.server.down()
    STATUS_LISTS.clear()
    ctx.fetcher.cache.clear()  # the fetcher's own HTTP cache, too
    report = verify_vc(form(source), ctx)
    assert report.status == Verdict.INDETERMINATE, explain(report)
    assert check(report, "status").status == CheckStatus.INDETERMINATE
    assert check(report, "proof").status == CheckStatus.PASS


def test_status_list_from_another_issuer_is_not_trusted(issuer: Issuer) -> None:
    other = TestKey.generate()
    url = issuer.server.url("/status/forged")
    listvc = bitstring_list_credential(url, other.did_key(), "revocation", [])
    issuer.server.serve("/status/forged", sign_data_integrity(listvc, other, other.did_key_vm()))
    report = run(issuer, make(issuer, "vcdm11", "Ed25519", status=status_entry(url, 1)))
    assert report.status == Verdict.INDETERMINATE, explain(report)


def test_tampered_status_list_is_not_trusted(issuer: Issuer) -> None:
    url = issuer.server.url("/status/t")
    listvc = bitstring_list_credential(url, issuer.did, "revocation", [5])
    signed = sign_data_integrity(listvc, issuer.keys["Ed25519"], issuer.vm())
    signed["credentialSubject"]["encodedList"] = bitstring_list_credential(
        url, issuer.did, "revocation", []
    )["credentialSubject"]["encodedList"]
    issuer.server.serve("/status/t", signed)
    report = run(issuer, make(issuer, "vcdm11", "Ed25519", status=status_entry(url, 5)))
    assert report.status == Verdict.INDETERMINATE, explain(report)


def test_1edtech_revocation_list(issuer: Issuer) -> None:
    url = issuer.server.serve(
        "/revocations",
        {
            "id": issuer.server.url("/revocations"),
            "issuer": issuer.did,
            "revokedCredentials": [{"id": "urn:uuid:revoked-1", "revocationReason": "fraud"}],
        },
    )
    entry = {"id": url, "type": "1EdTechRevocationList"}
    revoked = make(issuer, "vcdm11", "Ed25519", status=entry, cred_id="urn:uuid:revoked-1")
    assert run(issuer, revoked).status == Verdict.FAILED
    fine = make(issuer, "vcdm11", "Ed25519", status=entry, cred_id="urn:uuid:fine-1")
    assert run(issuer, fine).status == Verdict.VERIFIED


def test_vcdm11_issuer_and_id_taken_from_iss_and_jti(issuer: Issuer) -> None:
    vc = ob3_credential(issuer.did, subject_id=LEARNER)
    claims = {"iss": issuer.did, "jti": vc["id"]}
    bare = {k: v for k, v in vc.items() if k not in ("issuer", "id")}
    token = sign_vc_jwt(
        {**bare, "issuer": issuer.did},
        issuer.keys["Ed25519"],
        kid=issuer.vm(),
        claims={**claims, "vc": bare},
    )
    report = run(issuer, token)
    assert report.status == Verdict.VERIFIED, explain(report)


def test_foreign_kid_is_refused_before_any_fetch(issuer: Issuer) -> None:
    with IssuerServer(tls=True) as elsewhere:
        from tests.support.signing import did_document, did_web

        stranger = TestKey.generate()
        foreign = did_web(elsewhere.host)
        elsewhere.serve("/.well-known/did.json", did_document(foreign, {"k": stranger}))
        token = sign_vc_jwt(
            ob3_credential(issuer.did, subject_id=LEARNER), stranger, kid=f"{foreign}#k"
        )
        report = run(issuer, token)
        assert report.status == Verdict.FAILED
        assert "not the issuer" in check(report, "proof").detail
        assert elsewhere.requests == []


def _vc11(issuer: Issuer, **dates: str) -> dict[str, Any]:
    vc = ob3_credential(issuer.did, subject_id=LEARNER)
    vc["@context"] = [
        "https://www.w3.org/2018/credentials/v1",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    ]
    vc.pop("validFrom")
    vc.update(dates)
    return vc


@pytest.mark.parametrize("fmt", ["vcdm11", "Ed25519Signature2020"])
def test_vcdm11_credentials_with_issuance_and_expiration_dates(issuer: Issuer, fmt: str) -> None:
    def sign(vc: dict[str, Any]) -> Any:
        if fmt == "vcdm11":
            return sign_vc_jwt(vc, issuer.keys["Ed25519"], kid=issuer.vm())
        return sign_data_integrity(vc, issuer.keys["Ed25519"], issuer.vm(), cryptosuite=fmt)

    good = _vc11(issuer, issuanceDate="2024-01-01T00:00:00Z", expirationDate="2099-01-01T00:00:00Z")
    report = run(issuer, sign(good))
    assert report.status == Verdict.VERIFIED, explain(report)
    expired = _vc11(
        issuer, issuanceDate="2020-01-01T00:00:00Z", expirationDate="2021-01-01T00:00:00Z"
    )
    report = run(issuer, sign(expired))
    assert report.status == Verdict.FAILED
    assert "Expired" in check(report, "validity").detail
    future = _vc11(issuer, issuanceDate="2099-01-01T00:00:00Z")
    assert run(issuer, sign(future)).status == Verdict.FAILED


def test_endorsements_are_verified_but_do_not_decide(issuer: Issuer) -> None:
    endorser = TestKey.generate()
    endorsement = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:9a7f3c1e-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "EndorsementCredential"],
        "issuer": {"id": endorser.did_key(), "type": ["Profile"], "name": "Endorser"},
        "validFrom": "2024-01-01T00:00:00Z",
        "name": "Endorsement",
        "credentialSubject": {
            "id": issuer.did,
            "type": ["EndorsementSubject"],
            "endorsementComment": "Good issuer",
        },
    }
    good = sign_data_integrity(endorsement, endorser, endorser.did_key_vm())
    forged = copy.deepcopy(good)
    forged["credentialSubject"]["endorsementComment"] = "Best issuer"
    vc = ob3_credential(issuer.did, subject_id=LEARNER)
    vc["credentialSubject"]["achievement"]["endorsement"] = [good, forged]
    report = run(issuer, sign_data_integrity(vc, issuer.keys["Ed25519"], issuer.vm()))
    assert report.status == Verdict.VERIFIED, explain(report)
    assert check(report, "endorsement[0]").status == CheckStatus.PASS
    assert check(report, "endorsement[1]").status == CheckStatus.WARN


@pytest.mark.parametrize(
    "mutate",
    [
        lambda e: e.update(statusSize="abc"),
        lambda e: e.update(statusPurpose=""),
        lambda e: e.update(statusListIndex=[1]),
        lambda e: e.update(statusListCredential=None),
    ],
)
def test_malformed_status_entries_fail_cleanly(issuer: Issuer, mutate: Any) -> None:
    entry = _status_setup(issuer, "revocation", 1, [])
    mutate(entry)
    report = run(issuer, make(issuer, "vcdm11", "Ed25519", status=entry))
    assert report.status == Verdict.INDETERMINATE, explain(report)
    assert check(report, "status").status == CheckStatus.FAIL
    assert (report.authenticity.status, report.validity.status) == ("genuine", "unknown")
    assert not report.retryable  # the issuer signed a broken entry: trying again cannot help


@pytest.mark.parametrize(
    "token",
    [
        "a.b.c",
        "....",
        "eyJhbGciOiJFZERTQSJ9." + "W" * 40 + ".sig",
        "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.",
        "x" * 10,
    ],
)
def test_garbage_tokens_fail_without_crashing(issuer: Issuer, token: str) -> None:
    from ats_match.formats.model import CredentialForm, Envelope, Spec

    cred = CredentialForm(spec=Spec.OB3, envelope=Envelope.JWT, compact=token)
    assert verify_vc(cred, issuer.context()).status == Verdict.FAILED


def test_deeply_nested_payload_does_not_crash(issuer: Issuer) -> None:
    import base64

    deep = "[" * 100000 + "]" * 100000
    body = base64.urlsafe_b64encode(deep.encode()).rstrip(b"=").decode()
    token = "eyJhbGciOiJFZERTQSJ9." + body + ".c2ln"
    from ats_match.formats.model import CredentialForm, Envelope, Spec

    cred = CredentialForm(spec=Spec.OB3, envelope=Envelope.JWT, compact=token)
    assert verify_vc(cred, issuer.context()).status != Verdict.VERIFIED


def test_recipient_added_outside_the_signed_data_fails(issuer: Issuer) -> None:
    """Under the VC 1.1 context alone, ``identifier`` is a term no context defines, so it is
    not signed: an identity smuggled in that way must not bind the credential to the
    applicant (without the coverage check this verified)."""
    vc = ob3_credential(issuer.did, subject_id="did:example:original-earner")
    vc["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    vc["issuanceDate"] = vc.pop("validFrom")
    doc = sign_data_integrity(
        vc, issuer.keys["Ed25519"], issuer.vm(), cryptosuite="Ed25519Signature2020", unsafe=True
    )
    assert run(issuer, doc).status == Verdict.FAILED  # its OB terms were never signed
    doc["credentialSubject"]["identifier"] = [
        {"type": "IdentityObject", "hashed": False, "identityType": "did", "identityHash": LEARNER}
    ]
    report = run(issuer, doc)
    assert report.status == Verdict.FAILED, explain(report)
    assert "does not name the OB3 context" in check(report, "context").detail
    # Second line of defence, with the OB-context rule out of the way: the identity is not in
    # the signed N-Quads, so the proof is refused.
    from ats_match.verification.vc import evaluate

    result = evaluate(doc, issuer.context(), expected=("OpenBadgeCredential",))
    proof = next(c for c in result.checks if c.name == "proof")
    assert proof.status == CheckStatus.FAIL
    assert "identifier" in proof.detail and "safe mode" in proof.detail


def _add_unknown_context(
    source: str | dict[str, Any], issuer: Issuer, fmt: str, kind: str
) -> str | dict[str, Any]:
    if isinstance(source, dict):
        doc = copy.deepcopy(source)
        doc["@context"].append("https://evil.example/context.json")
        return doc
    vc = ob3_credential(issuer.did, subject_id=LEARNER)
    vc["@context"].append("https://evil.example/context.json")
    return sign_vc_jwt(vc, issuer.keys[kind], kid=issuer.vm(kind), form=fmt)


@pytest.mark.parametrize(("fmt", "kind"), ALL)
@pytest.mark.parametrize(
    "case", ["revoked", "suspended", "wrong_recipient", "unknown_context", "issuer_down"]
)
def test_required_negatives_for_every_format(
    issuer: Issuer, fmt: str, kind: str, case: str
) -> None:
    expected = (
        Verdict.INDETERMINATE if case in ("issuer_down", "unknown_context") else Verdict.FAILED
    )
    kw: dict[str, Any] = {}
    if case in ("revoked", "suspended"):
        purpose = "revocation" if case == "revoked" else "suspension"
        kw["status"] = _status_setup(issuer, purpose, 5, [5])
    source = make(issuer, fmt, kind, **kw)
    context_kw: dict[str, Any] = {}
    if case == "wrong_recipient":
        context_kw = {
            "applicant_dids": ("did:example:other",),
            "proven_dids": (),
            "applicant_emails": ("other@example.org",),
        }
    if case == "unknown_context":
        source = _add_unknown_context(source, issuer, fmt, kind)
    if case == "issuer_down":
        issuer.server.down()
    report = run(issuer, source, **context_kw)
    assert report.status == expected, explain(report)
    failing = {
        "revoked": "status",
        "suspended": "status",
        "wrong_recipient": "recipient",
        "unknown_context": "context",
        "issuer_down": "proof",
    }[case]
    assert check(report, failing).status != CheckStatus.PASS
