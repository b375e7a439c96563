"""JWS verification for signed Open Badges 2.0 assertions.

What: decode a compact JWS, refuse any algorithm other than the one pinned to the key type
(RS256 for RSA keys, ES256 for P-256 keys: never ``none``, never an HMAC algorithm, so the
public key can never be used as an HMAC secret), and verify the signature with joserfc given an
explicit ``algorithms`` list.

Why separate: the key material comes only from the issuer Profile (see :mod:`ob2`), this module
only answers "does this key sign this token"; parsed keys are cached by PEM text because
issuers reuse them for thousands of assertions.
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

ACCEPTED_ALGORITHMS = frozenset({"RS256", "ES256"})


class JwsError(ValueError):
    """The token is malformed or uses a refused algorithm."""


def decode_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of a compact JWS, *not* verified (to find the keys to verify with)."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts[:2]):
        raise JwsError("not a compact JWS (three base64url parts)")
    header, payload = _b64json(parts[0], "header"), _b64json(parts[1], "payload")
    alg = header.get("alg")
    if alg not in ACCEPTED_ALGORITHMS:
        raise JwsError(f"algorithm {alg!r} is refused (only RS256 or ES256 with a matching key)")
    return header, payload


def verify_with_pem(token: str, pem: str) -> bool:
    """True when ``token`` is signed by the key in ``pem`` with the algorithm pinned to it."""
    key, algorithm = _load_key(pem)
    try:
        jws.deserialize_compact(token.strip(), key, algorithms=[algorithm])
    except (JoseError, ValueError):
        return False
    return True


def key_algorithm(pem: str) -> str:
    """The one algorithm accepted with this key; raises :class:`JwsError` for other keys."""
    return _load_key(pem)[1]


@lru_cache(maxsize=256)
def _load_key(pem: str) -> tuple[RSAKey | ECKey, str]:
    try:
        public = load_pem_public_key(pem.encode())
    except (ValueError, TypeError) as exc:
        raise JwsError("the key is not a PEM public key") from exc
    if isinstance(public, rsa.RSAPublicKey):
        if public.key_size < 2048:
            raise JwsError(f"the RSA key has only {public.key_size} bits")
        return RSAKey.import_key(public), "RS256"
    if isinstance(public, ec.EllipticCurvePublicKey) and isinstance(public.curve, ec.SECP256R1):
        return ECKey.import_key(public), "ES256"
    raise JwsError(f"unsupported key type {type(public).__name__}")


def _b64json(part: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise JwsError(f"the JWS {what} is not base64url JSON") from exc
    if not isinstance(value, dict):
        raise JwsError(f"the JWS {what} is not a JSON object")
    return value
