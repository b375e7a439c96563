"""Test helpers that make real-shaped badge files: baked PNG/SVG, OB 2.0 assertions, CLR bundles.

PNGs are assembled chunk by chunk (valid CRCs, a real 1x1 image) so hostile variants (huge
declared lengths, truncation, compressed-text bombs) can be made by the same code.
"""

from __future__ import annotations

import json
import struct
import zlib
from typing import Any
from xml.sax.saxutils import escape, quoteattr

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
CLR_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]


def chunk(kind: bytes, data: bytes, *, declared: int | None = None) -> bytes:
    """One PNG chunk; ``declared`` overrides the length field (for hostile files)."""
    length = len(data) if declared is None else declared
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", length) + kind + data + struct.pack(">I", crc)


def itxt(keyword: str, text: str, *, compressed: bool = False) -> bytes:
    """An iTXt chunk body: keyword, compression flag/method, empty language and translation."""
    body = text.encode()
    if compressed:
        body = zlib.compress(body)
    return keyword.encode("latin-1") + b"\0" + bytes([int(compressed), 0]) + b"\0\0" + body


def plain_png(*extra: bytes) -> bytes:
    """A 1x1 RGBA PNG with ``extra`` chunks inserted before IDAT."""
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    idat = zlib.compress(b"\0\xff\x00\x00\xff")
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", ihdr)
        + b"".join(extra)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def bake_png(
    payload: str | dict[str, Any], *, ob3: bool = False, compressed: bool = False
) -> bytes:
    """A PNG baked as the specs say: iTXt ``openbadges`` (OB 2.0) or ``openbadgecredential``."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    keyword = "openbadgecredential" if ob3 else "openbadges"
    return plain_png(chunk(b"iTXt", itxt(keyword, text, compressed=compressed)))


def bake_svg(
    payload: str | dict[str, Any] | None = None, *, verify: str | None = None, ob3: bool = False
) -> bytes:
    """An SVG with ``<openbadges:assertion>`` (OB 2.0) or ``<openbadges:credential>`` (OB 3.0).

    ``payload`` goes in a CDATA section, ``verify`` in the ``verify`` attribute (a JWS/JWT or
    a hosted assertion URL)."""
    namespace = "https://purl.imsglobal.org/ob/v3p0" if ob3 else "http://openbadges.org"
    element = "credential" if ob3 else "assertion"
    text = "" if payload is None else payload if isinstance(payload, str) else json.dumps(payload)
    attribute = f" verify={quoteattr(verify)}" if verify else ""
    body = f"<![CDATA[{text}]]>" if text else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{namespace}" '
        'width="10" height="10" viewBox="0 0 10 10">\n'
        f"  <openbadges:{element}{attribute}>{body}</openbadges:{element}>\n"
        f'  <circle cx="5" cy="5" r="4" fill="#369"/><title>{escape("badge")}</title>\n'
        "</svg>\n"
    ).encode()


def ob2_assertion(
    assertion_id: str = "https://issuer.test/assertions/1.json",
    *,
    signed: bool = False,
    embed: bool = True,
) -> dict[str, Any]:
    """An OB 2.0 Assertion; ``embed`` puts the BadgeClass and Issuer inline."""
    issuer = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": "https://issuer.test/issuer.json",
        "name": "Test Institute",
        "url": "https://issuer.test",
        "email": "badges@issuer.test",
    }
    badge: dict[str, Any] | str = {
        "type": "BadgeClass",
        "id": "https://issuer.test/badges/python.json",
        "name": "Python Programming",
        "description": "Writes idiomatic Python.",
        "criteria": {"id": "https://issuer.test/criteria", "narrative": "Pass the exam."},
        "tags": ["python", "programming"],
        "alignment": [
            {
                "targetName": "use Python",
                "targetUrl": "http://data.europa.eu/esco/skill/ccd0a1d9",
                "targetFramework": "ESCO",
                "targetCode": "ccd0a1d9",
            }
        ],
        "issuer": issuer,
    }
    doc: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_id,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": "pepper",
            "identity": "sha256$0f6b6c0c4cd83d1a1f1d8d4e36b4ca4c55a8a3e5c58c8ec1f2c7d0a2f0a0c0e1",
        },
        "badge": badge if embed else badge["id"],
        "issuedOn": "2024-05-01T12:00:00Z",
        "expires": "2030-05-01T12:00:00Z",
        "evidence": [{"id": "https://portfolio.test/p1", "narrative": "Built a parser."}],
        "verification": {"type": "signed", "creator": "https://issuer.test/key.json"}
        if signed
        else {"type": "hosted"},
    }
    return doc


def ob1_assertion(url: str = "https://legacy.test/assertions/7.json") -> dict[str, Any]:
    """A legacy Open Badges 1.0 hosted assertion (string recipient hash, Unix issue date)."""
    return {
        "uid": "7",
        "recipient": "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5",
        "salt": "deadsea",
        "badge": "https://legacy.test/badge.json",
        "verify": {"type": "hosted", "url": url},
        "issuedOn": 1403120715,
    }


def bundle_clr(
    credentials: list[dict[str, Any] | str],
    *,
    issuer: str = "https://registrar.test/issuers/1",
    learner: str = "did:example:learner",
) -> dict[str, Any]:
    """A ClrCredential (VCDM 2.0) that nests ``credentials`` (JSON objects or VC-JWT strings)."""
    return {
        "@context": list(CLR_CONTEXT),
        "id": "urn:uuid:4d0d1f4c-2a4e-4f4e-9f0b-0b7c1d3a9e10",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Test Registrar"},
        "validFrom": "2024-06-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {
            "type": ["ClrSubject"],
            "id": learner,
            "verifiableCredential": credentials,
        },
    }


def resume_pdf(lines: list[str], *, link: str | None = None) -> bytes:
    """A one-page PDF with ``lines`` of text and, optionally, a URI link annotation."""
    content = (
        "BT /F1 11 Tf 50 750 Td 14 TL "
        + " ".join(
            "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '"
            for line in lines
        )
        + " ET"
    )
    annots = "/Annots [5 0 R]" if link else ""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        f"/Resources << /Font << /F1 6 0 R >> >> {annots} >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        f"<< /Type /Annot /Subtype /Link /Rect [50 700 300 720] /A << /S /URI /URI ({link}) >> >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def resume_docx(paragraphs: list[str], *, link: str | None = None) -> bytes:
    """A DOCX with ``paragraphs`` and, optionally, an external hyperlink relationship."""
    import io

    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if link:
        document.part.relate_to(link, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
