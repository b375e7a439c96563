"""A TLS loopback server (registries must be https) and a fetcher that trusts its test CA."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ats_match.net.http import HttpFetcher
from tests.support.issuer_server import IssuerServer


@pytest.fixture(scope="module")
def tls_server() -> Iterator[IssuerServer]:
    with IssuerServer(tls=True) as server:
        yield server


@pytest.fixture
def server(tls_server: IssuerServer) -> IssuerServer:
    tls_server.up()
    tls_server.routes.clear()
    tls_server.requests.clear()
    return tls_server


@pytest.fixture
def fetcher(server: IssuerServer) -> Iterator[HttpFetcher]:
    """A fresh fetcher (empty cache) allowed to reach 127.0.0.1 only, trusting the test CA."""
    with HttpFetcher(allow_hosts=("127.0.0.1",), ca_bundle=server.ca_path) as f:
        yield f
