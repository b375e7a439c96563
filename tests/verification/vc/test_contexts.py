"""The pinned JSON-LD contexts are the published ones, and nothing else ever loads."""

from __future__ import annotations

import hashlib
import json

import pytest

from ats_match.verification.jsonld import (
    BLOCKCERTS_FILES,
    PinnedLoader,
    UnknownContextError,
    pinned_contexts,
    unknown_contexts,
)
from tests.verification.vc.helpers import SHARED

COPIES = SHARED / "1edtech" / "contexts"
SAME_AS_1EDTECH = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.jsonld",
    "https://www.w3.org/2018/credentials/v1": "2018-credentials-v1.jsonld",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json": "ob-v3p0-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json": "ob-v3p0-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json": "ob-v3p0-extensions.json",
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json": "clr-v2p0-2.0.1.json",
    "https://www.w3.org/ns/did/v1": "did-v1.jsonld",
    "https://w3id.org/security/v1": "security-v1.jsonld",
    "https://w3id.org/security/v2": "security-v2.jsonld",
    "https://w3id.org/security/suites/ed25519-2020/v1": "suites-ed25519-2020.jsonld",
    "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
}
# No 1EdTech copy: pinned by the digest of the canonical JSON we ship.
OTHERS = {
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://w3id.org/security/suites/jws-2020/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://w3id.org/vc/status-list/2021/v1",
    # Shipped as package data, byte digests in test_suites_contexts_shipped.py.
    "https://www.w3.org/ns/credentials/status/v1",
    "https://w3id.org/dcc/v1",
}


def _digest(document: object) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


@pytest.mark.parametrize("url", sorted(SAME_AS_1EDTECH))
def test_pinned_context_matches_the_1edtech_copy(url: str) -> None:
    copy = json.loads((COPIES / SAME_AS_1EDTECH[url]).read_text())
    assert _digest(pinned_contexts()[url]) == _digest(copy)


def test_pinned_set_is_exactly_what_we_document() -> None:
    # Blockcerts contexts: byte digests in tests/verification/blockcerts/test_contexts.py.
    assert set(pinned_contexts()) == set(SAME_AS_1EDTECH) | OTHERS | set(BLOCKCERTS_FILES)


def test_unversioned_ob_context_is_the_3_0_3_revision_not_the_moving_url() -> None:
    pinned = pinned_contexts()
    alias = pinned["https://purl.imsglobal.org/spec/ob/v3p0/context.json"]
    assert alias == pinned["https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    served_upstream = json.loads((COPIES / "ob-v3p0.json").read_text())
    assert _digest(alias) != _digest(served_upstream)


@pytest.mark.parametrize(
    "url",
    [
        "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
        "https://evil.example/ctx",
        "http://www.w3.org/ns/credentials/v2",
    ],
)
def test_anything_else_is_unknown(url: str) -> None:
    with pytest.raises(UnknownContextError, match="never fetched"):
        PinnedLoader()(url, {})
    assert unknown_contexts({"@context": ["https://www.w3.org/ns/credentials/v2", url]}) == [url]
