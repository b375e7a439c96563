"""Issuers are matched by DID or https origin/path, never by a name or a longer host."""

from __future__ import annotations

import pytest

from ats_match.trust import entry_matches, parse_issuer, validate_entry


def _matches(entry: str, issuer: str) -> bool:
    parsed = parse_issuer(issuer)
    assert parsed is not None
    return entry_matches(validate_entry(entry), parsed)


@pytest.mark.parametrize(
    ("entry", "issuer", "expected"),
    [
        ("did:key:z6MkA", "did:key:z6MkA", True),
        ("did:key:z6MkA", "did:key:z6MkA#z6MkA", True),  # a DID URL names the same DID
        ("did:key:z6MkA", "did:key:z6MkAB", False),
        ("https://uni.example", "https://uni.example/issuers/1.json", True),
        ("https://uni.example/", "https://uni.example/issuers/1.json", True),
        ("https://uni.example", "https://uni.example.evil.test/issuer", False),
        ("https://uni.example", "https://uni.example:8443/issuer", False),
        (
            "https://api.credly.com/v1/obi/v2/issuers/abc",
            "https://api.credly.com/v1/obi/v2/issuers/abc",
            True,
        ),
        (
            "https://api.credly.com/v1/obi/v2/issuers/abc",
            "https://api.credly.com/v1/obi/v2/issuers/abcd",
            False,
        ),
        ("https://www.nmc.org.uk", "did:web:www.nmc.org.uk", True),  # did:web is its origin's
        ("https://www.credly.com", "did:web:www.credly.com:api:v1:obi:v3:issuers:1f2e", True),
        ("https://uni.example", "did:web:uni.example.evil.test", False),
        ("did:web:uni.example", "https://uni.example/issuer", False),
    ],
)
def test_entries_match_by_identifier(entry: str, issuer: str, expected: bool) -> None:
    assert _matches(entry, issuer) is expected


@pytest.mark.parametrize(
    "entry",
    [
        "Nursing and Midwifery Council",
        "http://uni.example",
        "https://u:p@uni.example",
        "did:",
        "https://x.example/?a=1",
    ],
)
def test_names_and_weak_identifiers_are_refused_as_entries(entry: str) -> None:
    with pytest.raises(ValueError):
        validate_entry(entry)


def test_issuer_ids_that_are_not_dids_or_https_cannot_be_vouched_for() -> None:
    assert parse_issuer("Nursing and Midwifery Council") is None
    assert parse_issuer("http://uni.example/issuer") is None
    assert parse_issuer(None) is None
