"""The one way the product talks to the network (contract; implementation: verification issue).

Every fetch (issuer profiles, keys, DID documents, status lists, hosted assertions, badge links)
goes through a :class:`Fetcher`, so timeouts, size caps, SSRF rules and caching live in one place.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol


class FetchErrorKind(StrEnum):
    BLOCKED = "blocked"  # address not allowed (private, loopback, metadata…)
    UNREACHABLE = "unreachable"  # DNS, connect, TLS failure
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    HTTP_ERROR = "http_error"  # non-2xx answer
    INVALID = "invalid"  # bad URL, bad content


class FetchError(Exception):
    """A fetch that did not produce a usable document. ``kind`` says why."""

    def __init__(self, kind: FetchErrorKind, url: str, detail: str, status: int | None = None):
        super().__init__(f"{kind.value}: {url}: {detail}")
        self.kind = kind
        self.url = url
        self.detail = detail
        self.status = status

    @property
    def is_transient(self) -> bool:
        """True when trying again later may succeed (the issuer may come back)."""
        if self.kind in (FetchErrorKind.UNREACHABLE, FetchErrorKind.TIMEOUT):
            return True
        return self.kind == FetchErrorKind.HTTP_ERROR and (self.status or 0) >= 500


@dataclass(frozen=True)
class FetchResponse:
    url: str
    """The final URL, after redirects."""
    status_code: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def json(self) -> Any:
        return json.loads(self.content)


class Fetcher(Protocol):
    def get(
        self, url: str, *, accept: str | None = None, max_bytes: int | None = None
    ) -> FetchResponse:
        """GET ``url`` or raise :class:`FetchError`."""
        ...
