"""``eddsa-jcs-2022`` against the W3C vc-di-eddsa test vectors (read in place), step by step,
and end to end on an OB 3.0 credential from a did:key issuer."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import base58
import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric import ed25519

from ats_match.verification import VerificationContext, verify_credential
from ats_match.verification import dataintegrity as di
from ats_match.verification.did import resolve_did_key
from ats_match.verification.report import CheckStatus
from tests.support.signing import TestKey, ob3_credential, sign_data_integrity
from tests.verification.vc.helpers import W3C, OfflineFetcher, form, load

FOLDER = W3C / "eddsa-jcs-2022"
LEARNER = "did:example:learner"


def _text(name: str) -> str:
    return (FOLDER / name).read_text()


def _private_key() -> ed25519.Ed25519PrivateKey:
    raw = base58.b58decode(load(W3C / "keyPair.json")["privateKeyMultibase"][1:])
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw[2:])


@pytest.fixture
def signed() -> dict[str, Any]:
    return load(FOLDER / "signedJCS.json")


def test_every_step_matches_the_w3c_vector(signed: dict[str, Any]) -> None:
    proof = signed["proof"]
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    assert config == load(FOLDER / "proofConfigJCS.json")
    combined, canonical = di.jcs_hash_data(signed, proof)
    assert canonical == _text("canonDocJCS.txt")
    assert hashlib.sha256(canonical.encode()).hexdigest() == _text("docHashJCS.txt").strip()
    proof_canon = rfc8785.dumps(config).decode()
    assert proof_canon == _text("proofCanonJCS.txt")
    assert hashlib.sha256(proof_canon.encode()).hexdigest() == _text("proofHashJCS.txt").strip()
    assert combined.hex() == _text("combinedHashJCS.txt").strip()
    signature = _private_key().sign(combined)
    assert signature.hex() == _text("sigHexJCS.txt").strip()
    assert proof["proofValue"] == _text("sigBTC58JCS.txt").strip()


def test_vector_verifies_and_mutations_do_not(signed: dict[str, Any]) -> None:
    resolved = resolve_did_key(signed["proof"]["verificationMethod"])
    di.verify_proof(signed, signed["proof"], resolved.key)
    mutations = [
        lambda d: d["credentialSubject"].update(alumniOf="Fake University"),
        lambda d: d["credentialSubject"].update(extra="a term no context defines"),
        lambda d: d.update(issuer="https://vc.example/issuers/9999"),
        lambda d: d["proof"].update(created="2030-01-01T00:00:00Z"),
        lambda d: d["proof"].update(proofPurpose="authentication"),
        lambda d: d["proof"].update(**{"@context": ["https://www.w3.org/ns/credentials/v2"]}),
        lambda d: d.update(**{"@context": ["https://www.w3.org/ns/credentials/v2"]}),
        lambda d: d.pop("validFrom"),
    ]
    for mutate in mutations:
        doc = copy.deepcopy(signed)
        mutate(doc)
        with pytest.raises(di.ProofError):
            di.verify_proof(doc, doc["proof"], resolved.key)


def test_key_order_and_whitespace_do_not_matter(signed: dict[str, Any]) -> None:
    """JCS signs the JSON value, not its bytes: a re-serialised copy still verifies."""
    shuffled = json.loads(json.dumps(dict(reversed(list(signed.items()))), indent=4))
    key = resolve_did_key(signed["proof"]["verificationMethod"]).key
    di.verify_proof(shuffled, shuffled["proof"], key)


def test_another_key_does_not_verify(signed: dict[str, Any]) -> None:
    with pytest.raises(di.ProofError, match="does not match"):
        di.verify_proof(signed, signed["proof"], TestKey.generate().private.public_key())


def test_open_badge_signed_with_eddsa_jcs_verifies_end_to_end() -> None:
    key = TestKey.generate()
    doc = ob3_credential(key.did_key(), subject_id=LEARNER)
    signed = sign_data_integrity(doc, key, key.did_key_vm(), cryptosuite="eddsa-jcs-2022")
    context = VerificationContext(fetcher=OfflineFetcher(), proven_dids=(LEARNER,))
    report = verify_credential(form(signed), context)
    proof = next(c for c in report.checks if c.name == "proof")
    assert proof.status == CheckStatus.PASS and "eddsa-jcs-2022" in proof.detail
    assert report.status.value == "verified"
    forged = copy.deepcopy(signed)
    forged["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
    report = verify_credential(form(forged), context)
    assert next(c for c in report.checks if c.name == "proof").status == CheckStatus.FAIL
    assert report.status.value == "failed"


def test_non_jcs_numbers_are_refused() -> None:
    with pytest.raises(di.ProofError, match="JCS"):
        di.jcs_hash_data({"n": float("nan")}, {"cryptosuite": "eddsa-jcs-2022"})
