"""The product's one HTTP client: :class:`HttpFetcher`, the :class:`Fetcher` on httpx.

What it enforces on every GET (and on every redirect hop, which is followed by hand):

- ``http`` / ``https`` only, no credentials in URLs;
- the host is resolved **once**, every answer is checked, and the TCP connection is opened to a
  checked address (DNS-rebinding safe, see below). Private, loopback, link-local, multicast,
  reserved, unspecified, CGNAT and other non-global addresses, and cloud metadata endpoints
  (169.254.169.254, fd00:ec2::254) are refused unless the host name, the address or a CIDR that
  contains it is allow-listed (``Settings.fetch_allow_hosts``; the test suite allow-lists loopback);
- one total deadline per fetch, redirects included (``fetch_timeout_seconds``), and inside any
  enclosing scope (a whole verification, :mod:`ats_match.net.deadline`): every connect, TLS
  handshake, read and write is bounded by what is left of it, so a server that drips bytes
  cannot hold the caller past it (no slow-loris);
- a byte cap: ``Content-Length`` is checked first, then the streamed body is counted;
- an ``https`` -> ``http`` redirect (downgrade) is refused;
- environment proxies are ignored (a proxy would connect on our behalf, past the address check).

How the connection is pinned: httpx talks to the network through an httpcore *network backend*.
:class:`_GuardedBackend` replaces the default one; its ``connect_tcp`` resolves the host with
``getaddrinfo``, rejects the whole answer if any address is forbidden, and connects to the
checked IP literal itself. TLS is then started by httpcore with ``server_hostname`` set to the
URL's host, so SNI and certificate verification still use the name, and the ``Host`` header is
untouched. There is no second resolution anyone could race.

Answers are cached (:mod:`ats_match.net.cache`) with a TTL and ETag revalidation.
"""

from __future__ import annotations

import ipaddress
import ssl
import time
import typing
from urllib.parse import urljoin, urlsplit

import certifi
import httpcore
import httpx

from ats_match.net import deadline
from ats_match.net.cache import ResponseCache
from ats_match.net.fetcher import FetchError, FetchErrorKind, FetchResponse
from ats_match.net.resolve import lookup
from ats_match.settings import Settings, get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_DEFAULT_ACCEPT = "application/ld+json, application/json;q=0.9, */*;q=0.1"
_USER_AGENT = "ats-match-verifier/1"


class BlockedAddress(Exception):
    """Raised inside the network backend: the host resolved to a forbidden address."""

    def __init__(self, host: str, detail: str) -> None:
        super().__init__(f"{host}: {detail}")
        self.host = host
        self.detail = detail


class AddressPolicy:
    """Which hosts and addresses may be contacted; built from an allow-list of names/IPs/CIDRs."""

    def __init__(self, allow_hosts: typing.Iterable[str] = ()) -> None:
        self.hosts: set[str] = set()
        self.networks: list[IPNetwork] = []
        for raw in allow_hosts:
            entry = raw.strip().strip("[]").lower()
            if not entry:
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.rstrip("."))

    def host_allowed(self, host: str) -> bool:
        """True when the host name itself is allow-listed (all its addresses may be used)."""
        return host.lower().rstrip(".") in self.hosts

    def check(self, host: str, address: IPAddress) -> None:
        """Raise :class:`BlockedAddress` unless ``address`` (of ``host``) may be contacted."""
        if self.host_allowed(host) or any(address in net for net in self.networks):
            return
        reason = forbidden_reason(address)
        if reason:
            raise BlockedAddress(host, f"{address} is {reason}")

    def resolve(self, host: str, port: int) -> list[str]:
        """Resolve ``host`` and return its addresses, all checked; refuse if any is forbidden."""
        literal = _ip_literal(host)
        if literal is not None:
            self.check(host, literal)
            return [str(literal)]
        infos = lookup(host, port)
        addresses: list[str] = []
        for info in infos:
            address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
            self.check(host, address)
            if str(address) not in addresses:
                addresses.append(str(address))
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no address")
        return addresses


def forbidden_reason(address: IPAddress) -> str | None:
    """Why ``address`` is not a public internet address, or ``None`` if it is one."""
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped or address.sixtofour
        if mapped is not None:
            return forbidden_reason(mapped)
    checks = (
        (address in METADATA_ADDRESSES, "a cloud metadata address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_unspecified, "an unspecified address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    )
    return next((reason for hit, reason in checks if hit), None)


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        return None


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the current deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        limit = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, limit))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    try:
        return deadline.bounded(timeout)
    except deadline.DeadlinePassed as exc:
        raise error("the fetch deadline has passed") from exc


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore backend that resolves, checks and connects to the checked address only."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self.policy.resolve(host, port):
            try:
                limit = _bounded(timeout, httpcore.ConnectTimeout)
                stream = super().connect_tcp(address, port, limit, local_address, socket_options)
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None  # resolve() never returns an empty list
        raise last

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are never used by the fetcher")


class _GuardedTransport(httpx.HTTPTransport):
    """An httpx transport whose connection pool uses :class:`_GuardedBackend`."""

    def __init__(self, ssl_context: ssl.SSLContext, policy: AddressPolicy) -> None:
        super().__init__(verify=ssl_context, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=50,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=_GuardedBackend(policy),
        )


def build_ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    """Public roots (certifi) plus, optionally, one extra CA file."""
    context = ssl.create_default_context(cafile=certifi.where())
    if ca_bundle:
        context.load_verify_locations(cafile=ca_bundle)
    return context


def guarded_client_options(
    settings: Settings | None = None, *, allow_hosts: typing.Iterable[str] | None = None
) -> dict[str, typing.Any]:
    """Keyword arguments for an ``httpx.Client`` (or a subclass such as authlib's OAuth2
    client) with the fetcher's address guard, TLS roots and timeout, for the few calls that are
    not a document GET (an OpenID Connect token request is a POST): the same "no private or
    loopback address unless allow-listed" rule, no environment proxies, no redirects followed."""
    settings = settings or get_settings()
    hosts = settings.fetch_allow_hosts if allow_hosts is None else allow_hosts
    context = build_ssl_context(settings.fetch_ca_bundle)
    return {
        "transport": _GuardedTransport(context, AddressPolicy(hosts)),
        "timeout": httpx.Timeout(float(settings.fetch_timeout_seconds)),
        "follow_redirects": False,
        "trust_env": False,
        "headers": {"user-agent": _USER_AGENT},
    }


class HttpFetcher:
    """The :class:`~ats_match.net.fetcher.Fetcher` used in production and in loopback tests."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        allow_hosts: typing.Iterable[str] | None = None,
        ca_bundle: str | None = None,
        cache: ResponseCache | None = None,
        ca_path: str | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """``ca_path`` is an alias of ``ca_bundle``. ``transport`` replaces the guarded network
        transport (unit tests with ``httpx.MockTransport`` only; it bypasses the address pin,
        though URL-level checks of IP literals still apply)."""
        self.settings = settings or get_settings()
        hosts = self.settings.fetch_allow_hosts if allow_hosts is None else allow_hosts
        self.policy = AddressPolicy(hosts)
        self.timeout = float(self.settings.fetch_timeout_seconds)
        self.max_redirects = int(self.settings.fetch_max_redirects)
        self.max_bytes = int(self.settings.max_document_bytes)
        self.cache = (
            cache
            if cache is not None
            else ResponseCache(float(self.settings.fetch_cache_ttl_seconds))
        )
        context = build_ssl_context(ca_bundle or ca_path or self.settings.fetch_ca_bundle)
        self.client = httpx.Client(
            transport=transport or _GuardedTransport(context, self.policy),
            timeout=httpx.Timeout(self.timeout),
            follow_redirects=False,
            trust_env=False,
            headers={"user-agent": _USER_AGENT},
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the Fetcher protocol ---------------------------------------------------------------
    def get(
        self, url: str, *, accept: str | None = None, max_bytes: int | None = None
    ) -> FetchResponse:
        """GET ``url`` (cached, redirects re-checked) or raise :class:`FetchError`."""
        accept = accept or _DEFAULT_ACCEPT
        fresh, stale = self.cache.lookup(url, accept)
        if fresh is not None:
            return fresh
        limit = min(max_bytes or self.max_bytes, self.max_bytes)
        headers = {"accept": accept, **(stale.validators() if stale else {})}
        response, final_url, status, response_headers = self._follow(url, headers, limit)
        if status == 304 and stale is not None:
            self.cache.renew(url, accept, stale, response_headers)
            return stale.response
        assert response is not None
        if not 200 <= status < 300:
            raise FetchError(FetchErrorKind.HTTP_ERROR, url, f"HTTP {status}", status)
        result = FetchResponse(final_url, status, response, response_headers)
        self.cache.store(url, accept, result)
        return result

    # -- internals ----------------------------------------------------------------------------
    def _follow(
        self, url: str, headers: dict[str, str], limit: int
    ) -> tuple[bytes | None, str, int, dict[str, str]]:
        """Follow redirects by hand, re-checking each hop; return body, final URL, status.
        Everything (every hop's connect, headers and body) ends by one deadline."""
        with deadline.within(self.timeout) as end:
            current = url
            for _ in range(self.max_redirects + 1):
                self._check_url(current, original=url)
                if time.monotonic() >= end:
                    raise FetchError(FetchErrorKind.TIMEOUT, url, "the fetch deadline has passed")
                body, status, response_headers, location = self._one(current, headers, limit, end)
                if location is None:
                    return body, current, status, response_headers
                target = urljoin(current, location)
                if urlsplit(current).scheme == "https" and urlsplit(target).scheme == "http":
                    raise FetchError(
                        FetchErrorKind.BLOCKED, url, f"redirect downgrades to {target}"
                    )
                current = target
        raise FetchError(FetchErrorKind.INVALID, url, f"more than {self.max_redirects} redirects")

    def _check_url(self, url: str, *, original: str) -> None:
        try:
            parts = urlsplit(url)
            _ = parts.port
        except ValueError as exc:
            raise FetchError(FetchErrorKind.INVALID, original, f"bad URL {url!r}") from exc
        if parts.scheme not in ("http", "https"):
            raise FetchError(FetchErrorKind.BLOCKED, original, f"scheme {parts.scheme!r} refused")
        if not parts.hostname:
            raise FetchError(FetchErrorKind.INVALID, original, f"no host in {url!r}")
        if parts.username or parts.password:
            raise FetchError(FetchErrorKind.BLOCKED, original, "credentials in URL refused")
        literal = _ip_literal(parts.hostname)
        if literal is not None:
            try:
                self.policy.check(parts.hostname, literal)
            except BlockedAddress as exc:
                raise FetchError(FetchErrorKind.BLOCKED, original, exc.detail) from exc

    def _one(
        self, url: str, headers: dict[str, str], limit: int, end: float
    ) -> tuple[bytes | None, int, dict[str, str], str | None]:
        """One request. Returns (body, status, headers, redirect location or None)."""
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    return (
                        None,
                        response.status_code,
                        response_headers,
                        response.headers["location"],
                    )
                if response.status_code == 304:
                    return None, 304, response_headers, None
                body = self._read(response, url, limit, end)
                return body, response.status_code, response_headers, None
        except BlockedAddress as exc:
            raise FetchError(FetchErrorKind.BLOCKED, url, exc.detail) from exc
        except httpx.TimeoutException as exc:
            raise FetchError(FetchErrorKind.TIMEOUT, url, str(exc) or "timed out") from exc
        except httpx.TransportError as exc:
            raise FetchError(
                FetchErrorKind.UNREACHABLE, url, str(exc) or type(exc).__name__
            ) from exc
        except httpx.InvalidURL as exc:
            raise FetchError(FetchErrorKind.INVALID, url, str(exc)) from exc

    def _read(self, response: httpx.Response, url: str, limit: int, end: float) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(FetchErrorKind.TOO_LARGE, url, f"{declared} bytes > {limit}")
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise FetchError(FetchErrorKind.TOO_LARGE, url, f"more than {limit} bytes")
            if time.monotonic() > end:
                raise FetchError(FetchErrorKind.TIMEOUT, url, "body took too long")
            chunks.append(chunk)
        return b"".join(chunks)
