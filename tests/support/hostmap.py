"""Play public platform hosts on the loopback server, through the real safe fetcher.

:class:`HostMapFetcher` sends a request for ``https://www.credly.com/badges/x`` to
``https://127.0.0.1:PORT/www.credly.com/badges/x`` on the test server (through an
:class:`~ats_match.net.http.HttpFetcher` that allow-lists 127.0.0.1 explicitly), and gives the
answer back under its public URL, so code that checks hosts sees the platform's host. Hosts not
in ``hosts`` are passed through unchanged (and the safe fetcher refuses or fails them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import urlsplit

from ats_match.net.fetcher import FetchError, FetchResponse
from ats_match.net.http import HttpFetcher
from tests.support.issuer_server import IssuerServer


class HostMapFetcher:
    def __init__(self, inner: HttpFetcher, server: IssuerServer, hosts: Iterable[str]) -> None:
        self.inner, self.server, self.hosts = inner, server, frozenset(hosts)
        self.asked: list[str] = []

    def get(
        self, url: str, *, accept: str | None = None, max_bytes: int | None = None
    ) -> FetchResponse:
        self.asked.append(url)
        parts = urlsplit(url)
        target = url
        if parts.hostname in self.hosts:
            target = f"{self.server.base_url}/{parts.hostname}{parts.path}" + (
                f"?{parts.query}" if parts.query else ""
            )
        try:
            response = self.inner.get(target, accept=accept, max_bytes=max_bytes)
        except FetchError as exc:
            exc.url = url
            raise
        return replace(response, url=self._public(response.url))

    def _public(self, url: str) -> str:
        prefix = self.server.base_url + "/"
        if not url.startswith(prefix):
            return url
        host, _, rest = url[len(prefix) :].partition("/")
        return f"https://{host}/{rest}"
