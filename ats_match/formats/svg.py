"""Baked SVG: find ``<openbadges:assertion>`` / ``<openbadges:credential>`` with defusedxml.

What: :func:`baked_values` parses the SVG with entity declarations and external references
forbidden and returns, per badge element, its ``verify`` attribute (a JWS or hosted URL) and
its text (embedded JSON, usually in CDATA).
Why defusedxml: an applicant controls the file; billion-laughs and XXE must fail, not expand.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree as DET

from ats_match.formats.errors import FormatError, Limits
from ats_match.formats.model import ExtractionErrorCode

BADGE_NAMESPACES = frozenset(
    {
        "http://openbadges.org",
        "https://openbadges.org",
        "https://purl.imsglobal.org/ob/v3p0",
        "http://purl.imsglobal.org/ob/v3p0",
    }
)
BADGE_ELEMENTS = frozenset({"assertion", "credential"})


@dataclass(frozen=True)
class BakedValue:
    """One badge element: ``element`` is ``assertion`` (OB2) or ``credential`` (OB3)."""

    element: str
    verify: str | None
    text: str


def is_svg(head: bytes) -> bool:
    """True when an ``<svg`` element starts within the first 64 KiB (after any DOCTYPE)."""
    return b"<svg" in head[:65536]


def baked_values(data: bytes, limits: Limits) -> list[BakedValue]:
    """Every badge element in the SVG, in document order."""
    if len(data) > limits.max_image_bytes:
        raise FormatError(ExtractionErrorCode.TOO_LARGE, "SVG exceeds the image size limit")
    try:
        root = DET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise FormatError(ExtractionErrorCode.UNSAFE_DOCUMENT, f"SVG refused: {exc}") from None
    except ParseError as exc:
        raise FormatError(ExtractionErrorCode.MALFORMED_IMAGE, f"invalid SVG: {exc}") from None
    found: list[BakedValue] = []
    for element in root.iter():
        namespace, _, local = str(element.tag).lstrip("{").rpartition("}")
        if local in BADGE_ELEMENTS and (namespace in BADGE_NAMESPACES or "openbadges" in namespace):
            verify = element.get("verify")
            found.append(BakedValue(local, verify.strip() if verify else None, element.text or ""))
    return found
