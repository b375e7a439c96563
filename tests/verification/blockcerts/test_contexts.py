"""The Blockcerts contexts come from the cert-schema wheel, byte for byte, under the URLs the
Blockcerts libraries preload them for; nothing is fetched."""

from __future__ import annotations

import hashlib
import json

import pytest

from ats_match.verification.jsonld import (
    BLOCKCERTS_FILES,
    PinnedLoader,
    blockcerts_file,
    pinned_contexts,
)

# sha256 of the files of cert-schema 3.10.0 (PyPI, MIT).
DIGESTS = {
    "2.0/context.json": "9aeb82c65913f2b727170778a81b9f882254b12d4b66c7aca1c8ee4765d4fc57",
    "2.0/obi.json": "ee8c373cb831e92f0033b7f26b61a43b2719932a20da2c396e5dad48ec429b2d",
    "2.1/context.json": "3c0621311db8d15a6aee9921a641d75d3cb72ebc296ff2c6d11597f23e4615b5",
    "3.0/context.json": "7b5a4f9771640918b6e3169af29374b38a9f914dcfed77675db7944c8f1a1152",
    "3.1/context.json": "2fc073679f0e05bba5984a3110c0bfcfbc9401c2a5874115e9a9bb12204001f3",
    "3.1/merkleProof2019Context.json": (
        "953b934ec954fab06c3d48e524ac66f0f66531b86fa91330f66e8fc4ba536ff4"
    ),
    "3.2/context.json": "fa5afe993720de6d030dc78cb8d33085e4e8a58704e26c8eefa536f4ab7b9731",
}


@pytest.mark.parametrize("name", sorted(DIGESTS))
def test_files_are_the_published_ones(name: str) -> None:
    assert hashlib.sha256(blockcerts_file(name)).hexdigest() == DIGESTS[name]


def test_every_url_is_served_from_its_file() -> None:
    assert set(BLOCKCERTS_FILES.values()) == set(DIGESTS)
    for url, name in BLOCKCERTS_FILES.items():
        assert PinnedLoader()(url, {})["document"] == json.loads(blockcerts_file(name))
        assert url in pinned_contexts()


def test_cert_schema_urls_agree() -> None:
    """The canonical URLs cert-schema itself declares (context_urls.json) are all pinned."""
    urls = json.loads(blockcerts_file("context_urls.json"))
    blockcerts = {k: v for k, v in urls.items() if "BLOCKCERTS" in k or "MERKLE" in k}
    assert blockcerts and all(url in pinned_contexts() for url in blockcerts.values())


def test_open_badges_v2_context_is_the_1edtech_copy() -> None:
    """The OB 2.0 context cert-schema ships is the one 1EdTech publishes (read in place)."""
    from tests.verification.vc.helpers import SHARED

    copy = json.loads((SHARED / "1edtech" / "contexts" / "ob-v2p0.json").read_text())
    assert pinned_contexts()["https://w3id.org/openbadges/v2"] == copy
