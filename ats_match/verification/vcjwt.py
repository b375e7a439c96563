"""VC-JWT (VCDM 1.1 ``vc`` claim, and the VCDM 2.0 JOSE form where the VC is the payload).

What: decode the compact JWS, pin the algorithm to the key type (Ed25519 -> EdDSA/Ed25519,
P-256 -> ES256, RSA -> RS256; ``none`` and every HMAC or other algorithm refused before any key
is looked at), resolve the key only through the issuer (``kid`` DID URL / https URL / JWKS, or
an embedded ``jwk`` that the issuer also publishes), verify, then check the registered claims
against the credential (iss, sub, jti, nbf, exp).
Why no JOSE library on this path: the checks are few and fixed, and verifying with
``cryptography`` directly keeps the hot path lean (no JSON-LD either); the test helpers sign
with joserfc, so interoperability is still tested against an independent implementation.
"""

from __future__ import annotations

import binascii
import hashlib
import math
import threading
from collections import OrderedDict
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ats_match.formats.errors import loads_text
from ats_match.net.fetcher import Fetcher
from ats_match.verification.did import (
    KeyResolutionError,
    PublicKey,
    ResolvedKey,
    issuer_keys,
    jwk_to_key,
    key_kind,
    resolve_method,
)

ALGORITHMS = {"EdDSA": "Ed25519", "Ed25519": "Ed25519", "ES256": "P-256", "RS256": "RSA"}
MAX_TOKEN = 512 * 1024


class JwtError(Exception):
    """The token is malformed, uses a refused algorithm, or does not verify.
    ``indeterminate``: the key could not be fetched."""

    def __init__(self, detail: str, *, indeterminate: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.indeterminate = indeterminate


class DecodedJwt(NamedTuple):
    """A split and decoded compact JWS, not yet trusted (immutable; a tuple because one is
    built per token, ~3x cheaper than a frozen dataclass)."""

    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes
    credential: dict[str, Any]
    form: str  # "vcdm11" or "vcdm2"


_FROM_URL_ALPHABET = bytes.maketrans(b"-_", b"+/")


def _b64u(part: str) -> bytes:
    """Unpadded base64url (RFC 7515 §2), strictly: padding or characters outside the url-safe
    alphabet are refused, not skipped."""
    if "+" in part or "/" in part or "=" in part:
        raise JwtError("token part is not base64url")
    try:
        padded = (part + "=" * (-len(part) % 4)).encode("ascii").translate(_FROM_URL_ALPHABET)
        return binascii.a2b_base64(padded, strict_mode=True)
    except (binascii.Error, ValueError) as exc:  # UnicodeEncodeError is a ValueError
        raise JwtError("token part is not base64url") from exc


def _json_part(part: str, what: str) -> dict[str, Any]:
    try:
        # RFC 7519 §7.2: the JSON is UTF-8; decoding first also spares json its sniffing.
        value = loads_text(_b64u(part).decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        raise JwtError(f"JWT {what} is not JSON") from exc
    if not isinstance(value, dict):
        raise JwtError(f"JWT {what} is not an object")
    return value


@lru_cache(maxsize=256)
def _header_part(part: str) -> dict[str, Any]:
    """The decoded header, remembered by its exact text (an issuer signs every token with the
    same header); :func:`decode` hands out copies, so the cached dict is never mutated."""
    return _json_part(part, "header")


def decode(token: str) -> DecodedJwt:
    """Split and decode a compact VC-JWT without trusting anything in it yet."""
    token = token.strip()
    if len(token) > MAX_TOKEN:
        raise JwtError("token is too large")
    parts = token.split(".")
    if len(parts) != 3:
        raise JwtError("not a compact JWS (three parts expected)")
    header, payload = dict(_header_part(parts[0])), _json_part(parts[1], "payload")
    if header.get("crit"):
        raise JwtError(f"unsupported critical header parameters {header['crit']!r}")
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise JwtError(f"algorithm {alg!r} is refused (allowed: EdDSA, ES256, RS256)")
    if isinstance(payload.get("vc"), dict):
        credential, form = _with_registered_claims(payload["vc"], payload), "vcdm11"
    elif "@context" in payload:
        credential, form = payload, "vcdm2"
    else:
        raise JwtError("the JWT carries no verifiable credential (no 'vc' claim)")
    return DecodedJwt(
        header, payload, f"{parts[0]}.{parts[1]}".encode(), _b64u(parts[2]), credential, form
    )


_VERIFIED: OrderedDict[bytes, None] = OrderedDict()
_VERIFIED_LOCK = threading.Lock()
_VERIFIED_MAX = 16384


def _fingerprint(jwt: DecodedJwt, key: PublicKey) -> bytes:
    """Digest of (signed bytes, signature, public key): a signature that verified once for
    exactly these bytes and this key always will, so a repeat need not redo the maths."""
    spki = _spki(key)
    return hashlib.sha256(jwt.signing_input + b"." + jwt.signature + b"." + spki).digest()


_SPKI: OrderedDict[int, tuple[PublicKey, bytes]] = OrderedDict()


def _spki(key: PublicKey) -> bytes:
    """DER SubjectPublicKeyInfo of ``key``, remembered per key object (resolved keys are
    cached and reused); the entry holds the key, so its ``id`` cannot be reused meanwhile."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        return b"ed25519:" + key.public_bytes_raw()  # cheaper than DER, as unambiguous
    with _VERIFIED_LOCK:
        entry = _SPKI.get(id(key))
    if entry is not None and entry[0] is key:
        return entry[1]
    spki = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    with _VERIFIED_LOCK:
        _SPKI[id(key)] = (key, spki)
        while len(_SPKI) > 1024:
            _SPKI.popitem(last=False)
    return spki


def _with_registered_claims(vc: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """VC-JWT 1.1 lets ``iss`` / ``jti`` stand in for ``issuer`` / ``id`` left out of ``vc``."""
    if "issuer" in vc and "id" in vc:
        return vc
    filled = dict(vc)
    if "issuer" not in filled and isinstance(claims.get("iss"), str):
        filled["issuer"] = claims["iss"]
    if "id" not in filled and isinstance(claims.get("jti"), str):
        filled["id"] = claims["jti"]
    return filled


def verify_signature(jwt: DecodedJwt, key: PublicKey) -> None:
    """Verify with the algorithm pinned to the key type (successes are remembered)."""
    alg = str(jwt.header["alg"])
    if key_kind(key) != ALGORITHMS[alg]:
        raise JwtError(f"algorithm {alg} does not match the issuer's {key_kind(key)} key")
    fingerprint = _fingerprint(jwt, key)
    with _VERIFIED_LOCK:
        if fingerprint in _VERIFIED:
            _VERIFIED.move_to_end(fingerprint)
            return
    _verify_raw(jwt, key)
    with _VERIFIED_LOCK:
        _VERIFIED[fingerprint] = None
        if len(_VERIFIED) > _VERIFIED_MAX:
            _VERIFIED.popitem(last=False)


def _verify_raw(jwt: DecodedJwt, key: PublicKey) -> None:
    sig, data = jwt.signature, jwt.signing_input
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(sig, data)
        elif isinstance(key, ec.EllipticCurvePublicKey):
            if len(sig) != 64:
                raise JwtError("ES256 signature must be 64 bytes")
            r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
        elif isinstance(key, rsa.RSAPublicKey):
            key.verify(sig, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise JwtError("the JWT signature does not verify with the issuer's key") from None


def issuer_id(credential: dict[str, Any]) -> str | None:
    """The issuer's identifier (string issuer or ``issuer.id``)."""
    issuer = credential.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    return value if isinstance(value, str) else None


def resolve_key(jwt: DecodedJwt, issuer: str, fetcher: Fetcher) -> ResolvedKey:
    """The issuer's key for this token. A ``kid`` must resolve to a key the issuer controls;
    an embedded ``jwk`` is only accepted when the issuer publishes the same key."""
    kid = jwt.header.get("kid")
    try:
        if isinstance(kid, str) and kid:
            method_id = issuer + kid if kid.startswith("#") else kid
            if not issuer or method_id.partition("#")[0] != issuer:
                # Refuse before fetching anything a forger pointed us at.
                raise JwtError(
                    f"key {kid} is not the issuer {issuer}'s (kid must be the "
                    "issuer's DID or URL with a fragment)"
                )
            resolved = resolve_method(method_id, fetcher)
            if resolved.controller != issuer:
                raise JwtError(
                    f"key {kid} is controlled by {resolved.controller!r}, not the issuer {issuer}"
                )
            return resolved
        embedded = jwk_to_key(jwt.header["jwk"]) if "jwk" in jwt.header else None
        for candidate in issuer_keys(issuer, fetcher):
            wanted = key_kind(candidate.key) == ALGORITHMS[str(jwt.header["alg"])]
            if wanted and (embedded is None or _same_key(candidate.key, embedded)):
                return candidate
    except KeyResolutionError as exc:
        raise JwtError(exc.detail, indeterminate=exc.indeterminate) from exc
    raise JwtError(f"the issuer {issuer} publishes no matching {jwt.header['alg']} key")


def _same_key(a: PublicKey, b: PublicKey) -> bool:
    fmt, enc = PublicFormat.SubjectPublicKeyInfo, Encoding.DER
    return a.public_bytes(enc, fmt) == b.public_bytes(enc, fmt)


def _ts(value: float) -> datetime:
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return datetime.max.replace(tzinfo=UTC) if value > 0 else datetime.min.replace(tzinfo=UTC)


_DATE_CLAIMS = ("exp", "nbf", "iat")


def _numeric_dates(claims: dict[str, Any]) -> tuple[dict[str, float], list[str]]:
    """``exp`` / ``nbf`` / ``iat`` as seconds since 1970, and the problems of those that are
    not NumericDate values (RFC 7519 §2: a JSON number of seconds). A date written as a string
    is refused, not ignored: read as absent, an expired ``"exp": "2020-01-01"`` would verify.
    Compared as numbers (a datetime is only built to say when a token expired)."""
    times: dict[str, float] = {}
    problems: list[str] = []
    for name in _DATE_CLAIMS:
        if name not in claims:
            continue
        value = claims[name]
        numeric = isinstance(value, _NUMBERS) and not isinstance(value, bool)
        if not numeric or not math.isfinite(value):
            problems.append(
                f"{name} must be a NumericDate (a number of seconds since 1970), "
                f"not {type(value).__name__} {str(value)[:40]!r}"
            )
            continue
        times[name] = value
    return times, problems


_NUMBERS = (int, float)


class Claims(NamedTuple):
    """What the registered claims say: their contradictions with the credential (empty when
    consistent) and, when they are, the validity window they set."""

    problems: list[str]
    window: tuple[str, datetime] | None


def read_claims(jwt: DecodedJwt, now: datetime, leeway: float = 60.0) -> Claims:
    """:func:`check_claims` and :func:`claims_window` with one read of the date claims."""
    times, date_problems = _numeric_dates(jwt.payload)
    problems = _claim_problems(jwt)
    problems.extend(date_problems)
    if problems:
        return Claims(problems, None)
    return Claims(problems, _window(times, now, leeway))


def check_claims(jwt: DecodedJwt, now: datetime, leeway: float = 60.0) -> list[str]:
    """Problems with the registered claims (empty list when they are consistent)."""
    problems = _claim_problems(jwt)
    problems.extend(_numeric_dates(jwt.payload)[1])
    return problems


def _claim_problems(jwt: DecodedJwt) -> list[str]:
    vc, claims, problems = jwt.credential, jwt.payload, []
    issuer = issuer_id(vc)
    if "iss" in claims and claims["iss"] != issuer:
        problems.append(f"iss {claims['iss']!r} is not the credential issuer {issuer!r}")
    if jwt.form == "vcdm11" and "iss" not in claims:
        problems.append("the iss claim is missing")
    subject = vc.get("credentialSubject")
    sub_id = subject.get("id") if isinstance(subject, dict) else None
    if "sub" in claims and sub_id and claims["sub"] != sub_id:
        problems.append("sub does not match credentialSubject.id")
    if "jti" in claims and vc.get("id") and claims["jti"] != vc.get("id"):
        problems.append("jti does not match the credential id")
    return problems


def claims_window(
    jwt: DecodedJwt, now: datetime, leeway: float = 60.0
) -> tuple[str, datetime] | None:
    """``("not_yet_valid", nbf)`` or ``("expired", exp)`` when ``now`` is outside the window
    the token's NumericDate claims set (a validity fact, not an authenticity one)."""
    return _window(_numeric_dates(jwt.payload)[0], now, leeway)


def _window(times: dict[str, float], now: datetime, leeway: float) -> tuple[str, datetime] | None:
    if not times:
        return None
    moment = now.timestamp()
    nbf, exp = times.get("nbf"), times.get("exp")
    if nbf is not None and nbf - moment > leeway:
        return "not_yet_valid", _ts(nbf)
    if exp is not None and moment - exp > leeway:
        return "expired", _ts(exp)
    return None
