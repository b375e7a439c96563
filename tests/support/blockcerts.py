"""A Blockcerts issuer played by the tests: it hashes a batch of certificates, builds their
Merkle tree, writes each one's receipt, and produces the anchoring transaction (as an Esplora
chain service would show it) and its issuer profile.

The target hashes are computed with pyld's own ``normalize`` (URDNA2015), not with the
product's canonicaliser, so a fixture does not merely agree with the code it tests.
"""

from __future__ import annotations

import copy
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from pyld import jsonld

from ats_match.verification.jsonld import DEFAULT_LOADER
from ats_match.verification.merkle import Anchor, MerkleReceipt, build_tree, encode_proof_value

V3_CONTEXT = ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/blockcerts/v3"]
V2_CONTEXT = ["https://w3id.org/openbadges/v2", "https://w3id.org/blockcerts/v2"]
ISSUER_ADDRESS = "mgCNaPM3TFhh8Yn6X6VcEM9jWY9CM9s6yT"
OTHER_ADDRESS = "n2eMqTT929pb1RDNuqEnxdaLau1rxy3efi"
BLOCK_TIME = 1_736_500_000  # 2025-01-10T09:06:40Z


def target_hash(document: dict[str, Any]) -> str:
    nquads = jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": DEFAULT_LOADER,
        },
    )
    return hashlib.sha256(nquads.encode()).hexdigest()


def v3_certificate(issuer: str, name: str, *, subject: str, email: str) -> dict[str, Any]:
    return {
        "@context": list(V3_CONTEXT),
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "BlockcertsCredential"],
        "issuer": issuer,
        "issuanceDate": "2025-01-10T09:00:00Z",
        "credentialSubject": {
            "id": subject,
            "name": "Ada Lovelace",
            "email": email,
            "claim": {"name": name, "description": f"Completed the {name} programme."},
        },
    }


def v2_certificate(issuer: str, name: str, *, email: str) -> dict[str, Any]:
    salt = "s4lt"
    identity = "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()
    return {
        "@context": list(V2_CONTEXT),
        "type": "Assertion",
        "id": f"urn:uuid:{uuid.uuid4()}",
        "recipient": {"type": "email", "identity": identity, "hashed": True, "salt": salt},
        "issuedOn": "2025-01-10T09:00:00Z",
        "badge": {
            "type": "BadgeClass",
            "id": f"urn:uuid:{uuid.uuid4()}",
            "name": name,
            "description": f"Completed the {name} programme.",
            "criteria": {"narrative": "Passed every module."},
            "issuer": {"id": issuer, "type": "Profile", "name": "Loopback Academy"},
        },
        "verification": {"type": ["MerkleProofVerification2017", "Extension"]},
    }


@dataclass
class Batch:
    certificates: list[dict[str, Any]]
    root: str
    txid: str


def anchor_v3(documents: list[dict[str, Any]], issuer: str, *, txid: str | None = None) -> Batch:
    """Each document with its MerkleProof2019 proof, all anchored by one transaction."""
    txid = txid or uuid.uuid4().hex * 2
    hashes = [target_hash(doc) for doc in documents]
    root, paths = build_tree(hashes)
    signed = []
    for doc, leaf, path in zip(documents, hashes, paths, strict=True):
        receipt = MerkleReceipt(leaf, root, path, (Anchor("btc", "testnet", txid),))
        proof = {
            "type": "MerkleProof2019",
            "created": "2025-01-10T09:05:00Z",
            "proofValue": encode_proof_value(receipt),
            "proofPurpose": "assertionMethod",
            "verificationMethod": f"{issuer}#key-1",
        }
        signed.append({**copy.deepcopy(doc), "proof": proof})
    return Batch(signed, root, txid)


def anchor_v2(documents: list[dict[str, Any]], *, txid: str | None = None) -> Batch:
    """Each assertion with its MerkleProof2017 ``signature``."""
    txid = txid or uuid.uuid4().hex * 2
    hashes = [target_hash(doc) for doc in documents]
    root, paths = build_tree(hashes)
    signed = []
    for doc, leaf, path in zip(documents, hashes, paths, strict=True):
        signature = {
            "type": ["MerkleProof2017", "Extension"],
            "targetHash": leaf,
            "merkleRoot": root,
            "proof": [{side: sibling} for side, sibling in path],
            "anchors": [{"sourceId": txid, "type": "BTCOpReturn", "chain": "bitcoinTestnet"}],
        }
        signed.append({**copy.deepcopy(doc), "signature": signature})
    return Batch(signed, root, txid)


def esplora_transaction(
    txid: str, root: str, *, sender: str = ISSUER_ADDRESS, confirmed: bool = True
) -> dict[str, Any]:
    """The transaction as Esplora's ``GET /tx/{txid}`` shows it."""
    return {
        "txid": txid,
        "vin": [{"prevout": {"scriptpubkey_address": sender, "value": 10_000}}],
        "vout": [
            {"scriptpubkey": "0014" + "00" * 20, "scriptpubkey_type": "v0_p2wpkh", "value": 9000},
            {"scriptpubkey": "6a20" + root, "scriptpubkey_type": "op_return", "value": 0},
        ],
        "status": {"confirmed": confirmed, "block_time": BLOCK_TIME if confirmed else None},
    }


def issuer_profile(
    issuer: str,
    *,
    created: str = "2024-01-01T00:00:00Z",
    expires: str | None = None,
    revoked: str | None = None,
    revocation_list: str | None = None,
) -> dict[str, Any]:
    key: dict[str, Any] = {"id": f"ecdsa-koblitz-pubkey:{ISSUER_ADDRESS}", "created": created}
    if expires:
        key["expires"] = expires
    if revoked:
        key["revoked"] = revoked
    profile: dict[str, Any] = {
        "@context": list(V3_CONTEXT),
        "id": issuer,
        "type": "BlockcertsIssuerProfile",
        "name": "Loopback Academy",
        "publicKey": [key],
    }
    if revocation_list:
        profile["revocationList"] = revocation_list
    return profile
