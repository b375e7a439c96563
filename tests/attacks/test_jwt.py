"""JWT attacks on an OB 3.0 VC-JWT whose issuer is the victim's did:key, each token uploaded as
a file: forged signatures must never be ``genuine``; a validly signed token with a claim or
header the verifier must refuse must never be ``verified``; nothing may be fetched."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.attacks.support import verify_bytes
from tests.support.signing import (
    TestKey,
    b64u,
    forge_hmac_jwt,
    ob3_credential,
    sign_vc_jwt,
    vc_claims,
)

pytestmark = pytest.mark.attack("jwt")

LEARNER = "did:example:learner"


@dataclass(frozen=True)
class Keys:
    victim: TestKey
    attacker: TestKey

    def vc(self) -> dict[str, Any]:
        return ob3_credential(self.victim.did_key(), subject_id=LEARNER)

    def claims(self, **extra: Any) -> dict[str, Any]:
        return {**vc_claims(self.vc()), **extra}


def raw_token(header: dict[str, Any], claims: dict[str, Any], signer: TestKey | None) -> str:
    """A compact JWS with exactly this header (no library second-guessing it)."""
    signing_input = f"{b64u(json.dumps(header).encode())}.{b64u(json.dumps(claims).encode())}"
    signature = b64u(signer.sign(signing_input.encode())) if signer else ""
    return f"{signing_input}.{signature}"


def _victim_header(keys: Keys, **extra: Any) -> dict[str, Any]:
    return {"alg": "EdDSA", "typ": "JWT", "kid": keys.victim.did_key_vm(), **extra}


def _tampered(keys: Keys) -> str:
    head, _, signature = sign_vc_jwt(keys.vc(), keys.victim, kid=keys.victim.did_key_vm()).split(
        "."
    )
    claims = keys.claims()
    claims["vc"]["credentialSubject"]["achievement"]["name"] = "Doctor of Medicine"
    return f"{head}.{b64u(json.dumps(claims).encode())}.{signature}"


Forge = Callable[[Keys], str]
FORGED: dict[str, Forge] = {
    "alg-none": lambda k: raw_token({"alg": "none", "typ": "JWT"}, k.claims(), None),
    "alg-none-uppercase": lambda k: raw_token({"alg": "NONE", "typ": "JWT"}, k.claims(), None),
    "alg-none-with-kid": lambda k: raw_token(
        {"alg": "none", "kid": k.victim.did_key_vm()}, k.claims(), None
    ),
    "hs256-with-raw-public-key": lambda k: forge_hmac_jwt(
        k.vc(), k.victim.public_raw(), kid=k.victim.did_key_vm()
    ),
    "hs256-with-pem-public-key": lambda k: forge_hmac_jwt(
        k.vc(), k.victim.public_pem(), kid=k.victim.did_key_vm()
    ),
    "kid-victim-signed-by-attacker": lambda k: raw_token(_victim_header(k), k.claims(), k.attacker),
    "kid-pointing-to-attacker-did": lambda k: raw_token(
        _victim_header(k, kid=k.attacker.did_key_vm()), k.claims(), k.attacker
    ),
    "kid-pointing-to-url": lambda k: raw_token(
        _victim_header(k, kid="http://127.0.0.1:9/keys/1"), k.claims(), k.attacker
    ),
    "embedded-attacker-jwk": lambda k: raw_token(
        {"alg": "EdDSA", "typ": "JWT", "jwk": k.attacker.public_jwk()}, k.claims(), k.attacker
    ),
    "jku-to-attacker-jwks": lambda k: raw_token(
        _victim_header(k, jku="http://127.0.0.1:9/jwks.json"), k.claims(), k.attacker
    ),
    "payload-changed-after-signing": _tampered,
    "signature-stripped": lambda k: raw_token(_victim_header(k), k.claims(), None),
}
REFUSED: dict[str, Forge] = {
    "exp-as-iso-string": lambda k: raw_token(
        _victim_header(k), k.claims(exp="2020-01-01T00:00:00Z"), k.victim
    ),
    "exp-as-numeric-string": lambda k: raw_token(
        _victim_header(k), k.claims(exp="1577836800"), k.victim
    ),
    "crit-unknown-extension": lambda k: raw_token(
        _victim_header(k, crit=["urn:attacker:ext"], **{"urn:attacker:ext": True}),
        k.claims(),
        k.victim,
    ),
    "crit-b64-false": lambda k: raw_token(
        _victim_header(k, crit=["b64"], b64=False), k.claims(), k.victim
    ),
    "huge-header": lambda k: raw_token(
        _victim_header(k, pad="x" * 3_000_000), k.claims(), k.victim
    ),
}
CASES = {**FORGED, **REFUSED}


@pytest.fixture(scope="module")
def keys() -> Keys:
    return Keys(TestKey.generate(), TestKey.generate())


@pytest.mark.parametrize("case", sorted(CASES))
def test_jwt_attack_is_not_accepted(case: str, keys: Keys) -> None:
    verdicts = verify_bytes(CASES[case](keys).encode(), proven_dids=(LEARNER,))
    assert not verdicts.any_verified, [r.status for r in verdicts.reports]
    if case in FORGED:
        assert not verdicts.any_genuine, [r.authenticity for r in verdicts.reports]
    assert verdicts.extraction.errors or verdicts.reports
    assert not any(u.startswith("http://127.0.0.1:9") for u in verdicts.fetched), verdicts.fetched


def test_control_the_victims_own_token_verifies(keys: Keys) -> None:
    token = raw_token(_victim_header(keys), keys.claims(), keys.victim)
    verdicts = verify_bytes(token.encode(), proven_dids=(LEARNER,))
    assert verdicts.any_genuine and verdicts.any_verified, verdicts.reports
