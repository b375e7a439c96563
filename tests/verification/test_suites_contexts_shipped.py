"""The contexts this package ships itself (no dependency has them) are the published files:
byte digests recorded in the NOTICE next to them, and licence text present."""

from __future__ import annotations

import hashlib
import re
from importlib import resources

import pytest

from ats_match.verification.jsonld import SHIPPED, PinnedLoader, pinned_contexts

FOLDER = resources.files("ats_match.verification.contexts")
NOTICE = FOLDER.joinpath("NOTICE").read_text("utf-8")
DIGESTS = {
    "data-integrity-v1.jsonld": "bff3ce2348e14a33da9ecc612403f57f07a90816761caefb7d165f082c810ecd",
    "vc-status-list-v1.jsonld": "634d71c159289f068c96012e4511c657fdf82ac4231900081bda3ba24e2e1160",
    "vc-bitstring-status-list-v1.jsonld": (
        "fd08cbf28ddd829ab2f1978c48f43ab07a112c1c90245a0cfac7ba721c65170c"
    ),
    "dcc-context-v1.jsonld": "1543695325471b0d23e839a28166ba4ea445cca294ac46fe034ca584cbfc6077",
}


@pytest.mark.parametrize("url", sorted(SHIPPED))
def test_shipped_context_is_the_published_file(url: str) -> None:
    name = SHIPPED[url]
    digest = hashlib.sha256(FOLDER.joinpath(name).read_bytes()).hexdigest()
    assert digest == DIGESTS[name]
    assert re.search(rf"{re.escape(name)}\s+URL:\s+{re.escape(url)}", NOTICE)
    assert f"SHA-256: {digest}" in NOTICE
    assert PinnedLoader()(url, {})["document"] == pinned_contexts()[url]


def test_licences_ship_with_the_contexts() -> None:
    assert NOTICE.count("BSD 3-Clause License") == 3
    assert "Digital Bazaar" in NOTICE
    assert "MIT License" in NOTICE and "Digital Credentials Consortium" in NOTICE


def test_status_list_2021_terms_expand() -> None:
    from ats_match.verification.canon import expand_safely

    doc = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/vc/status-list/2021/v1",
        ],
        "id": "https://issuer.example/status/1",
        "type": ["VerifiableCredential", "StatusList2021Credential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "https://issuer.example/status/1#list",
            "type": "StatusList2021",
            "statusPurpose": "revocation",
            "encodedList": "H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA",
        },
    }
    text = str(expand_safely(doc, PinnedLoader()))
    assert "https://w3id.org/vc/status-list#encodedList" in text


def test_bitstring_status_list_terms_expand_in_a_vcdm_1_1_credential() -> None:
    """VCDM 1.1 has no BitstringStatusListEntry; issuers add the status/v1 context for it."""
    from ats_match.verification.canon import expand_safely

    doc = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://www.w3.org/ns/credentials/status/v1",
        ],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"},
        "credentialStatus": {
            "id": "https://issuer.example/status/1#7",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListCredential": "https://issuer.example/status/1",
            "statusListIndex": "7",
        },
    }
    text = str(expand_safely(doc, PinnedLoader()))
    assert "https://www.w3.org/ns/credentials/status#statusListIndex" in text


def test_dcc_context_terms_expand() -> None:
    from ats_match.verification.canon import expand_safely

    doc = {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/dcc/v1"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"name": "Ada", "hasCredential": {"name": "Guide"}},
    }
    assert "http://schema.org/name" in str(expand_safely(doc, PinnedLoader()))
