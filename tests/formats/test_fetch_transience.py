"""A failed fetch while extracting says whether it may succeed later: the worker retries an
unreachable issuer, but a refused address (SSRF guard) or a bad URL is final at once."""

from __future__ import annotations

import pytest

from ats_match.formats import extract_url
from ats_match.net.fetcher import FetchError, FetchErrorKind, FetchResponse


class FailingFetcher:
    def __init__(self, kind: FetchErrorKind) -> None:
        self.kind = kind

    def get(
        self, url: str, *, accept: str | None = None, max_bytes: int | None = None
    ) -> FetchResponse:
        raise FetchError(self.kind, url, "refused in test")


@pytest.mark.parametrize(
    ("kind", "transient"),
    [
        (FetchErrorKind.BLOCKED, False),
        (FetchErrorKind.INVALID, False),
        (FetchErrorKind.UNREACHABLE, True),
        (FetchErrorKind.TIMEOUT, True),
    ],
)
def test_fetch_failure_carries_its_transience(kind: FetchErrorKind, transient: bool) -> None:
    result = extract_url("https://issuer.example/badge.json", FailingFetcher(kind))
    [error] = result.errors
    assert error.code.value == "fetch_failed" and error.transient is transient
    assert "transient" not in error.model_dump()  # not part of the stored or shown error
