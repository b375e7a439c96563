"""End to end from bytes: ``formats.extract_bytes`` -> ``verify_credential``.

Our own issuers' credentials (VC-JWT, Data Integrity JSON) over the loopback server, and the
1EdTech baked PNG / SVG credentials with their issuers played by a URL map.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from ats_match.formats.extract import extract_bytes
from ats_match.verification import verify_credential
from ats_match.verification.report import Verdict
from tests.support.signing import ob3_credential, sign_data_integrity, sign_vc_jwt
from tests.verification.vc.conftest import EMAIL, LEARNER, Issuer
from tests.verification.vc.helpers import OB30, OfflineFetcher, context
from tests.verification.vc.test_conformance import MapFetcher, _issuers, _profile


def _only(data: bytes, name: str) -> Any:
    result = extract_bytes(data, source=name)
    assert len(result.credentials) == 1, result.errors
    return result.credentials[0]


@pytest.mark.parametrize("fmt", ["vcdm11", "vcdm2", "eddsa-rdfc-2022"])
def test_our_credentials_from_bytes(issuer: Issuer, fmt: str) -> None:
    vc = ob3_credential(issuer.did, subject_id=LEARNER, email=EMAIL)
    key = issuer.keys["Ed25519"]
    if fmt == "eddsa-rdfc-2022":
        data = json.dumps(sign_data_integrity(vc, key, issuer.vm())).encode()
    else:
        data = sign_vc_jwt(vc, key, kid=issuer.vm(), form=fmt).encode()
    cred = _only(data, f"badge.{fmt}")
    assert verify_credential(cred, issuer.context()).status == Verdict.VERIFIED
    forged = data.replace(b"Python Data Analysis", b"Python Data Analysiz")
    if fmt != "eddsa-rdfc-2022":  # the name sits base64-encoded inside the token
        head, body, sig = data.decode().split(".")
        claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        (claims.get("vc") or claims)["name"] = "Forged"
        body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        forged = f"{head}.{body}.{sig}".encode()
    assert verify_credential(_only(forged, "forged"), issuer.context()).status == Verdict.FAILED


BAKED = ["simple-json.png", "simple-json.svg", "simple-jwt.png", "simple-jwt.svg"]


def _issuer_map(creds: list[Any]) -> MapFetcher:
    """The 1EdTech issuers, also publishing the keys the baked credentials name."""
    fetcher = _issuers()
    for cred in creds:
        if cred.compact:
            header = json.loads(
                base64.urlsafe_b64decode(
                    cred.compact.split(".")[0] + "=" * (-len(cred.compact.split(".")[0]) % 4)
                )
            )
            issuer = cred.issuer.id
            profile = fetcher.documents.get(issuer) or _profile(issuer, set())
            method = {
                "id": f"{issuer}#jwt-key",
                "type": "JsonWebKey",
                "controller": issuer,
                "publicKeyJwk": header["jwk"],
            }
            profile["verificationMethod"].append(method)
            profile["assertionMethod"].append(method["id"])
            fetcher.documents[issuer] = profile
        else:
            proof = cred.document["proof"]
            method = (proof[0] if isinstance(proof, list) else proof)["verificationMethod"]
            base, frag = method.split("#")
            profile = fetcher.documents.get(base) or _profile(base, set())
            extra = _profile(base, {frag})
            profile["verificationMethod"] += extra["verificationMethod"]
            profile["assertionMethod"] += extra["assertionMethod"]
            fetcher.documents[base] = profile
    return fetcher


@pytest.mark.parametrize("name", BAKED)
def test_1edtech_baked_credentials(name: str) -> None:
    cred = _only((OB30 / name).read_bytes(), name)
    subject = (cred.document.get("credentialSubject") or {}).get("id")
    dids = (subject,) if subject else ()
    offline = verify_credential(cred, context(OfflineFetcher(), proven_dids=dids))
    assert offline.status == Verdict.INDETERMINATE
    served = verify_credential(cred, context(_issuer_map([cred]), proven_dids=dids))
    detail = "; ".join(f"{c.name}={c.status.value}: {c.detail}" for c in served.checks)
    assert served.status == Verdict.VERIFIED, detail
