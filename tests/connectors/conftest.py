from __future__ import annotations

from collections.abc import Iterator

import pytest

from ats_match.net.http import HttpFetcher
from tests.support.vendor_server import VendorServer


@pytest.fixture
def vendor() -> Iterator[VendorServer]:
    with VendorServer() as server:
        yield server


@pytest.fixture
def fetcher() -> Iterator[HttpFetcher]:
    with HttpFetcher(allow_hosts=["127.0.0.1"]) as f:
        yield f
