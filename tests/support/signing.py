"""Test issuers: keys, DIDs, signed VC-JWTs and Data Integrity credentials, status lists.

Shared by the verification and formats tests. Tokens are signed with joserfc (an independent
JOSE implementation) so the verifier is checked against something it did not produce itself;
Data Integrity proofs reuse the verifier's canonicalisation (cross-checked against the W3C
vectors in tests/verification/vc/test_dataintegrity.py).
"""

from __future__ import annotations

import base64
import copy
import gzip
import hashlib
import hmac
import json
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import base58
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from joserfc import jws
from joserfc.jwk import ECKey, OKPKey, RSAKey


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class TestKey:
    """A private key of one kind (``Ed25519``, ``P-256`` or ``RSA``)."""

    __test__ = False

    kind: str
    private: Any = field(repr=False)

    @classmethod
    def generate(cls, kind: str = "Ed25519") -> TestKey:
        if kind == "Ed25519":
            return cls(kind, ed25519.Ed25519PrivateKey.generate())
        if kind == "P-256":
            return cls(kind, ec.generate_private_key(ec.SECP256R1()))
        if kind == "RSA":
            return cls(kind, rsa.generate_private_key(public_exponent=65537, key_size=2048))
        raise ValueError(kind)

    @property
    def alg(self) -> str:
        return {"Ed25519": "EdDSA", "P-256": "ES256", "RSA": "RS256"}[self.kind]

    def public_raw(self) -> bytes:
        pub = self.private.public_key()
        if self.kind == "Ed25519":
            return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        if self.kind == "P-256":
            return pub.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )
        return pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def multikey(self) -> str:
        prefix = {"Ed25519": b"\xed\x01", "P-256": b"\x80\x24"}[self.kind]
        return "z" + base58.b58encode(prefix + self.public_raw()).decode()

    def did_key(self) -> str:
        return "did:key:" + self.multikey()

    def did_key_vm(self) -> str:
        return f"{self.did_key()}#{self.multikey()}"

    def jose_key(self) -> Any:
        cls = {"Ed25519": OKPKey, "P-256": ECKey, "RSA": RSAKey}[self.kind]
        return cls.import_key(self.private)

    def public_jwk(self, kid: str | None = None) -> dict[str, Any]:
        jwk = {k: v for k, v in self.jose_key().as_dict(private=False).items() if k != "kid"}
        if kid:
            jwk["kid"] = kid
        return jwk

    def sign(self, data: bytes) -> bytes:
        """Raw signature as Data Integrity and JOSE want it (ECDSA as r||s)."""
        if self.kind == "Ed25519":
            return bytes(self.private.sign(data))
        if self.kind == "P-256":
            r, s = decode_dss_signature(self.private.sign(data, ec.ECDSA(hashes.SHA256())))
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return bytes(self.private.sign(data, padding.PKCS1v15(), hashes.SHA256()))


def did_web(host: str, *path: str) -> str:
    """did:web for ``host`` (``127.0.0.1:PORT`` -> ``did:web:127.0.0.1%3APORT``)."""
    return ":".join(["did:web", quote(host, safe=""), *path])


def did_document(did: str, keys: dict[str, TestKey], *, jwk: bool = False) -> dict[str, Any]:
    """A DID document with each key as a Multikey (or JsonWebKey) under assertionMethod."""
    methods = []
    for frag, key in keys.items():
        method: dict[str, Any] = {"id": f"{did}#{frag}", "controller": did}
        if jwk or key.kind == "RSA":
            method.update(type="JsonWebKey", publicKeyJwk=key.public_jwk())
        else:
            method.update(type="Multikey", publicKeyMultibase=key.multikey())
        methods.append(method)
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def ob3_credential(
    issuer: str,
    *,
    subject_id: str | None = "did:example:learner",
    email: str | None = None,
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
    status: dict[str, Any] | list[dict[str, Any]] | None = None,
    name: str = "Python Data Analysis",
    cred_id: str = "urn:uuid:2b4fd8e6-3f5c-4c8c-9ab0-5f3c7cfd9a01",
) -> dict[str, Any]:
    """An unsigned OpenBadgeCredential (VCDM 2.0)."""
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "achievement": {
            "id": "https://example.edu/achievements/pda",
            "type": ["Achievement"],
            "name": name,
            "description": "Analyses data with pandas.",
            "criteria": {"narrative": "Passed the assessment."},
        },
    }
    if subject_id:
        subject["id"] = subject_id
    if email:
        salt = "s4lt"
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest(),
                "identityType": "emailAddress",
                "hashed": True,
                "salt": salt,
            }
        ]
    vc: dict[str, Any] = {
        "@context": list(OB3_CONTEXT),
        "id": cred_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
        "validFrom": iso(valid_from or NOW - timedelta(days=30)),
        "name": name,
        "credentialSubject": subject,
    }
    if valid_until:
        vc["validUntil"] = iso(valid_until)
    if status:
        vc["credentialStatus"] = status
        entries = status if isinstance(status, list) else [status]
        if any(e.get("type") == "StatusList2021Entry" for e in entries):
            # StatusList2021 terms are defined by their own context, which issuers add.
            vc["@context"].append("https://w3id.org/vc/status-list/2021/v1")
    return vc


def sign_data_integrity(
    document: dict[str, Any],
    key: TestKey,
    method: str,
    *,
    cryptosuite: str = "eddsa-rdfc-2022",
    purpose: str = "assertionMethod",
    created: datetime | None = None,
    loader: Any = None,
    unsafe: bool = False,
) -> dict[str, Any]:
    """Sign with ``eddsa-rdfc-2022`` / ``ecdsa-rdfc-2019`` / ``Ed25519Signature2020``.

    ``unsafe``: canonicalise without JSON-LD safe mode (pyld as is, dropping undefined
    terms), as a careless issuer would; the verifier refuses what that signs."""
    from ats_match.verification.dataintegrity import DEFAULT_LOADER, sign_proof

    doc = copy.deepcopy(document)
    options: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": cryptosuite,
        "created": iso(created or NOW - timedelta(days=1)),
        "verificationMethod": method,
        "proofPurpose": purpose,
    }
    if cryptosuite == "Ed25519Signature2020":
        options = {
            "type": "Ed25519Signature2020",
            **{k: v for k, v in options.items() if k not in ("type", "cryptosuite")},
        }
        ctx = doc["@context"] if isinstance(doc["@context"], list) else [doc["@context"]]
        if "https://w3id.org/security/suites/ed25519-2020/v1" not in ctx:
            doc["@context"] = [*ctx, "https://w3id.org/security/suites/ed25519-2020/v1"]
    elif doc["@context"][0] == "https://www.w3.org/2018/credentials/v1":
        # VCDM 1.1 does not define the DataIntegrityProof terms: issuers add this context.
        ctx = list(doc["@context"])
        if not any(str(c).startswith("https://w3id.org/security/data-integrity/") for c in ctx):
            doc["@context"] = [*ctx, "https://w3id.org/security/data-integrity/v2"]
    if unsafe:
        return _sign_unsafe(doc, options, key, loader or DEFAULT_LOADER)
    return sign_proof(doc, options, key.sign, loader or DEFAULT_LOADER)


def _sign_unsafe(
    doc: dict[str, Any], options: dict[str, Any], key: TestKey, loader: Any
) -> dict[str, Any]:
    from openbadgeslib.ob3._canon_guard import canonize
    from pyld import jsonld

    from ats_match.verification.dataintegrity import proof_config

    digests = [
        hashlib.sha256(canonize(jsonld, d, loader).encode()).digest()
        for d in (proof_config(doc, options), doc)
    ]
    proof = {**options, "proofValue": "z" + base58.b58encode(key.sign(b"".join(digests))).decode()}
    return {**doc, "proof": proof}


def sign_vc_jwt(
    vc: dict[str, Any],
    key: TestKey,
    *,
    kid: str | None = None,
    form: str = "vcdm11",
    header: dict[str, Any] | None = None,
    claims: dict[str, Any] | None = None,
    embed_jwk: bool = False,
) -> str:
    """A VC-JWT: ``vcdm11`` puts the VC in the ``vc`` claim with iss/sub/jti/nbf/exp;
    ``vcdm2`` makes the VC itself the payload (``typ: vc+jwt``)."""
    protected: dict[str, Any] = {"alg": key.alg}
    if kid:
        protected["kid"] = kid
    if embed_jwk:
        protected["jwk"] = key.public_jwk()
    if form == "vcdm2":
        protected["typ"] = "vc+jwt"
        payload: dict[str, Any] = dict(vc)
    else:
        protected["typ"] = "JWT"
        payload = vc_claims(vc)
    payload.update(claims or {})
    protected.update(header or {})
    body = json.dumps(payload).encode()
    with warnings.catch_warnings():  # joserfc flags "EdDSA" (RFC 9864); issuers still use it
        warnings.simplefilter("ignore")
        return jws.serialize_compact(protected, body, key.jose_key(), algorithms=[protected["alg"]])


def vc_claims(vc: dict[str, Any]) -> dict[str, Any]:
    """VCDM 1.1 JWT claims for ``vc``."""
    issuer = vc["issuer"]["id"] if isinstance(vc["issuer"], dict) else vc["issuer"]
    claims: dict[str, Any] = {"vc": vc, "iss": issuer, "jti": vc.get("id")}
    subject = vc.get("credentialSubject", {})
    if isinstance(subject, dict) and subject.get("id"):
        claims["sub"] = subject["id"]
    start = vc.get("validFrom") or vc.get("issuanceDate")
    if start:
        claims["nbf"] = int(datetime.fromisoformat(start.replace("Z", "+00:00")).timestamp())
    end = vc.get("validUntil") or vc.get("expirationDate")
    if end:
        claims["exp"] = int(datetime.fromisoformat(end.replace("Z", "+00:00")).timestamp())
    return claims


def forge_unsigned_jwt(vc: dict[str, Any], *, alg: str = "none") -> str:
    """``alg: none`` token (must never verify)."""
    head = b64u(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    return f"{head}.{b64u(json.dumps(vc_claims(vc)).encode())}."


def forge_hmac_jwt(vc: dict[str, Any], secret: bytes, *, kid: str | None = None) -> str:
    """HS256 token keyed with (for example) the issuer's *public* key bytes: the classic
    algorithm-confusion attack."""
    header: dict[str, Any] = {"alg": "HS256", "typ": "JWT"}
    if kid:
        header["kid"] = kid
    signing_input = (
        f"{b64u(json.dumps(header).encode())}.{b64u(json.dumps(vc_claims(vc)).encode())}"
    )
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64u(mac)}"


def encode_bitstring(
    set_bits: list[int], *, size: int = 131072, multibase: bool = True, status_size: int = 1
) -> str:
    """gzip + base64url bitstring (first bit = most significant bit of byte 0)."""
    data = bytearray(size * status_size // 8)
    for index in set_bits:
        bit = index * status_size + status_size - 1
        data[bit // 8] |= 0x80 >> (bit % 8)
    encoded = b64u(gzip.compress(bytes(data)))
    return ("u" + encoded) if multibase else encoded


def bitstring_list_credential(
    url: str,
    issuer: str,
    purpose: str,
    revoked: list[int],
    *,
    kind: str = "Bitstring",
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential (VC 2.0) or StatusList2021Credential."""
    subject = {
        "id": url + "#list",
        "type": f"{kind}StatusList" if kind == "Bitstring" else "StatusList2021",
        "statusPurpose": purpose,
        "encodedList": encode_bitstring(revoked, multibase=kind == "Bitstring"),
    }
    vc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"]
        if kind == "Bitstring"
        else ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
        "id": url,
        "type": [
            "VerifiableCredential",
            "BitstringStatusListCredential" if kind == "Bitstring" else "StatusList2021Credential",
        ],
        "issuer": issuer,
        "validFrom": iso(NOW - timedelta(days=10)),
        "credentialSubject": subject,
    }
    if valid_until:
        vc["validUntil"] = iso(valid_until)
    if kind != "Bitstring":  # VCDM 1.1 names, as StatusList2021 lists are published
        vc["issuanceDate"] = vc.pop("validFrom")
        if valid_until:
            vc["expirationDate"] = vc.pop("validUntil")
    return vc


def status_entry(
    url: str, index: int, purpose: str = "revocation", kind: str = "BitstringStatusListEntry"
) -> dict[str, Any]:
    return {
        "id": f"{url}#{index}",
        "type": kind,
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": url,
    }
