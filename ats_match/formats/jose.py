"""Compact JWS / JWT decoding without verification (that is the verifier's job).

What: split a compact serialisation, base64url-decode header and payload as bounded JSON.
Why: OB 2.0 signed assertions and VC-JWTs both arrive this way; parsing only needs the claims.
"""

from __future__ import annotations

import binascii
import re
from typing import Any

from ats_match.formats.errors import FormatError, Limits, load_json
from ats_match.formats.model import ExtractionErrorCode

COMPACT_RE = re.compile(r"^[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*$")


_COMPACT_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


def looks_compact(text: str) -> bool:
    """True when ``text`` has the shape of a compact JWS (three base64url parts): exactly
    what :data:`COMPACT_RE` matches, checked by deleting the allowed bytes in C (a 1.5 kB
    token in ~0.4 µs, against ~2 µs for the regex)."""
    first = text.find(".")
    second = text.find(".", first + 1)
    if first < 4 or second - first <= 4 or "." in text[second + 1 :] or not text.isascii():
        return False
    return not text.encode("ascii").translate(None, _COMPACT_CHARS)


_URLSAFE = bytes.maketrans(b"-_", b"+/")


def b64url_decode(part: str) -> bytes:
    """Decode unpadded base64url (RFC 7515 §2), as ``base64.urlsafe_b64decode`` does (same
    bytes, same errors) without its per-call str-to-bytes and table work."""
    try:
        data = (part + "=" * (-len(part) % 4)).encode("ascii")
    except UnicodeEncodeError:
        detail = "bad base64url: string argument should contain only ASCII characters"
        raise FormatError(ExtractionErrorCode.MALFORMED_JSON, detail) from None
    try:
        return binascii.a2b_base64(data.translate(_URLSAFE))
    except (binascii.Error, ValueError) as exc:
        raise FormatError(ExtractionErrorCode.MALFORMED_JSON, f"bad base64url: {exc}") from None


def decode_compact(
    token: str, limits: Limits, *, shape_checked: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return ``(header, payload)`` of a compact JWS; the signature is not checked.
    ``shape_checked``: the caller has just matched ``token`` with :func:`looks_compact`
    (matching 1.5 kB again costs ~1.5 µs)."""
    if len(token) > limits.max_document_bytes * 2:
        raise FormatError(ExtractionErrorCode.TOO_LARGE, "token exceeds the document size limit")
    if not shape_checked and not looks_compact(token):
        raise FormatError(ExtractionErrorCode.UNKNOWN_FORMAT, "not a compact JWS")
    head, body, _ = token.split(".")
    header = load_json(b64url_decode(head), limits)
    payload = load_json(b64url_decode(body), limits)
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise FormatError(ExtractionErrorCode.MALFORMED_JSON, "JWS header/payload not objects")
    return header, payload
