"""Credential links in answers, cover letters and resumes (PDF, DOCX), and where they are fetched."""

from __future__ import annotations

import io
import zipfile

import pytest

from ats_match.formats import (
    FormatError,
    extract_bytes,
    extract_text_from_document,
    fetch_url_for,
    find_credential_urls,
)
from ats_match.formats.model import ExtractionErrorCode
from tests.support.baking import resume_docx, resume_pdf

CREDLY = "https://www.credly.com/badges/6e4a9c3e-6d8b-4b1f-9c53-1f4e0b4f9a2d"
BADGR = "https://badgr.com/public/assertions/aBcD1234xyz"
CANVAS = "https://badges.instructure.com/public/assertions/QwErTy987"


def test_find_urls_in_free_text() -> None:
    text = (
        f"See my badges: {CREDLY}, and ({BADGR}). Also https://linkedin.com/in/ada and "
        f"{CANVAS}. Hosted: https://uni.test/assertions/42.json; CLR https://uni.test/clr/9.jwt"
    )
    assert find_credential_urls(text) == [
        CREDLY,
        BADGR,
        CANVAS,
        "https://uni.test/assertions/42.json",
        "https://uni.test/clr/9.jwt",
    ]


def test_find_urls_deduplicates_and_skips_non_credentials() -> None:
    assert find_credential_urls(f"{CREDLY} {CREDLY}. https://github.com/ada") == [CREDLY]
    assert find_credential_urls("https://www.credly.com/users/ada") == []
    assert find_credential_urls("no links here") == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            CREDLY,
            "https://api.credly.com/v1/obi/v2/badge_assertions/6e4a9c3e-6d8b-4b1f-9c53-1f4e0b4f9a2d",
        ),
        (CREDLY + "/public_url", fetch_url_for(CREDLY)),
        (BADGR, "https://api.badgr.io/public/assertions/aBcD1234xyz?v=2_0"),
        (
            "https://eu.badgr.com/public/assertions/X1",
            "https://api.eu.badgr.io/public/assertions/X1?v=2_0",
        ),
        (CANVAS, "https://api.badgr.io/public/assertions/QwErTy987?v=2_0"),
        ("https://uni.test/assertions/42.json", "https://uni.test/assertions/42.json"),
    ],
)
def test_fetch_url_for(url: str, expected: str) -> None:
    assert fetch_url_for(url) == expected


def test_pdf_text_and_link_annotations() -> None:
    pdf = resume_pdf(["Ada Lovelace", f"Badge: {BADGR}"], link=CREDLY)
    text = extract_text_from_document(pdf, "cv.pdf")
    assert "Ada Lovelace" in text and CREDLY in text
    assert find_credential_urls(text) == [BADGR, CREDLY]


def test_docx_text_and_hyperlinks() -> None:
    docx = resume_docx(["Ada Lovelace", f"My badge {BADGR}"], link=CREDLY)
    text = extract_text_from_document(docx, "cv.docx")
    assert find_credential_urls(text) == [BADGR, CREDLY]


def test_resume_links_are_listed_without_fetching() -> None:
    result = extract_bytes(resume_pdf([f"Badge: {CREDLY}"]), source="cv.pdf")
    assert result.credentials == [] and result.links == [CREDLY]
    assert [e.code for e in result.errors] == [ExtractionErrorCode.NOT_FETCHED]


def test_cover_letter_text_links() -> None:
    result = extract_bytes(f"Dear team,\nmy Badgr badge: {BADGR}\n".encode(), source="letter.txt")
    assert result.links == [BADGR]


def test_resume_without_links_is_not_a_badge() -> None:
    result = extract_bytes(resume_docx(["Ada Lovelace"]), source="cv.docx")
    assert [e.code for e in result.errors] == [ExtractionErrorCode.NOT_A_BADGE]


def test_zip_bomb_docx_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(FormatError) as caught:
        extract_text_from_document(buffer.getvalue(), "cv.docx")
    assert caught.value.code == ExtractionErrorCode.UNSAFE_DOCUMENT


def test_unreadable_pdf() -> None:
    result = extract_bytes(b"%PDF-1.4\n garbage", source="cv.pdf")
    assert result.errors and result.errors[0].code in (
        ExtractionErrorCode.UNKNOWN_FORMAT,
        ExtractionErrorCode.NOT_A_BADGE,
    )
