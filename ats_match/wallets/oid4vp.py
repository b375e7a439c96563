"""OpenID for Verifiable Presentations 1.0: the signed request object and the wallet's answer.

The verifier identifies itself with the ``decentralized_identifier`` client identifier prefix:
``client_id`` is ``decentralized_identifier:<did:web of the server>``, and the request object
(JAR, RFC 9101, ``typ: oauth-authz-req+jwt``) is signed with that DID's key, whose DID document
the server serves at ``/.well-known/did.json``. The request asks, in DCQL, for the Open Badges
3.0 / CLR 2.0 credentials that requirement sets are evaluated on (``ldp_vc`` and
``jwt_vc_json``), with ``response_mode: direct_post``. The wallet posts ``vp_token`` (a JSON
object: DCQL credential query id -> presentations) and ``state`` to ``response_uri``; each
presentation must then carry this request's ``nonce`` (``challenge`` / ``nonce``) and the
``client_id`` as its audience (``domain`` / ``aud``), OID4VP 1.0 Appendix B.1.
"""

from __future__ import annotations

import json
import time
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from joserfc import jwt

from ats_match.wallets.errors import NotAPresentation, PresentationRefused
from ats_match.wallets.server_key import VerifierKey

CLIENT_ID_PREFIX = "decentralized_identifier:"
REQUEST_TYP = "oauth-authz-req+jwt"
VC_TYPE = "https://www.w3.org/2018/credentials#VerifiableCredential"
OB_VOCAB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
CLR_VOCAB = "https://purl.imsglobal.org/spec/vc/clr/vocab.html#"
REQUESTED_TYPES = (
    OB_VOCAB + "OpenBadgeCredential",
    OB_VOCAB + "AchievementCredential",
    CLR_VOCAB + "ClrCredential",
)
"""Requirement sets judge skills and achievements, which these credential types carry."""
FORMATS = {"ldp_vc": "ldp", "jwt_vc_json": "jwt"}
MAX_PRESENTATIONS = 20


def verifier_did(base_url: str) -> str:
    """``did:web`` of the server at ``base_url`` (a port is percent-encoded, as did:web says)."""
    host = urlsplit(base_url).netloc
    return "did:web:" + quote(host, safe="")


def client_id(base_url: str) -> str:
    return CLIENT_ID_PREFIX + verifier_did(base_url)


def did_document(base_url: str, key: VerifierKey) -> dict[str, Any]:
    """The server's DID document: one Ed25519 key that signs request objects."""
    did = verifier_did(base_url)
    method = {
        "id": f"{did}#{key.fragment}",
        "type": "JsonWebKey",
        "controller": did,
        "publicKeyJwk": key.public_jwk(),
    }
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": [method],
        "assertionMethod": [method["id"]],
        "authentication": [method["id"]],
    }


def dcql_query(types: tuple[str, ...] = REQUESTED_TYPES) -> dict[str, Any]:
    """One credential query per format and type; any of them satisfies the request."""
    credentials = []
    for fmt, short in FORMATS.items():
        for kind in types:
            credentials.append(
                {
                    "id": f"{short}_{kind.rsplit('#', 1)[1].lower()}",
                    "format": fmt,
                    "multiple": True,
                    "meta": {"type_values": [[VC_TYPE, kind]]},
                }
            )
    return {
        "credentials": credentials,
        "credential_sets": [{"options": [[c["id"]] for c in credentials], "required": True}],
    }


@dataclass(frozen=True)
class RequestParams:
    nonce: str
    state: str
    response_uri: str
    expires_at: int


def request_object(base_url: str, key: VerifierKey, params: RequestParams) -> str:
    """The signed authorization request (JAR) the wallet fetches from ``request_uri``."""
    now = int(time.time())
    claims = {
        "iss": client_id(base_url),
        "aud": "https://self-issued.me/v2",
        "client_id": client_id(base_url),
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": params.response_uri,
        "nonce": params.nonce,
        "state": params.state,
        "dcql_query": dcql_query(),
        "client_metadata": {
            "vp_formats_supported": {
                "ldp_vc": {
                    "proof_type_values": ["DataIntegrityProof", "Ed25519Signature2020"],
                    "cryptosuite_values": ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"],
                },
                "jwt_vc_json": {"alg_values": ["EdDSA", "ES256"]},
            }
        },
        "iat": now,
        "exp": min(params.expires_at, now + 600),
    }
    header = {"alg": "EdDSA", "typ": REQUEST_TYP, "kid": f"{verifier_did(base_url)}#{key.fragment}"}
    with warnings.catch_warnings():  # joserfc flags "EdDSA" (RFC 9864); wallets expect it
        warnings.simplefilter("ignore")
        return str(jwt.encode(header, claims, key.jose_key(), algorithms=["EdDSA"]))


def authorization_url(base_url: str, request_uri: str) -> str:
    """What the QR code holds: the wallet invocation with the request passed by reference."""
    query = urlencode({"client_id": client_id(base_url), "request_uri": request_uri})
    return f"openid4vp://?{query}"


def presentations_of(form: dict[str, str], state: str) -> list[Any]:
    """The presentations of a ``direct_post`` response (``vp_token`` and ``state``)."""
    if form.get("error"):
        raise PresentationRefused(
            f"Your wallet declined the request ({form.get('error')}: "
            f"{form.get('error_description', '')})".strip()
        )
    if form.get("state") != state:
        raise PresentationRefused("The wallet's answer is for another request (state differs).")
    try:
        token = json.loads(form.get("vp_token", ""))
    except ValueError as exc:
        raise NotAPresentation("vp_token is not a JSON object.") from exc
    if not isinstance(token, dict) or not token:
        raise NotAPresentation("vp_token must map the query's credential ids to presentations.")
    known = {c["id"] for c in dcql_query()["credentials"]}
    found: list[Any] = []
    for query_id, value in token.items():
        if query_id not in known:
            raise NotAPresentation(f"vp_token answers {query_id!r}, which was not asked for.")
        found.extend(value if isinstance(value, list) else [value])
    if len(found) > MAX_PRESENTATIONS:
        raise NotAPresentation(f"vp_token carries more than {MAX_PRESENTATIONS} presentations.")
    return found
