"""Network access: the :class:`Fetcher` contract and its httpx implementation.

Import :class:`HttpFetcher` from :mod:`ats_match.net.http`; the contract types are re-exported
here so callers do not depend on the module layout.
"""

from __future__ import annotations

from ats_match.net.cache import ResponseCache
from ats_match.net.fetcher import Fetcher, FetchError, FetchErrorKind, FetchResponse

__all__ = [
    "FetchError",
    "FetchErrorKind",
    "FetchResponse",
    "Fetcher",
    "HttpFetcher",
    "ResponseCache",
]


def __getattr__(name: str) -> object:
    """``ats_match.net.HttpFetcher`` without importing httpx for callers that do not need it."""
    if name == "HttpFetcher":
        from ats_match.net.http import HttpFetcher

        return HttpFetcher
    raise AttributeError(name)
