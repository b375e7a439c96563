"""Hostile inputs: each yields one clean, typed error, and memory stays bounded throughout."""

from __future__ import annotations

import json
import os
import tracemalloc
import zlib
from collections.abc import Callable

import pytest

from ats_match.formats import Limits, extract_bytes
from ats_match.formats.model import ExtractionErrorCode as Code
from tests.support.baking import bake_png, chunk, itxt, ob2_assertion, plain_png

MAX_PEAK_BYTES = 30 * 1024 * 1024


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">']
    for i in range(1, 10):
        previous = f"lol{i - 1}" if i > 1 else "lol"
        entities.append(f'<!ENTITY lol{i} "{("&" + previous + ";") * 10}">')
    return (
        '<?xml version="1.0"?><!DOCTYPE svg [' + "".join(entities) + "]>"
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        "<openbadges:assertion>&lol9;</openbadges:assertion></svg>"
    ).encode()


def external_entity() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        b"<openbadges:assertion>&xxe;</openbadges:assertion></svg>"
    )


def declared_200mb_itxt() -> bytes:
    return plain_png(chunk(b"iTXt", itxt("openbadges", "{}"), declared=200 * 1024 * 1024))


def declared_200mb_idat() -> bytes:
    """A pixel chunk that claims 200 MB: refused from its header, nothing is read."""
    return plain_png()[:33] + chunk(b"IDAT", b"x" * 16, declared=200 * 1024 * 1024)


def idat_past_end() -> bytes:
    """A pixel chunk that claims more bytes than the file holds (skipped by seeking)."""
    return plain_png()[:33] + chunk(b"IDAT", b"x" * 16, declared=4096)


def itxt_bomb() -> bytes:
    """256 MB of spaces compressed to ~250 KB inside a compressed iTXt chunk."""
    compressor = zlib.compressobj(9)
    block = b" " * (1024 * 1024)
    body = b"".join(compressor.compress(block) for _ in range(256)) + compressor.flush()
    data = b"openbadges\0\x01\x00\0\0" + body
    return plain_png(chunk(b"iTXt", data))


def truncated_png() -> bytes:
    return bake_png(ob2_assertion())[:-40]


CASES: dict[str, tuple[Callable[[], bytes], Code]] = {
    "billion_laughs_svg": (billion_laughs, Code.UNSAFE_DOCUMENT),
    "xxe_svg": (external_entity, Code.UNSAFE_DOCUMENT),
    "declared_200mb_itxt": (declared_200mb_itxt, Code.TOO_LARGE),
    "declared_200mb_idat": (declared_200mb_idat, Code.TOO_LARGE),
    "idat_past_end_of_file": (idat_past_end, Code.TRUNCATED_IMAGE),
    "compressed_itxt_bomb": (itxt_bomb, Code.TOO_LARGE),
    "nested_json_100k": (lambda: b"[" * 100_000 + b"]" * 100_000, Code.UNSAFE_DOCUMENT),
    "nested_json_object": (lambda: b'{"a":' * 70 + b"1" + b"}" * 70, Code.UNSAFE_DOCUMENT),
    "binary_garbage": (lambda: os.urandom(64 * 1024), Code.NOT_A_BADGE),
    "truncated_png": (truncated_png, Code.TRUNCATED_IMAGE),
    "malformed_json": (
        lambda: b'{"@context": "https://w3id.org/openbadges/v2",',
        Code.MALFORMED_JSON,
    ),
    "unknown_json": (lambda: json.dumps({"hello": "world"}).encode(), Code.UNKNOWN_FORMAT),
    "bad_jws_payload": (lambda: b"eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln", Code.MALFORMED_JSON),
    "jwt_without_credential": (
        lambda: b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
        Code.UNKNOWN_FORMAT,
    ),
    "empty": (lambda: b"", Code.NOT_A_BADGE),
    "plain_text": (lambda: b"Dear hiring manager, I love Python.", Code.NOT_A_BADGE),
    "svg_without_badge": (
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>',
        Code.NOT_A_BADGE,
    ),
    "broken_svg": (lambda: b"<svg xmlns='http://www.w3.org/2000/svg'><g>", Code.MALFORMED_IMAGE),
    "bad_png_chunk_header": (
        lambda: plain_png()[:33] + b"\x00\x00\x00\x04\x00\x01\x02\x03" + b"\0" * 8,
        Code.MALFORMED_IMAGE,
    ),
    "baked_value_not_a_badge": (lambda: bake_png("hello"), Code.MALFORMED_JSON),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_input_gives_one_typed_error(name: str) -> None:
    make, code = CASES[name]
    data = make()
    tracemalloc.start()
    try:
        result = extract_bytes(data, source=name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.credentials == []
    assert [e.code for e in result.errors] == [code], result.errors
    assert result.errors[0].source == name and result.errors[0].detail
    assert peak < MAX_PEAK_BYTES, f"{name}: peak {peak} bytes"


def test_too_large_attachment_is_refused_before_parsing() -> None:
    limits = Limits(max_attachment_bytes=1000)
    result = extract_bytes(b"{" + b" " * 2000 + b"}", limits=limits)
    assert [e.code for e in result.errors] == [Code.TOO_LARGE]


def test_too_large_json_document() -> None:
    limits = Limits(max_document_bytes=100)
    result = extract_bytes(json.dumps(ob2_assertion()).encode(), limits=limits)
    assert [e.code for e in result.errors] == [Code.TOO_LARGE]


def test_oversized_image() -> None:
    limits = Limits(max_image_bytes=50)
    result = extract_bytes(bake_png(ob2_assertion()), limits=limits)
    assert [e.code for e in result.errors] == [Code.TOO_LARGE]


def test_corrupted_text_chunk_crc() -> None:
    image = bytearray(bake_png(ob2_assertion()))
    position = image.index(b"Python Programming")
    image[position] ^= 0x20
    result = extract_bytes(bytes(image))
    assert [e.code for e in result.errors] == [Code.MALFORMED_IMAGE]
