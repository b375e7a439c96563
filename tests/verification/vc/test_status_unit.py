"""Status-list decoding: bit order, multibase prefix, bounded decompression."""

from __future__ import annotations

import base64
import gzip

import pytest

from ats_match.verification.status import StatusUnknown, decode_bitstring, read_status
from tests.support.signing import encode_bitstring


@pytest.mark.parametrize("multibase", [True, False])
def test_first_bit_is_the_most_significant(multibase: bool) -> None:
    bits = decode_bitstring(encode_bitstring([0, 9, 131071], multibase=multibase))
    assert len(bits) == 131072 // 8
    assert bits[0] == 0x80 and bits[1] == 0x40
    assert [read_status(bits, i) for i in (0, 1, 8, 9, 10, 131071)] == [1, 0, 0, 1, 0, 1]


def test_multi_bit_status_values() -> None:
    bits = decode_bitstring(encode_bitstring([3], status_size=2))
    assert read_status(bits, 3, 2) == 1 and read_status(bits, 2, 2) == 0


def test_index_outside_the_list_is_unknown() -> None:
    bits = decode_bitstring(encode_bitstring([], size=16))
    with pytest.raises(StatusUnknown):
        read_status(bits, 16)


def test_decompression_bomb_is_refused() -> None:
    bomb = gzip.compress(bytes(32 * 1024 * 1024))
    encoded = "u" + base64.urlsafe_b64encode(bomb).rstrip(b"=").decode()
    with pytest.raises(StatusUnknown, match="size limit"):
        decode_bitstring(encoded)


@pytest.mark.parametrize("junk", ["", "u", "not base64!", "uAAAA", "H4sIAAAA"])
def test_junk_is_unknown(junk: str) -> None:
    with pytest.raises(StatusUnknown):
        decode_bitstring(junk)
