"""The product's base58btc decoder (did:key hot path) agrees with the ``base58`` library."""

from __future__ import annotations

import os

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ats_match.verification.did import KeyResolutionError, b58decode, decode_multikey
from tests.support.signing import TestKey


@given(st.binary(max_size=80))
def test_round_trips_like_the_library(raw: bytes) -> None:
    encoded = base58.b58encode(raw).decode()
    assert b58decode(encoded) == raw == base58.b58decode(encoded)


def test_did_keys_decode_to_their_keys() -> None:
    for _ in range(20):
        key = TestKey.generate()
        assert decode_multikey(key.multikey()).public_bytes_raw() == key.public_raw()
    assert b58decode(base58.b58encode(b"\0\0" + os.urandom(32)).decode())[:2] == b"\0\0"


@pytest.mark.parametrize("bad", ["z0OIl", "z6Mk+", "z6Mké"])
def test_characters_outside_the_alphabet_are_refused(bad: str) -> None:
    with pytest.raises(KeyResolutionError, match="not valid base58"):
        decode_multikey(bad)
