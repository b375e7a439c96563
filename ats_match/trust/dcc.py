"""The Digital Credentials Consortium's legacy issuer registry (``type: "dcc-legacy"``).

Format, as DCC publishes it (``digitalcredentials/issuer-registry-client``, test fixtures of the
sandbox and community registries) and as ``verifier-core``'s known-DID-registry list names it::

    {"meta": {"created": "...", "updated": "..."},
     "registry": {"did:key:z6Mk...": {"name": "...", "location": "...", "url": "https://..."}}}

Older copies (VerifierPlus' built-in list) carry the same map under ``"entries"``; both are read.
Entries are keyed by DID only, so an issuer identified by an https URL is never in one.

:class:`DccLegacyRegistry` fetches the document through the safe fetcher (cached there with a
TTL and ETag), parses it once per distinct body, and answers lookups. :func:`dcc_document` builds
the same format from inline entries: the app serves it for an organisation's published registry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from ats_match.net.fetcher import Fetcher, FetchError
from ats_match.trust.identifiers import IssuerId
from ats_match.trust.sources import (
    Deadline,
    Listing,
    Lookup,
    Outcome,
    deadline_passed,
    fetch_failure,
)

KIND = "dcc_legacy"
MAX_REGISTRY_BYTES = 4 * 1024 * 1024
_ACCEPT = "application/json"


class RegistryFormatError(ValueError):
    """The document is not a DCC legacy registry."""


Entries = Mapping[str, Mapping[str, Any]]


def parse_dcc_registry(document: Any) -> Entries:
    """The DID -> entry map of a DCC legacy registry document (``RegistryFormatError`` if the
    shape is wrong). Entries that are not objects are skipped; names must be strings."""
    if not isinstance(document, dict):
        raise RegistryFormatError("a DCC registry is a JSON object")
    registry = document.get("registry", document.get("entries"))
    if not isinstance(registry, dict):
        raise RegistryFormatError('a DCC registry has a "registry" object keyed by DID')
    entries: dict[str, Mapping[str, Any]] = {}
    for did, entry in registry.items():
        if isinstance(did, str) and did.startswith("did:") and isinstance(entry, dict):
            entries[did] = MappingProxyType(
                {k: v for k, v in entry.items() if isinstance(v, str) and k in _FIELDS}
            )
    return MappingProxyType(entries)


_FIELDS = frozenset({"name", "location", "url", "legalName"})


@lru_cache(maxsize=64)
def _parse_body(digest: str, body: bytes) -> Entries:
    del digest  # part of the key only
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise RegistryFormatError(f"not JSON: {exc}") from None
    return parse_dcc_registry(document)


def parse_dcc_bytes(body: bytes) -> Entries:
    """Parse a fetched registry, once per distinct body (registries are fetched often)."""
    return _parse_body(hashlib.sha256(body).hexdigest(), body)


def dcc_document(
    entries: Iterable[Mapping[str, Any]], *, updated: str | None = None
) -> dict[str, Any]:
    """A DCC legacy registry document from inline ``{"issuer", "name", "url", "location"}``
    entries (the shape :mod:`ats_match.services.trust` stores)."""
    registry: dict[str, dict[str, str]] = {}
    for entry in entries:
        issuer = entry.get("issuer")
        if not isinstance(issuer, str) or not issuer.startswith("did:"):
            continue
        registry[issuer] = {
            k: str(entry[k]) for k in ("name", "location", "url") if entry.get(k) is not None
        }
    meta = {"updated": updated} if updated else {}
    return {"meta": meta, "registry": registry}


class DccLegacyRegistry:
    """One DCC legacy registry, fetched from ``url`` or given inline as ``entries``."""

    kind = KIND

    def __init__(
        self,
        name: str,
        *,
        url: str | None = None,
        entries: Entries | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        if (url is None) == (entries is None):
            raise ValueError("a DCC registry has either a URL or inline entries")
        self.name, self.url, self._entries, self.fetcher = name, url, entries, fetcher

    def lookup(self, issuer: IssuerId, deadline: Deadline) -> Lookup:
        entries = self._entries
        if entries is None:
            loaded = self._load(deadline)
            if isinstance(loaded, Lookup):
                return loaded
            entries = loaded
        entry = entries.get(issuer.did) if issuer.did else None
        if entry is None:
            return Lookup(Outcome.ABSENT, f"The issuer is not in the registry {self.name}.")
        listing = Listing(
            registry=self.name,
            kind=KIND,
            name=entry.get("name"),
            url=entry.get("url"),
            accreditor=self.name,
            facts={k: entry[k] for k in ("location", "legalName") if k in entry},
        )
        return Lookup.listed(listing, f"The issuer is listed in the registry {self.name}.")

    def _load(self, deadline: Deadline) -> Entries | Lookup:
        assert self.url is not None and self.fetcher is not None
        if not self.url.startswith("https://"):
            return Lookup(Outcome.INVALID, f"the registry {self.name} is not served over https")
        if deadline.passed:
            return deadline_passed(self.name)
        try:
            response = self.fetcher.get(self.url, accept=_ACCEPT, max_bytes=MAX_REGISTRY_BYTES)
        except FetchError as exc:
            return fetch_failure(self.name, exc)
        try:
            return parse_dcc_bytes(response.content)
        except RegistryFormatError as exc:
            return Lookup(
                Outcome.INVALID, f"the registry {self.name} is not a DCC registry ({exc})"
            )
