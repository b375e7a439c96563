"""Credential formats: find, parse and normalise every badge an applicant attaches.

Public API: :func:`extract_bytes` (one attachment), :func:`extract_url` (a credential link,
through an injected fetcher), :func:`find_credential_urls` (links in free text) and
:func:`extract_text_from_document` (PDF / DOCX / text). See ``docs/formats.md``.
"""

from __future__ import annotations

from ats_match.formats.documents import extract_text_from_document
from ats_match.formats.errors import FormatError, Limits
from ats_match.formats.extract import dedupe, extract_bytes, extract_url
from ats_match.formats.links import fetch_url_for, find_credential_urls

__all__ = [
    "FormatError",
    "Limits",
    "dedupe",
    "extract_bytes",
    "extract_text_from_document",
    "extract_url",
    "fetch_url_for",
    "find_credential_urls",
]
