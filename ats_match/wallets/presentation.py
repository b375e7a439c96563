"""Verify a W3C Verifiable Presentation's holder proof: JSON-LD with a Data Integrity proof
(``eddsa-rdfc-2022``, ``Ed25519Signature2020``, ``ecdsa-rdfc-2019``) or a VP-JWT.

What it proves: whoever controls the key of ``verificationMethod`` (a DID's ``authentication``
key) signed *this* presentation for *this* request (``challenge``/``nonce``) and *this* verifier
(``domain``/``aud``). It says nothing about the credentials inside, which are verified like any
other credential afterwards. A presentation without a proof proves nothing and binds nothing.
"""

from __future__ import annotations

import base64
import binascii
import json
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, OKPKey

from ats_match.net.fetcher import Fetcher
from ats_match.verification.dataintegrity import ProofError, verify_proof
from ats_match.verification.did import KeyResolutionError, ResolvedKey, key_kind, resolve_method
from ats_match.wallets.errors import (
    BadHolderProof,
    HolderKeyUnavailable,
    NotAPresentation,
    WrongChallenge,
    WrongDomain,
)

MAX_CREDENTIALS = 50
_JWT_ALGORITHMS = {"EdDSA": "Ed25519", "Ed25519": "Ed25519", "ES256": "P-256"}
_ENVELOPED_PREFIXES = ("data:application/vc+jwt,", "data:application/vc+ld+json+jwt,")
_LEEWAY = 60


@dataclass(frozen=True)
class Expected:
    """What the presentation must be bound to."""

    nonce: str
    """The request's challenge (VC-API) or nonce (OID4VP)."""
    audience: str
    """``domain`` / ``aud``: the server's domain (VP upload) or the OID4VP ``client_id``."""
    now: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class Presentation:
    """A presentation whose holder proof (if any) verified."""

    form: str
    """``ldp_vp`` or ``jwt_vp``."""
    holder: str | None
    """The DID whose authentication key signed it; ``None``: no holder proof, nothing bound."""
    credentials: list[bytes]
    """Each credential as the bytes it was presented as (JSON text or a compact JWT)."""


def verify_presentation(vp: Any, expected: Expected, fetcher: Fetcher) -> Presentation:
    """Check the holder's proof, challenge and domain of a VP (a JSON object or a VP-JWT)."""
    if isinstance(vp, str):
        return _verify_jwt(vp.strip(), expected, fetcher)
    if isinstance(vp, dict):
        return _verify_ldp(vp, expected, fetcher)
    raise NotAPresentation("Send a Verifiable Presentation: a JSON object or a VP-JWT.")


# ------------------------------------------------------------------------------ JSON-LD + DI
def _verify_ldp(vp: dict[str, Any], expected: Expected, fetcher: Fetcher) -> Presentation:
    if "VerifiablePresentation" not in _as_list(vp.get("type")):
        raise NotAPresentation("This is not a Verifiable Presentation (type is missing).")
    credentials = _embedded(vp.get("verifiableCredential"))
    proofs = [p for p in _as_list(vp.get("proof")) if isinstance(p, dict)]
    if not proofs:
        return Presentation("ldp_vp", None, credentials)
    proof = next((p for p in proofs if p.get("proofPurpose") == "authentication"), None)
    if proof is None:
        raise BadHolderProof(
            "The presentation's proof is not an authentication proof (proofPurpose must be "
            "'authentication'); ask your wallet to sign the presentation itself."
        )
    if proof.get("challenge") != expected.nonce:
        raise WrongChallenge(
            "The presentation was signed for another request (its challenge is not this "
            "request's). Open the link you were sent again and present from there."
        )
    if expected.audience not in _as_list(proof.get("domain")):
        raise WrongDomain(
            f"The presentation was signed for another site (domain {proof.get('domain')!r}, "
            f"expected {expected.audience!r}); it cannot be used here."
        )
    _not_expired(proof.get("expires"), expected.now)
    method = proof.get("verificationMethod")
    method_id = method.get("id") if isinstance(method, dict) else method
    resolved = _holder_key(method_id, fetcher)
    _same_holder(_holder_of(vp), resolved)
    document = {**vp, "proof": proof}
    try:
        verify_proof(document, proof, resolved.key)
    except ProofError as exc:
        raise BadHolderProof(f"The presentation's signature does not verify: {exc}") from exc
    return Presentation("ldp_vp", resolved.controller, credentials)


# ------------------------------------------------------------------------------------ VP-JWT
def _verify_jwt(token: str, expected: Expected, fetcher: Fetcher) -> Presentation:
    header = _jwt_header(token)
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in _JWT_ALGORITHMS:
        raise BadHolderProof(f"The VP-JWT's algorithm {alg!r} is refused (EdDSA or ES256).")
    if not isinstance(kid, str):
        raise BadHolderProof("The VP-JWT names no key ('kid' header): it cannot be checked.")
    resolved = _holder_key(kid, fetcher)
    if key_kind(resolved.key) != _JWT_ALGORITHMS[str(alg)]:
        raise BadHolderProof(f"The VP-JWT's algorithm {alg} does not fit the holder's key.")
    jose_key = _jose_key(resolved)
    try:
        with warnings.catch_warnings():  # joserfc flags "EdDSA" (RFC 9864); wallets still use it
            warnings.simplefilter("ignore")
            claims = jwt.decode(token, jose_key, algorithms=[str(alg)]).claims
        jwt.JWTClaimsRegistry(leeway=_LEEWAY).validate(claims)
    except (JoseError, ValueError) as exc:
        raise BadHolderProof(f"The VP-JWT does not verify: {exc}") from exc
    inner = claims.get("vp")
    vp: dict[str, Any] = inner if isinstance(inner, dict) else claims
    if "VerifiablePresentation" not in _as_list(vp.get("type")):
        raise NotAPresentation("The JWT carries no Verifiable Presentation ('vp' claim).")
    if claims.get("nonce") != expected.nonce:
        raise WrongChallenge(
            "The presentation was signed for another request (its nonce is not this "
            "request's). Open the link you were sent again and present from there."
        )
    if expected.audience not in _as_list(claims.get("aud")):
        raise WrongDomain(
            f"The presentation was made for another verifier (aud {claims.get('aud')!r}, "
            f"expected {expected.audience!r}); it cannot be used here."
        )
    for claimed in (claims.get("iss"), _holder_of(vp)):
        _same_holder(claimed, resolved)
    return Presentation("jwt_vp", resolved.controller, _embedded(vp.get("verifiableCredential")))


def _jose_key(resolved: ResolvedKey) -> OKPKey | ECKey:
    key = resolved.key
    if isinstance(key, ed25519.Ed25519PublicKey):
        return OKPKey.import_key(key)
    if isinstance(key, ec.EllipticCurvePublicKey):
        return ECKey.import_key(key)
    raise BadHolderProof("The holder's key is neither Ed25519 nor P-256.")


def _jwt_header(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) != 3:
        raise NotAPresentation("Send a Verifiable Presentation: a JSON object or a VP-JWT.")
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise NotAPresentation("The VP-JWT's header is not readable JSON.") from exc
    if not isinstance(header, dict):
        raise NotAPresentation("The VP-JWT's header is not a JSON object.")
    return header


# ------------------------------------------------------------------------------------ shared
def _holder_key(method_id: Any, fetcher: Fetcher) -> ResolvedKey:
    if not isinstance(method_id, str) or not method_id.startswith("did:"):
        raise BadHolderProof("The presentation is not signed with a DID key (verificationMethod).")
    try:
        resolved = resolve_method(method_id, fetcher)
    except KeyResolutionError as exc:
        if exc.indeterminate:
            raise HolderKeyUnavailable(
                f"Your DID document could not be fetched ({exc.detail}); try again later."
            ) from exc
        raise BadHolderProof(f"The holder's key could not be used: {exc.detail}") from exc
    except ValueError as exc:
        raise BadHolderProof(f"The holder's key could not be read: {exc}") from exc
    if "authentication" not in resolved.purposes:
        raise BadHolderProof(
            f"{method_id} is not an authentication key of {resolved.controller}: it may sign "
            "credentials but not presentations."
        )
    return resolved


def _same_holder(claimed: Any, resolved: ResolvedKey) -> None:
    if claimed is not None and claimed != resolved.controller:
        raise BadHolderProof(
            f"The presentation says its holder is {claimed!r} but is signed with a key of "
            f"{resolved.controller}."
        )


def _holder_of(vp: dict[str, Any]) -> Any:
    holder = vp.get("holder")
    return holder.get("id") if isinstance(holder, dict) else holder


def _not_expired(value: Any, now: datetime) -> None:
    if not isinstance(value, str):
        return
    try:
        expires = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadHolderProof(f"The proof's expiry {value!r} is not a date.") from exc
    if expires.tzinfo is not None and expires < now:
        raise BadHolderProof("The presentation's proof has expired; present again.")


def _embedded(value: Any) -> list[bytes]:
    """The presented credentials, as bytes the format readers take (JSON text or a JWT)."""
    found: list[bytes] = []
    for item in _as_list(value)[:MAX_CREDENTIALS]:
        if isinstance(item, str):
            found.append(item.strip().encode())
        elif isinstance(item, dict) and "EnvelopedVerifiableCredential" in _as_list(
            item.get("type")
        ):
            ident = str(item.get("id", ""))
            prefix = next((p for p in _ENVELOPED_PREFIXES if ident.startswith(p)), None)
            if prefix:
                found.append(unquote(ident[len(prefix) :]).encode())
        elif isinstance(item, dict):
            found.append(json.dumps(item, ensure_ascii=False).encode())
    return found


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
