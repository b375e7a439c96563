"""Pinned JSON-LD contexts and a document loader for pyld that never touches the network.

Why: a Data Integrity proof signs the RDF a document expands to, so the meaning of every
``@context`` is part of what is signed. Fetching contexts at verification time would let the
context host change what a signature covers, and would be an SSRF vector. Every context comes
from a copy pinned in a dependency:

* pyld 3.x ``BUNDLED_CONTEXTS``: W3C credentials v1, DID v1, security v1/v2, ed25519-2020, jws-2020;
* openbadgeslib 4.6 package data: W3C credentials v2 (byte-identical to the 1EdTech copy),
  OB 3.0 contexts 3.0.1-3.0.3 (the unversioned ``context.json`` aliases 3.0.3, openbadgeslib's
  choice), OB 3.0 extensions, CLR 2.0.1, data-integrity v2, multikey v1.

* this package (``ats_match/verification/contexts``, no Python dependency ships them):
  ``https://w3id.org/security/data-integrity/v1``, ``https://w3id.org/vc/status-list/2021/v1``,
  the Bitstring Status List v1 context ``https://www.w3.org/ns/credentials/status/v1`` and the
  Digital Credentials Consortium's ``https://w3id.org/dcc/v1``, from the maintainers' npm
  packages; source, digest and licence in ``NOTICE``, digests checked by a test.

* the ``cert-schema`` wheel (Blockcerts, MIT): the Blockcerts v2, v2.1, v3, v3.1 and v3.2
  contexts, the MerkleProof2019 suite context and the Open Badges 2.0 context the v2
  certificates name, each under the URLs the Blockcerts libraries preload it for
  (:data:`BLOCKCERTS_FILES`); digests checked by a test.

Not pinned: CLR draft/unversioned contexts. A credential naming one fails the context check with
a clear reason; nothing is vendored from unverifiable sources.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
CLR_2_0_1 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
DATA_INTEGRITY_V1 = "https://w3id.org/security/data-integrity/v1"
STATUS_LIST_2021 = "https://w3id.org/vc/status-list/2021/v1"
BITSTRING_STATUS_LIST = "https://www.w3.org/ns/credentials/status/v1"
DCC_V1 = "https://w3id.org/dcc/v1"
SHIPPED = {
    DATA_INTEGRITY_V1: "data-integrity-v1.jsonld",
    STATUS_LIST_2021: "vc-status-list-v1.jsonld",
    BITSTRING_STATUS_LIST: "vc-bitstring-status-list-v1.jsonld",
    DCC_V1: "dcc-context-v1.jsonld",
}
"""Contexts shipped as this package's own data: URL -> file in ``verification/contexts``."""

BLOCKCERTS_FILES = {
    "https://w3id.org/blockcerts/v2": "2.0/context.json",
    "https://w3id.org/blockcerts/schema/2.0/context.json": "2.0/context.json",
    "https://www.blockcerts.org/schema/2.0/context.json": "2.0/context.json",
    "https://w3id.org/blockcerts/v2.1": "2.1/context.json",
    "https://w3id.org/blockcerts/schema/2.1/context.json": "2.1/context.json",
    "https://www.blockcerts.org/schema/2.1/context.json": "2.1/context.json",
    "https://w3id.org/blockcerts/v3": "3.0/context.json",
    "https://w3id.org/blockcerts/schema/3.0/context.json": "3.0/context.json",
    "https://www.blockcerts.org/schema/3.0/context.json": "3.0/context.json",
    "https://w3id.org/blockcerts/v3.1": "3.1/context.json",
    "https://w3id.org/blockcerts/schema/3.1/context.json": "3.1/context.json",
    "https://www.blockcerts.org/schema/3.1/context.json": "3.1/context.json",
    "https://w3id.org/blockcerts/v3.2": "3.2/context.json",
    "https://w3id.org/blockcerts/schema/3.2/context.json": "3.2/context.json",
    "https://www.blockcerts.org/schema/3.2/context.json": "3.2/context.json",
    "https://w3id.org/security/suites/merkle-2019/v1": "3.1/merkleProof2019Context.json",
    "https://w3id.org/openbadges/v2": "2.0/obi.json",
    "https://openbadgespec.org/v2/context.json": "2.0/obi.json",
}
"""Blockcerts contexts from the ``cert-schema`` wheel: URL -> file in the ``cert_schema``
package (the mapping ``cert_schema.context_urls`` / ``jsonld_helpers`` preload)."""

_OBLIB_URLS = (
    VC_V2,
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
)


class UnknownContextError(Exception):
    """A document names a JSON-LD context that is not in the pinned set."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"JSON-LD context {url!r} is not in the pinned local set; contexts are never "
            "fetched from the network"
        )
        self.url = url


@functools.cache
def pinned_contexts() -> Mapping[str, dict[str, Any]]:
    """All pinned contexts, URL -> parsed document (read once per process)."""
    from openbadgeslib.ob3.contexts import load_context
    from pyld.documentloader.frozen import BUNDLED_CONTEXTS

    docs: dict[str, dict[str, Any]] = {}
    for url, path in BUNDLED_CONTEXTS.items():
        if url != "https://www.w3.org/ns/activitystreams":
            docs[url] = json.loads(path.read_text(encoding="utf-8"))
    for url in _OBLIB_URLS:
        docs[url] = load_context(url)
    # Shipped as package data by openbadgeslib but not in its URL map.
    clr = resources.files("openbadgeslib.ob3.contexts").joinpath("clr_context_2.0.1.json")
    docs[CLR_2_0_1] = json.loads(clr.read_text("utf-8"))
    shipped = resources.files("ats_match.verification.contexts")
    for url, name in SHIPPED.items():
        docs[url] = json.loads(shipped.joinpath(name).read_text("utf-8"))
    docs.update(blockcerts_contexts())
    return docs


def blockcerts_file(name: str) -> bytes:
    """The bytes of one file of the ``cert_schema`` package, located without importing it (its
    ``__init__`` builds document loaders that may fetch; nothing of it is run)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("cert_schema")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cert-schema package is not installed")
    return (Path(next(iter(spec.submodule_search_locations))) / name).read_bytes()


def blockcerts_contexts() -> dict[str, dict[str, Any]]:
    """The pinned Blockcerts contexts, URL -> parsed document."""
    parsed = {name: json.loads(blockcerts_file(name)) for name in set(BLOCKCERTS_FILES.values())}
    return {url: parsed[name] for url, name in BLOCKCERTS_FILES.items()}


def is_pinned(url: str) -> bool:
    """True when ``url`` is served from the pinned set."""
    return url in pinned_contexts()


def context_urls(document: Mapping[str, Any]) -> list[str]:
    """The string entries of the document's top-level ``@context``."""
    ctx = document.get("@context")
    entries: Iterable[Any] = ctx if isinstance(ctx, list) else [ctx]
    return [entry for entry in entries if isinstance(entry, str)]


def unknown_contexts(document: Mapping[str, Any]) -> list[str]:
    """Top-level context URLs that are not pinned (cheap; no JSON-LD processing)."""
    return [url for url in context_urls(document) if not is_pinned(url)]


class PinnedLoader:
    """pyld ``documentLoader`` serving only pinned contexts (plus ``extra`` given by a caller,
    e.g. a test's W3C examples context). Anything else raises :class:`UnknownContextError`."""

    def __init__(self, extra: Mapping[str, dict[str, Any]] | None = None) -> None:
        self.extra = dict(extra or {})

    def __call__(self, url: str, options: Any = None) -> dict[str, Any]:
        if url in self.extra:
            return {"contextUrl": None, "documentUrl": url, "document": self.extra[url]}
        doc = pinned_contexts().get(url)
        if doc is None:
            raise UnknownContextError(url)
        # 'static' lets pyld keep the resolved context warm across calls (pinned, immutable).
        return {"contextUrl": None, "documentUrl": url, "document": doc, "tag": "static"}


DEFAULT_LOADER = PinnedLoader()
