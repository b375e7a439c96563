"""A wallet played by the tests: it holds a did:key, keeps credentials issued to that DID,
answers VC-API exchanges and OpenID4VP requests, and builds signed presentations.

Presentations are signed the way wallets sign them: Data Integrity (``eddsa-rdfc-2022`` in a
VCDM 2.0 presentation, ``Ed25519Signature2020`` in a VCDM 1.1 one, as the Learner Credential
Wallet does) with ``proofPurpose: authentication``, or a VP-JWT signed with joserfc.
"""

from __future__ import annotations

import base64
import json
import time
import warnings
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from joserfc import jwt
from joserfc.jwk import OKPKey

from ats_match.verification.dataintegrity import sign_proof
from tests.support.signing import (
    NOW,
    TestKey,
    iso,
    ob3_credential,
    sign_data_integrity,
    sign_vc_jwt,
)

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
OB_3_0_2 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"


@dataclass
class Issuer:
    """A did:key issuer of Open Badges 3.0 credentials."""

    key: TestKey = field(default_factory=TestKey.generate)

    def ldp_badge(
        self, subject: str, name: str = "Python Data Analysis", *, v1: bool = False
    ) -> dict[str, Any]:
        """``v1``: an OB 3.0.2 credential on VCDM 1.1 signed with Ed25519Signature2020, as the
        wallets of the Digital Credentials Consortium hold them."""
        vc = ob3_credential(self.key.did_key(), subject_id=subject, name=name)
        if not v1:
            return sign_data_integrity(vc, self.key, self.key.did_key_vm())
        vc["@context"] = [VC_V1, OB_3_0_2]
        vc["issuanceDate"] = vc.pop("validFrom")
        return sign_data_integrity(
            vc, self.key, self.key.did_key_vm(), cryptosuite="Ed25519Signature2020"
        )

    def jwt_badge(self, subject: str, name: str = "SQL Fundamentals") -> str:
        vc = ob3_credential(self.key.did_key(), subject_id=subject, name=name)
        return sign_vc_jwt(vc, self.key, kid=self.key.did_key_vm())


@dataclass
class Wallet:
    key: TestKey = field(default_factory=TestKey.generate)
    credentials: list[Any] = field(default_factory=list)
    did_web: str | None = None
    """Hold a did:web (its document served by the test on loopback) instead of a did:key."""

    @property
    def did(self) -> str:
        return self.did_web or self.key.did_key()

    @property
    def vm(self) -> str:
        return f"{self.did_web}#auth" if self.did_web else self.key.did_key_vm()

    def did_document(self, *, authentication: bool = True) -> dict[str, Any]:
        """The did:web document: the key as ``authentication`` (or only ``assertionMethod``)."""
        assert self.did_web is not None
        method = {
            "id": self.vm,
            "type": "Multikey",
            "controller": self.did_web,
            "publicKeyMultibase": self.key.multikey(),
        }
        doc: dict[str, Any] = {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": self.did_web,
            "verificationMethod": [method],
            "assertionMethod": [method["id"]],
        }
        if authentication:
            doc["authentication"] = [method["id"]]
        return doc

    # ---------------------------------------------------------------------- presentations
    def ldp_vp(
        self,
        challenge: str | None,
        domain: str | None,
        *,
        credentials: list[Any] | None = None,
        suite: str = "eddsa-rdfc-2022",
        purpose: str = "authentication",
        holder: str | None = None,
        signer: TestKey | None = None,
    ) -> dict[str, Any]:
        """A JSON-LD presentation; ``challenge is None``: unsigned (no holder proof)."""
        v1 = suite == "Ed25519Signature2020"
        vp: dict[str, Any] = {
            "@context": [VC_V1, ED25519_2020] if v1 else [VC_V2],
            "type": ["VerifiablePresentation"],
            "holder": holder or self.did,
            "verifiableCredential": self.credentials if credentials is None else credentials,
        }
        if challenge is None:
            return vp
        key = signer or self.key
        options: dict[str, Any] = {
            "type": "Ed25519Signature2020" if v1 else "DataIntegrityProof",
            "created": iso(NOW),
            "verificationMethod": signer.did_key_vm() if signer else self.vm,
            "proofPurpose": purpose,
            "challenge": challenge,
            "domain": domain,
        }
        if not v1:
            options["cryptosuite"] = suite
        return sign_proof(vp, options, key.sign)

    def jwt_vp(
        self,
        nonce: str,
        audience: str,
        *,
        credentials: list[Any] | None = None,
        exp: int | None = None,
        signer: TestKey | None = None,
    ) -> str:
        key = signer or self.key
        now = int(time.time())
        claims = {
            "iss": self.did,
            "aud": audience,
            "nonce": nonce,
            "iat": now,
            "nbf": now,
            "exp": exp if exp is not None else now + 300,
            "vp": {
                "@context": [VC_V1],
                "type": ["VerifiablePresentation"],
                "holder": self.did,
                "verifiableCredential": self.credentials if credentials is None else credentials,
            },
        }
        header = {"alg": "EdDSA", "typ": "JWT", "kid": signer.did_key_vm() if signer else self.vm}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return str(jwt.encode(header, claims, key.jose_key(), algorithms=["EdDSA"]))

    # ---------------------------------------------------------------------- OpenID4VP
    def read_oid4vp_request(self, client: Any, invocation: str) -> dict[str, Any]:
        """Fetch the request object the QR code points to and check it as a wallet must:
        signed by a key of the DID in ``client_id`` (did:web, resolved at the server)."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(invocation).query).items()}
        response = client.get(_path(query["request_uri"]))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/oauth-authz-req+jwt")
        token = response.text
        header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
        assert header["typ"] == "oauth-authz-req+jwt"
        did_doc = client.get("/.well-known/did.json").json()
        client_id = query["client_id"]
        assert client_id == "decentralized_identifier:" + did_doc["id"]
        assert header["kid"].startswith(did_doc["id"] + "#")
        method = next(m for m in did_doc["verificationMethod"] if m["id"] == header["kid"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            claims = jwt.decode(
                token, OKPKey.import_key(method["publicKeyJwk"]), algorithms=["EdDSA"]
            ).claims
        assert claims["client_id"] == client_id
        return dict(claims)

    def answer_oid4vp(self, request: dict[str, Any], presentation: Any) -> dict[str, str]:
        """The ``direct_post`` form: the first credential query answered with one VP."""
        wanted = {c["format"]: c["id"] for c in request["dcql_query"]["credentials"]}
        query_id = wanted["jwt_vc_json" if isinstance(presentation, str) else "ldp_vc"]
        return {"vp_token": json.dumps({query_id: [presentation]}), "state": request["state"]}


def _path(url: str) -> str:
    """A server URL as a path for the in-process test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
