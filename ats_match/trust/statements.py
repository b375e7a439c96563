"""OpenID Federation 1.0 entity statements: decode, check and verify one signed JWT.

An entity statement is a JWT with header ``typ: entity-statement+jwt`` whose claims name its
issuer (``iss``), its subject (``sub``), when it was issued and until when it holds (``iat``,
``exp``, NumericDate), the subject's federation keys (``jwks``), and for an entity configuration
(``iss == sub``, served at ``<entity>/.well-known/openid-federation``) its superiors
(``authority_hints``) and ``metadata``.

What is enforced here, for every statement: the ``typ``; a ``kid`` that names exactly one key of
the verifying key set; an asymmetric algorithm from :data:`ALGORITHMS` (never ``none``, never
HMAC), which must suit that key; ``iss``/``sub`` strings; ``iat``/``exp`` numbers (a string or a
boolean is refused, as the spec's NumericDate requires), ``exp`` in the future and ``iat`` not in
the future (with :data:`LEEWAY_SECONDS` of clock skew); and ``crit`` naming only claims we
understand (we understand none beyond the base set, so any ``crit`` entry is refused).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ats_match.formats.jose import looks_compact

STATEMENT_TYPE = "entity-statement+jwt"
ALGORITHMS = ("ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "EdDSA")
LEEWAY_SECONDS = 60
MAX_STATEMENT_BYTES = 256 * 1024


class StatementError(ValueError):
    """The statement is malformed, expired, or its signature does not verify."""


@dataclass(frozen=True)
class EntityStatement:
    token: str
    header: dict[str, Any]
    claims: dict[str, Any]

    @property
    def iss(self) -> str:
        return str(self.claims["iss"])

    @property
    def sub(self) -> str:
        return str(self.claims["sub"])

    @property
    def is_configuration(self) -> bool:
        return self.iss == self.sub

    @property
    def jwks(self) -> KeySet | None:
        return _key_set(self.claims.get("jwks"))

    @property
    def authority_hints(self) -> tuple[str, ...]:
        hints = self.claims.get("authority_hints")
        if not isinstance(hints, list):
            return ()
        return tuple(h for h in hints if isinstance(h, str))

    @property
    def metadata(self) -> dict[str, Any]:
        value = self.claims.get("metadata")
        return value if isinstance(value, dict) else {}

    def federation_entity(self) -> dict[str, Any]:
        value = self.metadata.get("federation_entity")
        return value if isinstance(value, dict) else {}


def parse_statement(token: str, *, now: float | None = None) -> EntityStatement:
    """Decode and check ``token`` without verifying its signature (see :func:`verify_with`)."""
    token = token.strip()
    if len(token) > MAX_STATEMENT_BYTES or not looks_compact(token):
        raise StatementError("not a compact JWT")
    try:
        compact = jws.extract_compact(token.encode())
        header = dict(compact.headers())
        claims = json.loads(compact.payload)
    except (JoseError, ValueError, RecursionError) as exc:
        raise StatementError(f"cannot decode the statement: {exc}") from None
    if not isinstance(claims, dict):
        raise StatementError("the statement's claims are not a JSON object")
    statement = EntityStatement(token, header, claims)
    _check_header(header)
    _check_claims(claims, time.time() if now is None else now)
    return statement


def verify_with(statement: EntityStatement, keys: KeySet | None, *, signer: str) -> None:
    """Verify ``statement``'s signature with the key its ``kid`` names in ``keys``."""
    if keys is None:
        raise StatementError(f"no keys of {signer} to verify a statement about {statement.sub}")
    kid = statement.header.get("kid")
    matching = [k for k in keys.keys if k.kid == kid]
    if len(matching) != 1:
        raise StatementError(f"the key {kid!r} is not among {signer}'s federation keys")
    algorithm = str(statement.header.get("alg"))
    try:
        jws.deserialize_compact(statement.token, matching[0], algorithms=[algorithm])
    except (JoseError, ValueError) as exc:
        raise StatementError(
            f"the statement about {statement.sub} is not signed by {signer}'s key {kid}: {exc}"
        ) from None


def _check_header(header: dict[str, Any]) -> None:
    if header.get("typ") != STATEMENT_TYPE:
        raise StatementError(f"typ is {header.get('typ')!r}, not {STATEMENT_TYPE}")
    if header.get("alg") not in ALGORITHMS:
        raise StatementError(f"algorithm {header.get('alg')!r} is not accepted")
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise StatementError("the statement names no signing key (kid)")


def _check_claims(claims: dict[str, Any], now: float) -> None:
    for name in ("iss", "sub"):
        if not isinstance(claims.get(name), str) or not claims[name]:
            raise StatementError(f"the statement has no {name}")
    for name in ("iat", "exp"):
        value = claims.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise StatementError(f"{name} is not a NumericDate")
    if claims["exp"] <= now - LEEWAY_SECONDS:
        raise StatementError(f"the statement about {claims['sub']} expired")
    if claims["iat"] > now + LEEWAY_SECONDS:
        raise StatementError(f"the statement about {claims['sub']} is issued in the future")
    if "crit" in claims:
        raise StatementError(f"the statement requires claims we do not process: {claims['crit']}")
    if "jwks" in claims and _key_set(claims["jwks"]) is None:
        raise StatementError("jwks is not a set of public keys")


def _key_set(value: Any) -> KeySet | None:
    if not isinstance(value, dict) or not isinstance(value.get("keys"), list):
        return None
    keys = value["keys"]
    if not keys or any(not isinstance(k, dict) or "d" in k or k.get("kty") == "oct" for k in keys):
        return None
    try:
        return KeySet.import_key_set({"keys": keys})
    except (JoseError, ValueError, TypeError):
        return None


def key_set(value: Any) -> KeySet | None:
    """A public :class:`KeySet` from a JWKS object, or ``None`` when it is not one (private or
    symmetric keys are refused)."""
    return _key_set(value)
