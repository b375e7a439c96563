"""Data Integrity proofs: ``eddsa-rdfc-2022``, ``eddsa-jcs-2022``, ``Ed25519Signature2020`` and
``ecdsa-rdfc-2019``.

What: canonicalise the document and the proof configuration (RDFC-1.0 via pyld's URDNA2015,
which produces the same output), hash both with SHA-256 and verify the signature over
``hash(proof config) || hash(document)``. ``eddsa-jcs-2022`` canonicalises the JSON itself
with RFC 8785 (the ``rfc8785`` library) instead, so every byte of the JSON is signed and no
JSON-LD processing happens (vc-di-eddsa §3.3).
Why bounded: canonicalisation runs on unauthenticated input and is factorial on "poison"
graphs, so it goes through openbadgeslib's metered URDNA2015 (``_canon_guard``: work units plus
a CPU-time cap); over budget fails the proof. Expansion runs in JSON-LD safe mode
(:mod:`ats_match.verification.canon`): a document whose expansion drops a term is not
genuine. Canonical forms are cached by content hash so a warm verifier does not canonicalise the
same bytes twice.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from ats_match.verification.canon import UnsafeDocument, canonical_nquads
from ats_match.verification.did import PublicKey, key_kind
from ats_match.verification.jsonld import DEFAULT_LOADER, PinnedLoader, UnknownContextError

JCS_SUITES = frozenset({"eddsa-jcs-2022"})
SUITES = {
    ("DataIntegrityProof", "eddsa-rdfc-2022"): "Ed25519",
    ("DataIntegrityProof", "eddsa-jcs-2022"): "Ed25519",
    ("DataIntegrityProof", "ecdsa-rdfc-2019"): "P-256",
    ("Ed25519Signature2020", None): "Ed25519",
}


class ProofError(Exception):
    """The proof is malformed, does not verify, or cannot be canonicalised safely."""


@dataclass(frozen=True)
class SuiteInfo:
    """Which suite a proof uses and which key kind it needs."""

    name: str
    key_kind: str


def suite_of(proof: dict[str, Any]) -> SuiteInfo | None:
    """The supported suite of ``proof``, or None when we do not implement it."""
    ptype, cryptosuite = proof.get("type"), proof.get("cryptosuite")
    if ptype == "DataIntegrityProof":
        kind = SUITES.get((ptype, cryptosuite))
        return SuiteInfo(str(cryptosuite), kind) if kind else None
    kind = SUITES.get((str(ptype), None))
    return SuiteInfo(str(ptype), kind) if kind else None


_CACHE: OrderedDict[str, str] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_MAX = 2048


def canonicalize(document: dict[str, Any], loader: PinnedLoader = DEFAULT_LOADER) -> str:
    """RDFC-1.0 canonical N-Quads of ``document`` (bounded; cached by content for pinned
    loaders)."""
    cacheable = not loader.extra
    key = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
    if cacheable:
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
        if hit is not None:
            return hit
    nquads = _canonize_guarded(document, loader)
    if cacheable:
        with _CACHE_LOCK:
            _CACHE[key] = nquads
            if len(_CACHE) > _CACHE_MAX:
                _CACHE.popitem(last=False)
    return nquads


# The proof options of one issuer's key differ, credential to credential, only by ``created``.
# Their canonical form is computed once with a fixed ``created`` and the real one put in its
# place, when that provably gives the same bytes (see canonicalize_proof_config).
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})")
_PLACEHOLDER = "1970-01-01T00:00:00Z"
_XSD_DATETIME = "^^<http://www.w3.org/2001/XMLSchema#dateTime>"


def canonicalize_proof_config(config: dict[str, Any], loader: PinnedLoader = DEFAULT_LOADER) -> str:
    """The canonical N-Quads of a proof configuration, from a per-shape template.

    Substituting the ``created`` literal into the canonical form of the same configuration
    with a placeholder date is exact when: the value is a plain XML Schema dateTime (written
    as is, nothing to escape), the dataset has one blank node (its label ``_:c14n0`` cannot
    depend on the value), and the placeholder occurs on exactly one line whose subject and
    predicate no other line has (so the line order cannot depend on the value either).
    Anything else is canonicalised in full."""
    created = config.get("created")
    if loader.extra or not isinstance(created, str) or not _DATETIME.fullmatch(created):
        return canonicalize(config, loader)
    template = canonicalize({**config, "created": _PLACEHOLDER}, loader)
    literal = f'"{_PLACEHOLDER}"{_XSD_DATETIME}'
    lines = template.splitlines()
    hits = [line for line in lines if literal in line]
    if len(hits) != 1 or "_:c14n1" in template or template.count(_PLACEHOLDER) != 1:
        return canonicalize(config, loader)
    head = hits[0][: hits[0].index(literal)]
    if sum(line.startswith(head) for line in lines) != 1:
        return canonicalize(config, loader)
    return template.replace(literal, f'"{created}"{_XSD_DATETIME}')


def _canonize_guarded(document: dict[str, Any], loader: PinnedLoader) -> str:
    try:
        return canonical_nquads(document, loader)
    except UnsafeDocument as exc:
        raise ProofError(f"not genuine: {exc}") from exc
    except Exception as exc:
        cause: BaseException | None = exc
        while cause is not None:
            if isinstance(cause, UnknownContextError):
                raise ProofError(str(cause)) from exc
            cause = cause.__cause__ or cause.__context__
        raise ProofError(f"could not canonicalise the document: {str(exc)[:300]}") from exc


def proof_config(document: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    """The proof options that are signed: the proof without ``proofValue``, in the document's
    ``@context``."""
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = document.get("@context")
    return config


def unsecured(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its ``proof``."""
    return {k: v for k, v in document.items() if k != "proof"}


def hash_data(
    document: dict[str, Any], proof: dict[str, Any], loader: PinnedLoader = DEFAULT_LOADER
) -> tuple[bytes, str]:
    """``sha256(canon(proof config)) || sha256(canon(document))`` and the document's canonical
    form (N-Quads; the JCS text for ``eddsa-jcs-2022``)."""
    if proof.get("cryptosuite") in JCS_SUITES:
        return jcs_hash_data(document, proof)
    doc_nquads = canonicalize(unsecured(document), loader)
    cfg_nquads = canonicalize_proof_config(proof_config(document, proof), loader)
    digest = hashlib.sha256(cfg_nquads.encode()).digest()
    return digest + hashlib.sha256(doc_nquads.encode()).digest(), doc_nquads


def jcs_hash_data(document: dict[str, Any], proof: dict[str, Any]) -> tuple[bytes, str]:
    """The ``eddsa-jcs-2022`` hashes (vc-di-eddsa §3.3.2 verify, §3.3.4-5 transform, configure):
    a ``@context`` in the proof must begin the document's and replaces it in what is signed;
    the proof configuration carries the document's ``@context``."""
    doc = unsecured(document)
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if "@context" in options:
        ours, theirs = _as_list(doc.get("@context")), _as_list(options["@context"])
        if ours[: len(theirs)] != theirs:
            raise ProofError("the proof's @context does not begin the document's @context")
        doc["@context"] = options["@context"]
    if "@context" in doc:
        options["@context"] = doc["@context"]
    canonical_doc, canonical_options = _jcs(doc), _jcs(options)
    digest = hashlib.sha256(canonical_options).digest() + hashlib.sha256(canonical_doc).digest()
    return digest, canonical_doc.decode()


def _jcs(value: Any) -> bytes:
    try:
        return bytes(rfc8785.dumps(value))
    except (rfc8785.CanonicalizationError, ValueError, TypeError, RecursionError) as exc:
        raise ProofError(f"the document cannot be canonicalised with JCS: {exc}") from exc


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def decode_proof_value(value: Any) -> bytes:
    """A ``z`` base58btc multibase signature."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError("proofValue is not base58btc multibase")
    try:
        return bytes(base58.b58decode(value[1:]))
    except ValueError as exc:
        raise ProofError("proofValue is not valid base58") from exc


def verify_signature(key: PublicKey, suite: SuiteInfo, signature: bytes, data: bytes) -> None:
    """Verify ``signature`` over ``data`` with a key of the kind the suite demands."""
    if key_kind(key) != suite.key_kind:
        raise ProofError(f"{suite.name} needs an {suite.key_kind} key, not {key_kind(key)}")
    if len(signature) != 64:
        raise ProofError(f"{suite.name} signature must be 64 bytes, got {len(signature)}")
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise ProofError("the signature does not match the signed data") from None


def verify_proof(
    document: dict[str, Any],
    proof: dict[str, Any],
    key: PublicKey,
    loader: PinnedLoader = DEFAULT_LOADER,
) -> str:
    """Verify one embedded proof with ``key``; return the document's signed canonical form.

    For ``eddsa-jcs-2022`` the canonical form returned is the JCS text of the document.
    Raises :class:`ProofError` when it does not verify."""
    suite = suite_of(proof)
    if suite is None:
        raise ProofError(
            f"unsupported proof type {proof.get('type')!r}/{proof.get('cryptosuite')!r}"
        )
    signature = decode_proof_value(proof.get("proofValue"))
    data, nquads = hash_data(document, proof, loader)
    verify_signature(key, suite, signature, data)
    return nquads


def sign_proof(
    document: dict[str, Any],
    proof_options: dict[str, Any],
    sign: Any,
    loader: PinnedLoader = DEFAULT_LOADER,
) -> dict[str, Any]:
    """Add a proof (test helper path): ``sign(bytes) -> 64-byte signature``."""
    data, _ = hash_data(document, proof_options, loader)
    proof = dict(proof_options)
    proof["proofValue"] = "z" + base58.b58encode(sign(data)).decode()
    signed = dict(document)
    signed["proof"] = proof
    return signed


# Properties whose value changes the verdict: if the signed RDF states one of them for the
# credential but the JSON does not show it under its usual key (e.g. written as an absolute IRI),
# a JSON-level check would miss what the issuer signed (openbadgeslib issue class).
_GUARDED = {
    "validUntil": ("https://www.w3.org/2018/credentials#validUntil",),
    "validFrom": ("https://www.w3.org/2018/credentials#validFrom",),
    "expirationDate": ("https://www.w3.org/2018/credentials#expirationDate",),
    "issuanceDate": ("https://www.w3.org/2018/credentials#issuanceDate",),
    "credentialStatus": ("https://www.w3.org/2018/credentials#credentialStatus",),
    "credentialSchema": ("https://www.w3.org/2018/credentials#credentialSchema",),
    "issuer": ("https://www.w3.org/2018/credentials#issuer",),
}


_VC_TYPE = (
    " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    " <https://www.w3.org/2018/credentials#VerifiableCredential> ."
)


def credential_node(nquads: str) -> str | None:
    """The RDF node of the top-level credential (typed VerifiableCredential, default graph)."""
    for line in nquads.splitlines():
        if line.endswith(_VC_TYPE):
            return line[: -len(_VC_TYPE)]
    return None


def hidden_properties(document: dict[str, Any], nquads: str) -> list[str]:
    """Guarded properties the signed data states for the credential but the JSON does not
    show under their names."""
    node = credential_node(nquads)
    if node is None:
        return []
    lines = nquads.splitlines()
    hidden = []
    for key, iris in _GUARDED.items():
        if key in document:
            continue
        if any(line.startswith(f"{node} <{iri}> ") for iri in iris for line in lines):
            hidden.append(key)
    return hidden
