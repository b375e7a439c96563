"""An in-memory, thread-safe response cache with a time to live and ETag revalidation.

What: :class:`ResponseCache` keeps successful GET answers (issuer profiles, keys, DID documents,
status lists, hosted assertions) keyed by URL and ``Accept``. A fresh entry is served without any
network; a stale one that carried an ``ETag`` / ``Last-Modified`` is revalidated with a
conditional request, and a ``304`` renews it without a download.

Why: verification of a batch of applications hits the same few issuers again and again; the warm
path must cost a dictionary lookup, not a round trip. ``Cache-Control: no-store`` is honoured and
``max-age`` can only shorten the configured time to live, so an issuer cannot pin a document in
our cache for longer than the operator allows. The cache is bounded (oldest entries evicted).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ats_match.net.fetcher import FetchResponse

Clock = Callable[[], float]


@dataclass
class CacheEntry:
    response: FetchResponse
    expires_at: float
    etag: str | None
    last_modified: str | None

    def validators(self) -> dict[str, str]:
        """Headers for a conditional request that revalidates this entry."""
        headers: dict[str, str] = {}
        if self.etag:
            headers["if-none-match"] = self.etag
        if self.last_modified:
            headers["if-modified-since"] = self.last_modified
        return headers


class ResponseCache:
    """URL+Accept -> response, with a TTL, ETag validators and a size bound."""

    def __init__(
        self, ttl_seconds: float = 3600.0, *, max_entries: int = 4096, clock: Clock | None = None
    ) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock or time.monotonic
        self._items: OrderedDict[tuple[str, str], CacheEntry] = OrderedDict()
        self._lock = threading.Lock()

    def lookup(self, url: str, accept: str) -> tuple[FetchResponse | None, CacheEntry | None]:
        """``(fresh_response, None)`` on a fresh hit; ``(None, stale_entry)`` when revalidation
        is possible; ``(None, None)`` on a miss."""
        with self._lock:
            entry = self._items.get((url, accept))
            if entry is None:
                return None, None
            if entry.expires_at > self._clock():
                return entry.response, None
            if entry.etag or entry.last_modified:
                return None, entry
            del self._items[(url, accept)]
            return None, None

    def store(self, url: str, accept: str, response: FetchResponse) -> None:
        """Keep ``response`` unless the server forbade it; the TTL is capped by ``max-age``."""
        ttl = self._ttl_for(response.headers.get("cache-control", ""))
        etag, modified = response.headers.get("etag"), response.headers.get("last-modified")
        if ttl is None or (ttl <= 0 and not (etag or modified)):
            return
        entry = CacheEntry(
            response=response,
            expires_at=self._clock() + ttl,
            etag=etag,
            last_modified=modified,
        )
        with self._lock:
            self._items[(url, accept)] = entry
            self._items.move_to_end((url, accept))
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def renew(self, url: str, accept: str, entry: CacheEntry, headers: dict[str, str]) -> None:
        """A ``304 Not Modified`` answer: keep the body, restart its time to live."""
        ttl = self._ttl_for(headers.get("cache-control", ""))
        with self._lock:
            entry.expires_at = self._clock() + max(ttl or 0.0, 0.0)
            entry.etag = headers.get("etag") or entry.etag
            self._items[(url, accept)] = entry

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def _ttl_for(self, cache_control: str) -> float | None:
        """Seconds to keep an answer; ``None`` for ``no-store``."""
        directives = [d.strip().lower() for d in cache_control.split(",") if d.strip()]
        if "no-store" in directives:
            return None
        ttl = self.ttl
        for directive in directives:
            name, _, value = directive.partition("=")
            if name == "max-age" and value.strip().isdigit():
                ttl = min(ttl, float(value.strip()))
        return ttl
