"""Data Integrity against the W3C vc-di-eddsa test vectors, step by step, plus ecdsa-rdfc-2019.

Each stage (canonical document, its hash, canonical proof configuration, its hash, combined
hash, signature) is compared with the published intermediate value, so a mismatch points at
the step that broke.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from ats_match.verification import dataintegrity as di
from ats_match.verification.did import decode_multikey, resolve_did_key
from ats_match.verification.jsonld import PinnedLoader
from tests.support.signing import TestKey, ob3_credential, sign_data_integrity
from tests.verification.vc.helpers import OB30, W3C, load

# The W3C examples context is a one-line @vocab context; it is only needed for the vectors
# and is injected here, never pinned in the product.
EXAMPLES = {
    "https://www.w3.org/ns/credentials/examples/v2": {
        "@context": {"@vocab": "https://www.w3.org/ns/credentials/examples#"}
    }
}
LOADER = PinnedLoader(EXAMPLES)

VECTORS = {
    "eddsa-rdfc-2022": ("DataInt", "signedDataInt.json"),
    "Ed25519Signature2020": ("EdSig", "signedEdSig.json"),
}


def _text(path: Any) -> str:
    return path.read_text()


def _private_key() -> ed25519.Ed25519PrivateKey:
    raw = base58.b58decode(load(W3C / "keyPair.json")["privateKeyMultibase"][1:])
    assert raw[:2] == b"\x80\x26"  # multicodec ed25519-priv
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw[2:])


@pytest.mark.parametrize("suite", VECTORS)
def test_every_step_matches_the_w3c_vector(suite: str) -> None:
    tag, signed_name = VECTORS[suite]
    folder = W3C / suite
    signed = load(folder / signed_name)
    proof = signed["proof"]
    canon_doc = di.canonicalize(di.unsecured(signed), LOADER)
    assert canon_doc == _text(folder / f"canonDoc{tag}.txt")
    doc_hash = hashlib.sha256(canon_doc.encode()).hexdigest()
    assert doc_hash == _text(folder / f"docHash{tag}.txt").strip()
    canon_proof = di.canonicalize(di.proof_config(signed, proof), LOADER)
    assert canon_proof == _text(folder / f"proofCanon{tag}.txt")
    proof_hash = hashlib.sha256(canon_proof.encode()).hexdigest()
    assert proof_hash == _text(folder / f"proofHash{tag}.txt").strip()
    combined, _ = di.hash_data(signed, proof, LOADER)
    assert combined.hex() == _text(folder / f"combinedHash{tag}.txt").strip()
    signature = _private_key().sign(combined)
    assert signature.hex() == _text(folder / f"sigHex{tag}.txt").strip()
    assert (
        "z" + base58.b58encode(signature).decode() == _text(folder / f"sigBTC58{tag}.txt").strip()
    )
    assert proof["proofValue"] == _text(folder / f"sigBTC58{tag}.txt").strip()


@pytest.mark.parametrize("suite", VECTORS)
def test_vector_verifies_and_mutations_do_not(suite: str) -> None:
    signed = load(W3C / suite / VECTORS[suite][1])
    resolved = resolve_did_key(signed["proof"]["verificationMethod"])
    assert resolved.controller == "did:key:" + load(W3C / "keyPair.json")["publicKeyMultibase"]
    di.verify_proof(signed, signed["proof"], resolved.key, LOADER)
    mutations = [
        lambda d: d["credentialSubject"].update(alumniOf="Fake University"),
        lambda d: d.update(issuer="https://vc.example/issuers/9999"),
        lambda d: d["proof"].update(created="2030-01-01T00:00:00Z"),
        lambda d: d["proof"].update(proofPurpose="authentication"),
        lambda d: d.update(validFrom="2020-01-01T00:00:00Z"),
    ]
    for mutate in mutations:
        doc = copy.deepcopy(signed)
        mutate(doc)
        with pytest.raises(di.ProofError):
            di.verify_proof(doc, doc["proof"], resolved.key, LOADER)


def test_vector_fails_with_another_key() -> None:
    signed = load(W3C / "eddsa-rdfc-2022" / "signedDataInt.json")
    other = TestKey.generate()
    with pytest.raises(di.ProofError, match="does not match"):
        di.verify_proof(signed, signed["proof"], other.private.public_key(), LOADER)


def test_proof_set_each_proof_verifies() -> None:
    signed = load(W3C / "proof-set-chain" / "signedProofSet2.json")
    proofs = signed["proof"]
    assert len(proofs) == 2
    bare = {k: v for k, v in signed.items() if k != "proof"}
    for proof in proofs:
        key = resolve_did_key(proof["verificationMethod"]).key
        di.verify_proof(bare, proof, key, LOADER)


def test_unknown_context_is_refused_without_network() -> None:
    signed = load(W3C / "eddsa-rdfc-2022" / "signedDataInt.json")
    key = resolve_did_key(signed["proof"]["verificationMethod"]).key
    with pytest.raises(di.ProofError, match="not in the pinned local set"):
        di.verify_proof(signed, signed["proof"], key)  # examples context not injected


def test_ecdsa_rdfc_2019_round_trip_and_tamper() -> None:
    key = TestKey.generate("P-256")
    doc = sign_data_integrity(
        ob3_credential(key.did_key()), key, key.did_key_vm(), cryptosuite="ecdsa-rdfc-2019"
    )
    resolved = resolve_did_key(doc["proof"]["verificationMethod"])
    di.verify_proof(doc, doc["proof"], resolved.key)
    doc["name"] = "Other"
    with pytest.raises(di.ProofError):
        di.verify_proof(doc, doc["proof"], resolved.key)


def test_suite_demands_its_key_type() -> None:
    ed = TestKey.generate()
    doc = sign_data_integrity(ob3_credential(ed.did_key()), ed, ed.did_key_vm())
    p256 = TestKey.generate("P-256")
    with pytest.raises(di.ProofError, match="needs an Ed25519 key"):
        di.verify_proof(doc, doc["proof"], p256.private.public_key())


# 1EdTech OB 3.0 conformance credentials at the Data Integrity layer. Their verification
# methods are https URLs of issuers that are not reachable here (see test_conformance.py for
# the full verdicts); the key is the multibase in the method's fragment, which is what the
# issuer profile would publish.
GOOD = [
    "simple.json",
    "simple-multiple-proofs.json",
    "simple-context-alias.json",
    "simple-context-version.json",
    "simple-did-key-method.json",
    "simple-err-expired.json",
    "bit-string-list/credential-status-revoked.json",
    "endorsement-valid.json",
    "complete.json",
]


def _last_supported(doc: dict[str, Any]) -> dict[str, Any]:
    proofs = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]
    return next(p for p in proofs if di.suite_of(p))


@pytest.mark.parametrize("name", GOOD)
def test_1edtech_signatures_verify(name: str) -> None:
    doc = load(OB30 / name)
    proof = _last_supported(doc)
    key = decode_multikey(proof["verificationMethod"].split("#")[-1].split(":")[-1])
    di.verify_proof(doc, proof, key)


def test_1edtech_bad_proof_value_fails() -> None:
    doc = load(OB30 / "simple-err-proof-value.json")
    proof = doc["proof"] if isinstance(doc["proof"], dict) else doc["proof"][0]
    key = decode_multikey(proof["verificationMethod"].split("#")[-1])
    with pytest.raises(di.ProofError):
        di.verify_proof(doc, proof, key)


def test_poison_graph_is_refused_quickly() -> None:
    """A clique of blank nodes (RDFC 'dataset poisoning') is refused within the work budget
    instead of keeping a worker busy for minutes."""
    import time

    key = TestKey.generate()
    doc = ob3_credential(key.did_key())
    n = 9
    doc["evidence"] = [
        {
            "id": f"_:b{i}",
            "type": ["Evidence"],
            "https://example.org/knows": [{"id": f"_:b{j}"} for j in range(n) if j != i],
        }
        for i in range(n)
    ]
    doc["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "verificationMethod": key.did_key_vm(),
        "proofPurpose": "assertionMethod",
        "proofValue": "z" + "1" * 86,
    }
    start = time.process_time()
    with pytest.raises(di.ProofError, match=r"work units|CPU time"):
        di.verify_proof(doc, doc["proof"], key.private.public_key())
    assert time.process_time() - start < 5
