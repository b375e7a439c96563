"""OpenID Federation entities played on the loopback server: keys, signed statements, routes.

An :class:`Entity` has an id under the test server (``https://127.0.0.1:PORT/ta``, or the bare
origin for a leaf), an EC P-256 federation key, and publishes its entity configuration at
``<id>/.well-known/openid-federation`` and, as a superior, subordinate statements at its fetch
endpoint ``<id>/fetch?sub=<entity id>`` (exactly as a client builds that URL).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from joserfc import jwt
from joserfc.jwk import ECKey

from tests.support.issuer_server import IssuerServer

TYP = "entity-statement+jwt"


def new_key(kid: str) -> ECKey:
    return ECKey.generate_key("P-256", parameters={"kid": kid}, private=True)


def public_jwks(*keys: ECKey) -> dict[str, Any]:
    return {"keys": [k.as_dict(private=False) for k in keys]}


def sign(key: ECKey, claims: dict[str, Any], *, typ: str = TYP, kid: str | None = None) -> str:
    header = {"alg": "ES256", "typ": typ, "kid": kid or key.kid}
    return jwt.encode(header, claims, key, algorithms=["ES256"])


@dataclass
class Entity:
    server: IssuerServer
    path: str
    """"" for the server's origin itself, else "/ta", "/int", ..."""
    name: str
    key: ECKey = field(init=False)

    def __post_init__(self) -> None:
        self.key = new_key(f"{self.name}-key")

    @property
    def id(self) -> str:
        return self.server.base_url + self.path

    @property
    def fetch_endpoint(self) -> str:
        return self.id + "/fetch"

    def configuration(
        self, *, hints: tuple[str, ...] = (), lifetime: int = 3600, **extra: Any
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.id,
            "sub": self.id,
            "iat": now,
            "exp": now + lifetime,
            "jwks": public_jwks(self.key),
            "metadata": {
                "federation_entity": {
                    "organization_name": f"{self.name} (self-declared)",
                    "federation_fetch_endpoint": self.fetch_endpoint,
                }
            },
            **extra,
        }
        if hints:
            claims["authority_hints"] = list(hints)
        return sign(self.key, claims)

    def publish(self, *, hints: tuple[str, ...] = (), token: str | None = None) -> None:
        self.server.serve(
            self.path + "/.well-known/openid-federation",
            token or self.configuration(hints=hints),
            content_type="application/entity-statement+jwt",
        )

    def statement_about(
        self,
        sub: str,
        *,
        name: str | None = None,
        jwks: dict[str, Any] | None = None,
        lifetime: int = 3600,
        signing_key: ECKey | None = None,
        **extra: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {"iss": self.id, "sub": sub, "iat": now, "exp": now + lifetime}
        if jwks is not None:
            claims["jwks"] = jwks
        if name:
            claims["metadata"] = {
                "federation_entity": {
                    "organization_name": name,
                    "homepage_uri": "https://x.example",
                }
            }
        claims.update(extra)
        key = signing_key or self.key
        return sign(key, claims, kid=self.key.kid)

    def vouch(self, sub: str, token: str) -> None:
        """Serve ``token`` as this superior's answer about ``sub``."""
        path = urlsplit(self.fetch_endpoint).path
        self.server.serve(
            f"{path}?sub={quote(sub, safe='')}",
            token,
            content_type="application/entity-statement+jwt",
        )
