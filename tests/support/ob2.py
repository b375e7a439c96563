"""Test issuers for Open Badges 2.0: RSA-signed JWS assertions and hosted documents on loopback.

:class:`Ob2Issuer` publishes an issuer Profile, a CryptographicKey, a BadgeClass and a
RevocationList on an :class:`IssuerServer`, and makes hosted or signed assertions (and broken
variants) as :class:`CredentialForm` objects. :class:`MappedFetcher` lets the 1EdTech conformance
files, whose URLs say ``example.org``, be served from the loopback server without editing them
(signed JWS payloads cannot be rewritten): it maps those URL prefixes to the server at fetch time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jws
from joserfc.jwk import RSAKey

from ats_match.formats.model import CredentialForm, Envelope, RecipientIdentity, Spec
from ats_match.net.fetcher import Fetcher, FetchResponse
from tests.support.issuer_server import IssuerServer

OB2 = "https://w3id.org/openbadges/v2"
EMAIL = "ada@example.org"
SALT = "pepper"
CONFORMANCE = Path(__file__).resolve().parents[3] / "shared" / "conformance" / "1edtech" / "ob20"
_counter = itertools.count(1)


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def hashed_identity(email: str = EMAIL, salt: str = SALT) -> dict[str, Any]:
    digest = hashlib.sha256((email + salt).encode()).hexdigest()
    return {"type": "email", "hashed": True, "salt": salt, "identity": f"sha256${digest}"}


def sign(payload: dict[str, Any], key: rsa.RSAPrivateKey, alg: str = "RS256") -> str:
    return jws.serialize_compact({"alg": alg}, json.dumps(payload).encode(), RSAKey.import_key(key))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(payload: dict[str, Any], header: dict[str, Any], secret: bytes | None) -> str:
    """A token with any header: ``secret`` signs it with HMAC-SHA256, ``None`` leaves it unsigned."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    signature = (
        b"" if secret is None else hmac.new(secret, signing_input.encode(), "sha256").digest()
    )
    return f"{signing_input}.{b64(signature)}"


def form(doc: dict[str, Any], compact: str | None = None, spec: Spec = Spec.OB2) -> CredentialForm:
    """The internal form the parser would produce for ``doc`` (or the JWS ``compact``)."""
    found = doc.get("recipient")
    recipient: dict[str, Any] = found if isinstance(found, dict) else {}
    recipients = []
    if isinstance(recipient.get("identity"), str):
        recipients.append(
            RecipientIdentity(
                type=recipient.get("type", "email"),
                hashed=bool(recipient.get("hashed")),
                salt=recipient.get("salt"),
                identity=recipient["identity"],
            )
        )
    raw = (compact or json.dumps(doc)).encode()
    return CredentialForm(
        spec=spec,
        envelope=Envelope.JWS if compact else Envelope.JSON,
        id=doc.get("id"),
        document=doc,
        compact=compact,
        recipients=recipients,
        raw=raw,
    )


@dataclass
class Ob2Issuer:
    """An OB 2.0 issuer on a loopback server: profile, key, badge class, revocation list."""

    server: IssuerServer
    key: rsa.RSAPrivateKey
    revoked: list[Any] = field(default_factory=list)
    profile_extra: dict[str, Any] = field(default_factory=dict)

    @property
    def issuer_url(self) -> str:
        return self.server.url("/issuer.json")

    @property
    def key_url(self) -> str:
        return self.server.url("/key.json")

    @property
    def badge_url(self) -> str:
        return self.server.url("/badge.json")

    def publish(self, *, key_owner: str | None = None) -> None:
        """(Re)serve every issuer document, reflecting ``revoked`` and ``profile_extra``."""
        profile = {
            "@context": OB2,
            "type": "Issuer",
            "id": self.issuer_url,
            "name": "Loopback University",
            "url": self.server.base_url,
            "email": "badges@loopback.test",
            "publicKey": self.key_url,
            "revocationList": self.server.url("/revocations.json"),
            **self.profile_extra,
        }
        self.server.serve("/issuer.json", profile)
        self.server.serve(
            "/key.json",
            {
                "@context": OB2,
                "type": "CryptographicKey",
                "id": self.key_url,
                "owner": key_owner or self.issuer_url,
                "publicKeyPem": public_pem(self.key),
            },
        )
        self.server.serve(
            "/badge.json",
            {
                "@context": OB2,
                "type": "BadgeClass",
                "id": self.badge_url,
                "name": "Data Analysis with Python",
                "description": "Cleans, analyses and visualises data with pandas.",
                "criteria": {"narrative": "Pass the capstone project."},
                "tags": ["python", "pandas"],
                "alignment": [{"targetName": "data analysis", "targetUrl": "http://esco.test/1"}],
                "image": self.server.url("/badge.png"),
                "issuer": self.issuer_url,
            },
        )
        self.server.serve(
            "/revocations.json",
            {
                "@context": OB2,
                "type": "RevocationList",
                "id": self.server.url("/revocations.json"),
                "revokedAssertions": self.revoked,
            },
        )

    def assertion(self, kind: str = "hosted", **overrides: Any) -> dict[str, Any]:
        path = f"/assertions/{next(_counter)}.json"
        doc: dict[str, Any] = {
            "@context": OB2,
            "type": "Assertion",
            "id": self.server.url(path),
            "recipient": hashed_identity(),
            "badge": self.badge_url,
            "issuedOn": "2024-05-01T12:00:00Z",
            "verification": {"type": "hosted"}
            if kind == "hosted"
            else {"type": "signed", "creator": self.key_url},
        }
        doc.update(overrides)
        return {k: v for k, v in doc.items() if v is not None}

    def hosted(self, **overrides: Any) -> CredentialForm:
        """A hosted assertion, served at its id; returns what an applicant would attach."""
        doc = self.assertion("hosted", **overrides)
        self.serve_assertion(doc)
        return form(doc)

    def serve_assertion(self, doc: dict[str, Any], **kw: Any) -> None:
        self.server.serve(doc["id"].removeprefix(self.server.base_url), doc, **kw)

    def signed(self, key: rsa.RSAPrivateKey | None = None, **overrides: Any) -> CredentialForm:
        doc = self.assertion("signed", **overrides)
        return form(doc, sign(doc, key or self.key))


class MappedFetcher:
    """Maps URL prefixes (e.g. ``https://example.org/``) onto a loopback server, then fetches.

    The verifier sees the original URLs (responses report them), exactly as if the conformance
    files' hosts existed; only the transport goes to 127.0.0.1.
    """

    def __init__(self, inner: Fetcher, mapping: dict[str, str]) -> None:
        self.inner = inner
        self.mapping = mapping

    def get(
        self, url: str, *, accept: str | None = None, max_bytes: int | None = None
    ) -> FetchResponse:
        for prefix, target in self.mapping.items():
            if url.startswith(prefix):
                response = self.inner.get(
                    target + url[len(prefix) :], accept=accept, max_bytes=max_bytes
                )
                return FetchResponse(url, response.status_code, response.content, response.headers)
        return self.inner.get(url, accept=accept, max_bytes=max_bytes)


def serve_conformance_assets(server: IssuerServer) -> None:
    """Every ``ob20/assets`` file at ``/<name>`` and, for JSON, also ``/<name without .json>``."""
    for path in (CONFORMANCE / "assets").iterdir():
        content_type = "application/json" if path.suffix == ".json" else "application/octet-stream"
        server.serve(f"/{path.name}", path.read_bytes(), content_type=content_type)
        if path.suffix == ".json":
            server.serve(f"/{path.stem}", path.read_bytes(), content_type=content_type)


def example_org_mapping(server: IssuerServer) -> dict[str, str]:
    base = server.base_url + "/"
    return {
        p: base for p in ("https://www.example.org/", "https://example.org/", "http://example.org/")
    }


def fixed_now() -> datetime:
    """A date after the fixtures' issue dates and before 2100 (the "in future" fixture)."""
    return datetime(2026, 1, 1, tzinfo=UTC)
