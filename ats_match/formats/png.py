"""Baked PNG: walk the chunks, read only text chunks, never decode pixels.

What: :func:`baked_texts` streams chunk headers from a binary stream and returns the text of
``iTXt`` / ``tEXt`` / ``zTXt`` chunks whose keyword is ``openbadges`` (OB 1.x/2.0) or
``openbadgecredential`` (OB 3.0 / CLR). Every other chunk (IDAT…) is skipped by seeking.
Why bounded: a declared chunk length is checked against the document limit *before* anything is
read (a 200 MB declared iTXt allocates nothing); compressed text is inflated with an output cap
(no zlib bombs); the walk stops at ``IEND`` or refuses a file that ends early.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import BinaryIO

from ats_match.formats.errors import FormatError, Limits
from ats_match.formats.model import ExtractionErrorCode

SIGNATURE = b"\x89PNG\r\n\x1a\n"
BADGE_KEYWORDS = frozenset({"openbadges", "openbadgecredential"})
TEXT_CHUNKS = frozenset({b"iTXt", b"tEXt", b"zTXt"})
MAX_CHUNKS = 100_000
_MAX_PNG_LENGTH = 2**31 - 1


def is_png(data: bytes) -> bool:
    """True when ``data`` starts with the PNG signature."""
    return data.startswith(SIGNATURE)


def baked_texts(stream: BinaryIO, limits: Limits) -> list[tuple[str, str]]:
    """``(keyword, text)`` for every badge text chunk, in file order."""
    if stream.read(8) != SIGNATURE:
        raise FormatError(ExtractionErrorCode.NOT_A_BADGE, "not a PNG image")
    found: list[tuple[str, str]] = []
    for _ in range(MAX_CHUNKS):
        length, kind = _header(stream)
        if kind == b"IEND":
            return found
        _check_declared(kind, length, limits.max_image_bytes)
        if kind in TEXT_CHUNKS:
            data = _read_exact(stream, length, limits)
            _check_crc(stream, kind, data)
            text = _text_chunk(kind, data, limits)
            if text is not None:
                found.append(text)
        else:
            stream.seek(length + 4, io.SEEK_CUR)
    raise FormatError(ExtractionErrorCode.MALFORMED_IMAGE, f"more than {MAX_CHUNKS} PNG chunks")


def _header(stream: BinaryIO) -> tuple[int, bytes]:
    head = stream.read(8)
    if len(head) < 8:
        raise FormatError(ExtractionErrorCode.TRUNCATED_IMAGE, "PNG ends before its IEND chunk")
    length, kind = struct.unpack(">I4s", head)
    if length > _MAX_PNG_LENGTH or not kind.isalpha():
        raise FormatError(ExtractionErrorCode.MALFORMED_IMAGE, "invalid PNG chunk header")
    return int(length), bytes(kind)


def _check_declared(kind: bytes, length: int, limit: int) -> None:
    """Refuse a chunk that claims more than the whole image may hold, before reading it."""
    if length > limit:
        detail = f"PNG {kind.decode()} chunk declares {length} bytes (limit {limit})"
        raise FormatError(ExtractionErrorCode.TOO_LARGE, detail)


def _read_exact(stream: BinaryIO, length: int, limits: Limits) -> bytes:
    if length > limits.max_document_bytes:
        raise FormatError(
            ExtractionErrorCode.TOO_LARGE,
            f"PNG text chunk declares {length} bytes (limit {limits.max_document_bytes})",
        )
    data = stream.read(length)
    if len(data) < length:
        raise FormatError(ExtractionErrorCode.TRUNCATED_IMAGE, "PNG text chunk is cut short")
    return data


def _check_crc(stream: BinaryIO, kind: bytes, data: bytes) -> None:
    """A text chunk must end with its CRC: a cut or corrupted chunk is not trusted."""
    crc = stream.read(4)
    if len(crc) < 4:
        raise FormatError(ExtractionErrorCode.TRUNCATED_IMAGE, "PNG chunk CRC is missing")
    if struct.unpack(">I", crc)[0] != zlib.crc32(kind + data) & 0xFFFFFFFF:
        raise FormatError(ExtractionErrorCode.MALFORMED_IMAGE, "PNG text chunk CRC mismatch")


def _text_chunk(kind: bytes, data: bytes, limits: Limits) -> tuple[str, str] | None:
    """Decode one text chunk if its keyword is a badge keyword; ``None`` otherwise."""
    keyword_raw, sep, rest = data.partition(b"\0")
    keyword = keyword_raw.decode("latin-1").strip().lower()
    if not sep or keyword not in BADGE_KEYWORDS:
        return None
    if kind == b"tEXt":
        return keyword, rest.decode("latin-1")
    if kind == b"zTXt":
        return keyword, _inflate(rest[1:], limits).decode("latin-1")
    return keyword, _itxt(rest, limits)


def _itxt(rest: bytes, limits: Limits) -> str:
    """iTXt after the keyword: flag, method, language\\0, translated keyword\\0, UTF-8 text."""
    if len(rest) < 2:
        raise FormatError(ExtractionErrorCode.MALFORMED_IMAGE, "iTXt chunk too short")
    compressed, body = rest[0], rest[2:]
    _language, _, body = body.partition(b"\0")
    _translated, _, body = body.partition(b"\0")
    if compressed:
        body = _inflate(body, limits)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError(ExtractionErrorCode.MALFORMED_IMAGE, "iTXt text is not UTF-8") from None


def _inflate(data: bytes, limits: Limits) -> bytes:
    """zlib-inflate with an output cap: a bomb stops at ``max_document_bytes``."""
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limits.max_document_bytes + 1)
    except zlib.error as exc:
        raise FormatError(
            ExtractionErrorCode.MALFORMED_IMAGE, f"bad compressed text: {exc}"
        ) from None
    if len(out) > limits.max_document_bytes or inflater.unconsumed_tail:
        raise FormatError(
            ExtractionErrorCode.TOO_LARGE,
            f"compressed PNG text inflates past {limits.max_document_bytes} bytes",
        )
    return out
