"""Key resolution units: did:web URLs, multikeys, JWKs."""

from __future__ import annotations

import pytest

from ats_match.verification.did import (
    KeyResolutionError,
    decode_multikey,
    did_web_url,
    jwk_to_key,
    key_kind,
    resolve_did_key,
    resolve_method,
)
from tests.support.signing import TestKey
from tests.verification.vc.helpers import OfflineFetcher


@pytest.mark.parametrize(
    ("did", "url"),
    [
        ("did:web:example.com", "https://example.com/.well-known/did.json"),
        ("did:web:127.0.0.1%3A8443", "https://127.0.0.1:8443/.well-known/did.json"),
        ("did:web:example.com:user:alice", "https://example.com/user/alice/did.json"),
    ],
)
def test_did_web_urls(did: str, url: str) -> None:
    assert did_web_url(did) == url


@pytest.mark.parametrize(
    "did",
    [
        "did:web:",
        "did:web:evil.com%2Fx",
        "did:web:a@b.com",
        "did:web:example.com:..%2F..",
        "did:web:example.com:a%3Fb",
        "did:key:z6Mk",
        "did:web:exa mple.com",
    ],
)
def test_bad_did_web(did: str) -> None:
    with pytest.raises(KeyResolutionError):
        did_web_url(did)


@pytest.mark.parametrize("kind", ["Ed25519", "P-256"])
def test_multikey_round_trip(kind: str) -> None:
    key = TestKey.generate(kind)
    assert key_kind(decode_multikey(key.multikey())) == kind
    resolved = resolve_did_key(key.did_key_vm())
    assert resolved.controller == key.did_key()
    assert "assertionMethod" in resolved.purposes


@pytest.mark.parametrize("value", ["", "abc", "z", "z" + "1" * 200, "zQ3sh" + "1" * 40])
def test_bad_multikeys(value: str) -> None:
    with pytest.raises(KeyResolutionError):
        decode_multikey(value)


def test_did_key_fragment_must_repeat_the_key() -> None:
    a, b = TestKey.generate(), TestKey.generate()
    with pytest.raises(KeyResolutionError):
        resolve_did_key(f"{a.did_key()}#{b.multikey()}")


@pytest.mark.parametrize("kind", ["Ed25519", "P-256", "RSA"])
def test_jwk_round_trip(kind: str) -> None:
    key = TestKey.generate(kind)
    assert key_kind(jwk_to_key(key.public_jwk())) == kind


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "oct", "k": "c2VjcmV0"},
        {"kty": "OKP", "crv": "X25519", "x": "AAAA"},
        {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA"},
        {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
        "not a jwk",
    ],
)
def test_bad_jwks(jwk: object) -> None:
    with pytest.raises(KeyResolutionError):
        jwk_to_key(jwk)


@pytest.mark.parametrize("method", ["z6Mk", "did:example:123#k", "ftp://x/y#k", "http://x/y#k"])
def test_unsupported_methods_fail_without_fetching(method: str) -> None:
    fetcher = OfflineFetcher()
    with pytest.raises(KeyResolutionError) as info:
        resolve_method(method, fetcher)
    assert not info.value.indeterminate
    assert fetcher.urls == []
