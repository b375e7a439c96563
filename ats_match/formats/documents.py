"""Plain text out of resumes and cover letters (PDF, DOCX, text), within size limits.

What: :func:`extract_text_from_document` returns the text (and link targets, one per line) of
a PDF (pypdf), a DOCX (python-docx) or a text file, so :func:`find_credential_urls` can look
for badge links in it.
Why link targets too: resumes usually show "My Credly badge" and keep the URL in a hyperlink.
Bounds: the attachment size cap, a page cap for PDF, an uncompressed-size and entry-count cap
for the DOCX zip (zip bombs), and a cap on returned characters.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from ats_match.formats.errors import FormatError, Limits
from ats_match.formats.model import ExtractionErrorCode

MAX_ZIP_ENTRIES = 2000
MAX_ZIP_RATIO = 200


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def is_zip(data: bytes) -> bool:
    return data.startswith(b"PK\x03\x04")


def extract_text_from_document(
    data: bytes, filename: str | None, limits: Limits | None = None
) -> str:
    """The text of a PDF, DOCX or text document; raises :class:`FormatError` when unreadable."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_attachment_bytes:
        raise FormatError(ExtractionErrorCode.TOO_LARGE, "document exceeds the attachment limit")
    name = (filename or "").lower()
    if is_pdf(data) or name.endswith(".pdf"):
        text = _pdf_text(data, limits)
    elif is_zip(data) or name.endswith(".docx"):
        text = _docx_text(data, limits)
    else:
        text = data[: limits.max_text_chars].decode("utf-8", errors="replace")
    return text[: limits.max_text_chars]


def _pdf_text(data: bytes, limits: Limits) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    parts: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        for page in reader.pages[: limits.max_pages]:
            parts.append(page.extract_text() or "")
            parts.extend(_pdf_link_targets(page))
            if sum(len(p) for p in parts) > limits.max_text_chars:
                break
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise FormatError(ExtractionErrorCode.UNKNOWN_FORMAT, f"unreadable PDF: {exc}") from None
    return "\n".join(parts)


def _pdf_link_targets(page: Any) -> list[str]:
    targets: list[str] = []
    annots = page.get("/Annots")
    for ref in annots.get_object() if annots is not None else []:
        annot = ref.get_object()
        action = annot.get("/A")
        uri = action.get_object().get("/URI") if action is not None else None
        if isinstance(uri, str | bytes):
            targets.append(uri.decode("latin-1") if isinstance(uri, bytes) else str(uri))
    return targets


def _docx_text(data: bytes, limits: Limits) -> str:
    _check_zip(data, limits)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise FormatError(ExtractionErrorCode.UNKNOWN_FORMAT, f"unreadable DOCX: {exc}") from None
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    parts.extend(rel.target_ref for rel in document.part.rels.values() if rel.is_external)
    return "\n".join(parts)


def _check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip whose entries would inflate past the limits (before python-docx opens it)."""
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile as exc:
        raise FormatError(ExtractionErrorCode.UNKNOWN_FORMAT, f"unreadable DOCX: {exc}") from None
    total = sum(e.file_size for e in entries)
    if (
        len(entries) > MAX_ZIP_ENTRIES
        or total > max(len(data) * MAX_ZIP_RATIO, 1)
        or (total > limits.max_attachment_bytes * 5)
    ):
        raise FormatError(ExtractionErrorCode.UNSAFE_DOCUMENT, "DOCX would inflate too far")
