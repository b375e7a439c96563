"""Bounded decoding primitives shared by every format parser.

What: :class:`FormatError` (a typed reason that becomes an :class:`ExtractionError`),
:class:`Limits` (size and nesting caps read from settings) and :func:`load_json`, which refuses
oversized or deeply nested JSON before it can exhaust memory or the stack.
Why here: every parser (OB2, OB3, CLR, PNG, SVG, JWS) decodes JSON from untrusted bytes; one
bounded loader means one place to get it right.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ats_match.formats.model import ExtractionError, ExtractionErrorCode

if TYPE_CHECKING:
    from collections.abc import Callable

    from ats_match.settings import Settings


class FormatError(Exception):
    """Parsing stopped for a reason the user is shown (``code``) with a short ``detail``."""

    def __init__(self, code: ExtractionErrorCode, detail: str) -> None:
        super().__init__(f"{code.value}: {detail}")
        self.code = code
        self.detail = detail

    def to_error(self, source: str | None) -> ExtractionError:
        """The stored, typed form of this failure."""
        return ExtractionError(code=self.code, detail=self.detail, source=source)


@dataclass(frozen=True)
class Limits:
    """Caps applied while parsing (bytes, nesting, counts)."""

    max_document_bytes: int = 2 * 1024 * 1024
    max_image_bytes: int = 10 * 1024 * 1024
    max_attachment_bytes: int = 20 * 1024 * 1024
    max_json_depth: int = 64
    max_text_chars: int = 2 * 1024 * 1024
    max_nested: int = 200
    max_pages: int = 50

    @classmethod
    def from_settings(cls) -> Limits:
        """The limits configured for this deployment (``ATS_MATCH_MAX_*``)."""
        s = _settings_getter()()
        return _limits(
            s.max_document_bytes, s.max_image_bytes, s.max_attachment_bytes, s.max_json_depth
        )


@lru_cache(maxsize=1)
def _settings_getter() -> Callable[[], Settings]:
    """``get_settings``, imported on first use (parsing does not load the settings module
    when it is given its limits) and not again per attachment."""
    from ats_match.settings import get_settings

    return get_settings


@lru_cache(maxsize=8)
def _limits(document: int, image: int, attachment: int, depth: int) -> Limits:
    """One (frozen) :class:`Limits` per configuration: built per attachment it cost ~1.5 µs."""
    return Limits(
        max_document_bytes=document,
        max_image_bytes=image,
        max_attachment_bytes=attachment,
        max_json_depth=depth,
    )


def load_json(data: bytes | str, limits: Limits) -> Any:
    """Decode JSON text within ``limits``: length first, then parse, then nesting depth.

    The C decoder guards its own recursion (``RecursionError``), so even 100k ``[`` cannot crash
    the process; the depth walk afterwards enforces the configured (much lower) limit. The walk
    is skipped when the text holds no more ``{`` and ``[`` than the limit: nesting can never be
    deeper than the number of containers opened (a count in C, where the walk costs as much as
    the parse)."""
    if len(data) > limits.max_document_bytes:
        raise FormatError(
            ExtractionErrorCode.TOO_LARGE,
            f"JSON document of {len(data)} bytes exceeds {limits.max_document_bytes} bytes",
        )
    try:
        text = data if isinstance(data, str) else data.decode(json.detect_encoding(data), _RAW)
        value = loads_text(text)
    except RecursionError:
        raise FormatError(ExtractionErrorCode.UNSAFE_DOCUMENT, "JSON nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(ExtractionErrorCode.MALFORMED_JSON, f"invalid JSON: {exc}") from None
    if _openers(data) > limits.max_json_depth:
        check_depth(value, limits.max_json_depth)
    return value


_RAW = "surrogatepass"  # what json.loads decodes bytes with
_DECODER = json.JSONDecoder()  # the same settings as json.loads' own decoder
_JSON_SPACE = " \t\n\r"


def loads_text(text: str) -> Any:
    """``json.loads(text)``: the same value and the same errors, without the two whitespace
    regex matches ``json.loads`` wraps around the C scanner (~1 µs a call) when the text
    neither starts nor ends with whitespace; anything else is handed to ``json.loads``."""
    if not text or text[0] in _JSON_SPACE or text[-1] in _JSON_SPACE:
        return json.loads(text)
    try:
        value, end = _DECODER.raw_decode(text)
    except ValueError:
        return json.loads(text)  # raises json.loads' own error
    if end != len(text):
        return json.loads(text)  # "Extra data", in json.loads' words
    return value


def _openers(data: bytes | str) -> int:
    """How many ``{`` and ``[`` the text holds (inside strings too): a bound on its nesting."""
    if isinstance(data, str):
        return data.count("{") + data.count("[")
    return data.count(b"{") + data.count(b"[")


def check_depth(value: Any, max_depth: int) -> None:
    """Refuse a decoded value nested deeper than ``max_depth`` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise FormatError(
                ExtractionErrorCode.UNSAFE_DOCUMENT, f"JSON nested deeper than {max_depth} levels"
            )
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
