"""Issuer key resolution: did:key, did:web, https controller documents, JWKS and JWKs.

What: turn a verification method id (or a JWT ``kid``) into a public key *and* the identifier
of whoever controls it, so the caller can require that controller to be the credential's issuer.
Why here: every remote document comes through the product's :class:`Fetcher` (SSRF rules, size
caps, timeouts live there); did:key needs no network. Resolved documents are cached for a short
time so warm verification does no network work.
"""

from __future__ import annotations

import functools
import re
import threading
import time
from typing import Any, NamedTuple
from urllib.parse import unquote, urldefrag

import base58
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from ats_match.net.fetcher import Fetcher, FetchError

PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

_ED25519_PREFIX = b"\xed\x01"
_P256_PREFIX = b"\x80\x24"  # varint(0x1200), p256-pub, compressed point
_DOC_MAX_BYTES = 256 * 1024
_CACHE_TTL = 300.0
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?")
_SEGMENT = re.compile(r"[A-Za-z0-9._~%!$&'()*+,;=@-]{1,256}")


class KeyResolutionError(Exception):
    """No usable key. ``indeterminate`` is True when the cause is that something could not be
    fetched (try again later), False when the documents prove the key is not the issuer's."""

    def __init__(self, detail: str, *, indeterminate: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.indeterminate = indeterminate


class ResolvedKey(NamedTuple):
    """A public key, the verification method id and the controller it is bound to.
    (Immutable; a tuple because one is built per new issuer key, ~3x cheaper than a frozen
    dataclass.)"""

    key: PublicKey
    method_id: str
    controller: str
    purposes: frozenset[str]


def key_kind(key: PublicKey) -> str:
    """``Ed25519`` / ``P-256`` / ``RSA`` / ``EC-other``: what algorithms a key may be used with."""
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "P-256" if isinstance(key.curve, ec.SECP256R1) else "EC-other"
    return "RSA"


_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_DIGITS = {char: index for index, char in enumerate(_B58_ALPHABET)}


def b58decode(text: str) -> bytes:
    """base58btc (Bitcoin alphabet) to bytes; ``ValueError`` on a character outside it.

    Why not ``base58.b58decode``: it is the same arithmetic with input scrubbing and
    alphabet lookups that cost 3x as much on a did:key, the one thing a VC-JWT from a new
    issuer needs decoded. Cross-checked against that library in the tests."""
    number = 0
    try:
        for char in text:
            number = number * 58 + _B58_DIGITS[char]
    except KeyError:
        raise ValueError("invalid base58 character") from None
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + number.to_bytes((number.bit_length() + 7) // 8, "big")


def decode_multikey(value: str) -> PublicKey:
    """Decode a ``z``-multibase multicodec public key (Ed25519 or P-256)."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) > 128:
        raise KeyResolutionError(f"public key {str(value)[:80]!r} is not base58btc multibase")
    try:
        raw = b58decode(value[1:])
    except ValueError as exc:
        raise KeyResolutionError(f"public key {value!r} is not valid base58") from exc
    if raw.startswith(_ED25519_PREFIX) and len(raw) == 34:
        return ed25519.Ed25519PublicKey.from_public_bytes(raw[2:])
    if raw.startswith(_P256_PREFIX) and len(raw) == 35:
        try:
            return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
        except ValueError as exc:
            raise KeyResolutionError("P-256 multikey is not a valid point") from exc
    raise KeyResolutionError("unsupported multikey type (only Ed25519 and P-256 are accepted)")


def _b64u(value: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def jwk_to_key(jwk: Any) -> PublicKey:
    """Public key from a JWK (OKP/Ed25519, EC/P-256, RSA). Symmetric keys are refused."""
    if not isinstance(jwk, dict):
        raise KeyResolutionError("JWK is not an object")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(_b64u(jwk["x"]))
        if kty == "EC" and crv == "P-256":
            x, y = (int.from_bytes(_b64u(jwk[k]), "big") for k in ("x", "y"))
            return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        if kty == "RSA":
            n, e = (int.from_bytes(_b64u(jwk[k]), "big") for k in ("n", "e"))
            key = rsa.RSAPublicNumbers(e, n).public_key()
            if key.key_size < 2048:
                raise KeyResolutionError("RSA keys shorter than 2048 bits are refused")
            return key
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyResolutionError(f"malformed {kty} JWK: {exc}") from exc
    raise KeyResolutionError(f"unsupported JWK type kty={kty!r} crv={crv!r}")


def did_web_url(did: str) -> str:
    """The HTTPS URL of a did:web DID document (did:web spec §3.2)."""
    parts = did.split(":")
    if len(parts) < 3 or parts[0] != "did" or parts[1] != "web" or not parts[2]:
        raise KeyResolutionError(f"{did!r} is not a did:web DID")
    host = unquote(parts[2])
    if not _HOST.fullmatch(host):
        raise KeyResolutionError(f"{did!r} has an invalid host")
    segments = [unquote(p) for p in parts[3:]]
    if any(not _SEGMENT.fullmatch(s) for s in segments):
        raise KeyResolutionError(f"{did!r} has an invalid path")
    path = "/".join(segments)
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


class TTLCache:
    """Thread-safe URL -> document cache with a fixed time to live."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._items: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any:
        with self._lock:
            hit = self._items.get(key)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            if len(self._items) > 4096:
                self._items.clear()
            self._items[key] = (time.monotonic() + self.ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def clear_caches() -> None:
    """Forget every fetched document and resolved key (tests; operator 'refresh')."""
    DOCUMENTS.clear()
    RESOLVED.clear()


DOCUMENTS = TTLCache(_CACHE_TTL)


def fetch_json(url: str, fetcher: Fetcher, what: str) -> Any:
    """GET a JSON document through the fetcher (cached). Unreachable -> indeterminate."""
    cached = DOCUMENTS.get(url)
    if cached is not None:
        return cached
    try:
        response = fetcher.get(
            url,
            accept="application/did+json, application/ld+json, application/json",
            max_bytes=_DOC_MAX_BYTES,
        )
        doc = response.json()
    except FetchError as exc:
        raise KeyResolutionError(
            f"could not fetch {what} {url}: {exc}", indeterminate=True
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise KeyResolutionError(f"{what} at {url} is not JSON") from exc
    DOCUMENTS.put(url, doc)
    return doc


def _key_of_method(method: dict[str, Any]) -> PublicKey:
    if isinstance(method.get("publicKeyMultibase"), str):
        return decode_multikey(method["publicKeyMultibase"])
    if "publicKeyJwk" in method:
        return jwk_to_key(method["publicKeyJwk"])
    raw58 = method.get("publicKeyBase58")
    if isinstance(raw58, str) and len(raw58) <= 64:
        try:
            return ed25519.Ed25519PublicKey.from_public_bytes(base58.b58decode(raw58))
        except ValueError as exc:
            raise KeyResolutionError("publicKeyBase58 is not an Ed25519 key") from exc
    raise KeyResolutionError(f"verification method {method.get('id')!r} carries no public key")


def _absolute(ref: str, base: str) -> str:
    return base + ref if ref.startswith("#") else ref


def _purposes(doc: dict[str, Any], method_id: str, base: str) -> frozenset[str]:
    found = set()
    for purpose in ("assertionMethod", "authentication"):
        for entry in doc.get(purpose) or []:
            ref = entry if isinstance(entry, str) else (entry or {}).get("id", "")
            if isinstance(ref, str) and _absolute(ref, base) == method_id:
                found.add(purpose)
    return frozenset(found)


def _find_method(doc: dict[str, Any], method_id: str, base: str) -> dict[str, Any]:
    candidates = list(doc.get("verificationMethod") or [])
    for purpose in ("assertionMethod", "authentication"):
        candidates += [e for e in doc.get(purpose) or [] if isinstance(e, dict)]
    for method in candidates:
        if isinstance(method, dict) and _absolute(str(method.get("id", "")), base) == method_id:
            return method
    raise KeyResolutionError(f"{method_id} is not among the keys published at {base}")


def _from_document(doc: Any, method_id: str, doc_id: str) -> ResolvedKey:
    """Take ``method_id`` out of a controller document whose id must be ``doc_id``."""
    if not isinstance(doc, dict) or doc.get("id") != doc_id:
        raise KeyResolutionError(f"the document at {doc_id} does not identify itself as {doc_id}")
    method = _find_method(doc, method_id, doc_id)
    controller = method.get("controller", doc_id)
    if controller != doc_id:
        raise KeyResolutionError(f"{method_id} is controlled by {controller!r}, not {doc_id}")
    return ResolvedKey(_key_of_method(method), method_id, doc_id, _purposes(doc, method_id, doc_id))


@functools.lru_cache(maxsize=4096)
def resolve_did_key(method_id: str) -> ResolvedKey:
    """did:key: the key is the identifier itself (offline). Fragment must repeat it."""
    did, _, fragment = method_id.partition("#")
    multikey = did.removeprefix("did:key:")
    if fragment and fragment != multikey:
        raise KeyResolutionError(f"{method_id}: fragment does not match the did:key")
    return ResolvedKey(decode_multikey(multikey), f"{did}#{multikey}", did, _DID_KEY_PURPOSES)


_DID_KEY_PURPOSES = frozenset({"assertionMethod", "authentication"})


RESOLVED = TTLCache(_CACHE_TTL)


def resolve_method(method_id: str, fetcher: Fetcher) -> ResolvedKey:
    """Resolve a verification method id (DID URL or https URL) to a key and its controller.
    Successful remote resolutions are cached with the documents' time to live."""
    if isinstance(method_id, str) and method_id.startswith("did:key:"):
        return resolve_did_key(method_id)  # offline, memoised
    cached = RESOLVED.get(method_id)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    resolved = _resolve_method(method_id, fetcher)
    RESOLVED.put(method_id, resolved)
    return resolved


def _resolve_method(method_id: str, fetcher: Fetcher) -> ResolvedKey:
    if not isinstance(method_id, str) or ":" not in method_id:
        raise KeyResolutionError(f"verification method {method_id!r} is not a URI")
    if method_id.startswith("did:key:"):
        return resolve_did_key(method_id)
    base, _fragment = urldefrag(method_id)
    if method_id.startswith("did:web:"):
        doc = fetch_json(did_web_url(base), fetcher, "DID document")
        return _from_document(doc, method_id, base)
    if method_id.startswith("did:"):
        raise KeyResolutionError(f"DID method of {method_id!r} is not supported")
    if method_id.startswith("https://"):
        doc = fetch_json(base, fetcher, "key document")
        if isinstance(doc, dict) and isinstance(doc.get("keys"), list):
            return _from_jwks(doc, method_id, base)
        if isinstance(doc, dict) and doc.get("id") == method_id:  # a standalone key document
            controller = str(doc.get("controller", ""))
            return ResolvedKey(_key_of_method(doc), method_id, controller, frozenset())
        return _from_document(doc, method_id, base)
    raise KeyResolutionError(f"verification method {method_id!r} uses an unsupported scheme")


def _from_jwks(doc: dict[str, Any], kid: str, base: str) -> ResolvedKey:
    """A JWKS at ``base``: the key whose ``kid`` is the full kid or its fragment."""
    fragment = urldefrag(kid)[1]
    for jwk in doc["keys"]:
        if isinstance(jwk, dict) and jwk.get("kid") in (kid, fragment) and jwk.get("kid"):
            return ResolvedKey(jwk_to_key(jwk), kid, base, frozenset({"assertionMethod"}))
    raise KeyResolutionError(f"no key with kid {kid!r} in the JWKS at {base}")


def issuer_keys(issuer_id: str, fetcher: Fetcher) -> list[ResolvedKey]:
    """The assertion keys an issuer publishes (did:key, did:web, https profile or JWKS).
    Unusable entries are skipped; a document that is not the issuer's is an error."""
    if issuer_id.startswith("did:key:"):
        return [resolve_did_key(issuer_id)]
    if issuer_id.startswith("did:web:"):
        doc = fetch_json(did_web_url(issuer_id), fetcher, "DID document")
    elif issuer_id.startswith("https://"):
        doc = fetch_json(issuer_id, fetcher, "issuer profile")
    else:
        raise KeyResolutionError(f"cannot find keys for issuer {issuer_id!r}")
    if isinstance(doc, dict) and isinstance(doc.get("keys"), list):
        return [k for k in (_jwks_entry(j, issuer_id) for j in doc["keys"]) if k]
    if not isinstance(doc, dict) or doc.get("id") != issuer_id:
        raise KeyResolutionError(f"the document at {issuer_id} does not identify itself")
    candidates = list(doc.get("verificationMethod") or [])
    candidates += [e for e in doc.get("assertionMethod") or [] if isinstance(e, dict)]
    keys = []
    for method in candidates:
        if not isinstance(method, dict) or method.get("controller", issuer_id) != issuer_id:
            continue
        mid = _absolute(str(method.get("id", "")), issuer_id)
        purposes = _purposes(doc, mid, issuer_id)
        if "assertionMethod" not in purposes:
            continue
        try:
            keys.append(ResolvedKey(_key_of_method(method), mid, issuer_id, purposes))
        except (KeyResolutionError, ValueError):
            continue
    return keys


def _jwks_entry(jwk: Any, issuer_id: str) -> ResolvedKey | None:
    try:
        key = jwk_to_key(jwk)
    except KeyResolutionError:
        return None
    return ResolvedKey(key, str(jwk.get("kid", "")), issuer_id, frozenset({"assertionMethod"}))
