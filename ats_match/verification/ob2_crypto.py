"""JWS verification for signed Open Badges 2.0 assertions.

What: decode a compact JWS, refuse any algorithm other than the one pinned to the key type
(RS256 for RSA keys of at least 2048 bits, ES256 for P-256 keys: never ``none``, never an HMAC
algorithm, so the public key can never be used as an HMAC secret), and verify the signature
over ``header.payload`` with ``cryptography`` directly (RSASSA-PKCS1-v1_5 / SHA-256, or ECDSA
P-256 / SHA-256 with the 64-byte ``r || s`` JWS signature).

Why not through a JOSE library: the only thing it added on this path was a second base64 and
JSON decoding of the header and payload (about a third of the cost of a signed assertion with
warm caches). What it enforced is enforced here: exactly three segments; strict base64url
(no padding, no ``+`` / ``/``, no stray bits); a JSON-object header whose ``alg`` equals the
key's pinned algorithm. Stricter than before: a header with ``crit`` or ``b64`` (RFC 7797
unencoded payloads) is refused, since an OB 2.0 assertion never needs either.

Why separate: the key material comes only from the issuer Profile (see :mod:`ob2`), this module
only answers "does this key sign this token"; parsed keys are cached by PEM text because
issuers reuse them for thousands of assertions (the cache key is the whole PEM text, so a
rotated key is always parsed afresh).
"""

from __future__ import annotations

import binascii
import json
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import load_pem_public_key

ACCEPTED_ALGORITHMS = frozenset({"RS256", "ES256"})
_REFUSED_HEADERS = ("crit", "b64")
# base64url -> base64; "+", "/" and "=" become "!", which strict decoding refuses.
_TO_STD = bytes.maketrans(b"-_+/=", b"+/!!!")
# The last character of an unpadded segment may only carry zero spare bits (1 or 2 pad chars).
_CLEAN_ENDINGS = {1: frozenset(b"AEIMQUYcgkosw048"), 2: frozenset(b"AQgw")}
_MAX_TOKEN = 1_000_000

PublicKey = rsa.RSAPublicKey | ec.EllipticCurvePublicKey


class JwsError(ValueError):
    """The token is malformed or uses a refused algorithm."""


def decode_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS, *not* verified (to find the keys to verify with)."""
    parts = _segments(token)
    return dict(_header(parts[0])), _b64json(parts[1], "payload")


def verify_with_pem(token: str, pem: str) -> bool:
    """True when ``token`` is signed by the key in ``pem`` with the algorithm pinned to it.

    Raises :class:`JwsError` when the key itself cannot be used (not a PEM public key, RSA
    under 2048 bits, another curve or key type)."""
    key, algorithm = _load_key(pem)
    try:
        parts = _segments(token)
        if _header(parts[0]).get("alg") != algorithm:
            return False
        signature = _b64decode(parts[2])
    except JwsError:
        return False
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        else:
            if len(signature) != 64:
                return False
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def key_algorithm(pem: str) -> str:
    """The one algorithm accepted with this key; raises :class:`JwsError` for other keys."""
    return _load_key(pem)[1]


@lru_cache(maxsize=256)
def _load_key(pem: str) -> tuple[PublicKey, str]:
    try:
        public = load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as exc:
        raise JwsError("the key is not a PEM public key") from exc
    if isinstance(public, rsa.RSAPublicKey):
        if public.key_size < 2048:
            raise JwsError(f"the RSA key has only {public.key_size} bits")
        return public, "RS256"
    if isinstance(public, ec.EllipticCurvePublicKey) and isinstance(public.curve, ec.SECP256R1):
        return public, "ES256"
    raise JwsError(f"unsupported key type {type(public).__name__}")


def _segments(token: str) -> list[str]:
    text = token.strip()
    if len(text) > _MAX_TOKEN:
        raise JwsError("the JWS is too large")
    parts = text.split(".")
    if len(parts) != 3 or not all(parts):
        raise JwsError("not a compact JWS (three base64url parts)")
    return parts


@lru_cache(maxsize=64)
def _header(segment: str) -> dict[str, Any]:
    """The protected header, which must name an accepted ``alg`` and no ``crit`` / ``b64``.

    Cached by the segment text (issuers sign every assertion with the same header); callers
    never mutate the returned dict."""
    header = _b64json(segment, "header")
    alg = header.get("alg")
    if alg not in ACCEPTED_ALGORITHMS:
        raise JwsError(f"algorithm {alg!r} is refused (only RS256 or ES256 with a matching key)")
    refused = [name for name in _REFUSED_HEADERS if name in header]
    if refused:
        raise JwsError(f"the JWS header parameter {refused[0]!r} is refused")
    return header


def _b64decode(segment: str) -> bytes:
    """Strict base64url without padding: any other character or non-zero spare bits fail."""
    raw = segment.encode("ascii", "replace")
    pad = -len(raw) % 4
    if pad == 3:
        raise JwsError("a JWS part is not base64url")
    if pad and raw[-1] not in _CLEAN_ENDINGS[pad]:
        raise JwsError("a JWS part is not canonical base64url")
    try:  # strict_mode refuses every character outside the (translated) alphabet
        return binascii.a2b_base64(raw.translate(_TO_STD) + b"=" * pad, strict_mode=True)
    except binascii.Error as exc:
        raise JwsError("a JWS part is not base64url") from exc


def _b64json(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64decode(part))
    except (JwsError, ValueError) as exc:
        raise JwsError(f"the JWS {what} is not base64url JSON") from exc
    if not isinstance(value, dict):
        raise JwsError(f"the JWS {what} is not a JSON object")
    return value
