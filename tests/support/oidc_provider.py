"""A small OpenID Connect provider on loopback, played by the tests.

It does what a real provider does in the authorization-code flow with PKCE: discovery, an
``/authorize`` that signs in whichever person the test chose and redirects back with a code,
a ``/token`` that checks the client's secret, the code, the redirect URI and the PKCE verifier
and answers with an RS256 ID token, and its JWKS. ``misbehave`` makes the ID token wrong in one
way (another audience, issuer or nonce, expired, signed by a key it does not publish, an
unverified e-mail) so the tests can see each refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey


@dataclass
class Person:
    email: str
    name: str = "Sam Single-Sign-On"
    email_verified: bool | None = True


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    nonce: str
    challenge: str
    person: Person


@dataclass
class OidcProvider:
    client_id: str = "ats-match-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    person: Person | None = None
    misbehave: str = ""
    """"", "audience", "issuer", "nonce", "expired", "unpublished_key" or "alg_none"."""
    token_requests: int = 0

    def __post_init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self._grants: dict[str, _Grant] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> OidcProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    # -- the endpoints ---------------------------------------------------------------------
    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if self.person is None or query.get("client_id") != self.client_id:
            return 400, {}, b"unknown client or nobody signed in"
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {}, b"PKCE required"
        code = secrets.token_urlsafe(16)
        self._grants[code] = _Grant(
            self.client_id,
            query["redirect_uri"],
            query.get("nonce", ""),
            query["code_challenge"],
            self.person,
        )
        target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        return 302, {"location": target}, b""

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests += 1
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if authorization != f"Basic {expected}":
            return 401, {"error": "invalid_client"}
        grant = self._grants.pop(form.get("code", ""), None)
        if grant is None or form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant"}
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE"}
        return 200, {
            "access_token": secrets.token_urlsafe(16),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self._id_token(grant),
        }

    def _id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": "https://elsewhere.example" if self.misbehave == "issuer" else self.issuer,
            "aud": "someone-else" if self.misbehave == "audience" else grant.client_id,
            "sub": hashlib.sha256(grant.person.email.encode()).hexdigest()[:20],
            "iat": now,
            "exp": now - 60 if self.misbehave == "expired" else now + 300,
            "nonce": "replayed" if self.misbehave == "nonce" else grant.nonce,
            "email": grant.person.email,
            "name": grant.person.name,
        }
        if grant.person.email_verified is not None:
            claims["email_verified"] = grant.person.email_verified
        if self.misbehave == "alg_none":
            header = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode()
            body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
            return f"{header}.{body}."
        key = self.other_key if self.misbehave == "unpublished_key" else self.key
        return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _answer(
                self, status: int, body: Any, headers: dict[str, str] | None = None
            ) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                if not isinstance(body, bytes):
                    self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/.well-known/openid-configuration":
                    self._answer(200, provider.discovery())
                elif parts.path == "/jwks":
                    self._answer(200, {"keys": [provider.key.as_dict(private=False)]})
                elif parts.path == "/authorize":
                    status, headers, body = provider.authorize(query)
                    self._answer(status, body, headers)
                else:
                    self._answer(404, {"error": "not found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/token":
                    self._answer(404, {"error": "not found"})
                    return
                status, body = provider.token(form, self.headers.get("authorization", ""))
                self._answer(status, body)

        return Handler
