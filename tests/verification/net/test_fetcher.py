"""HttpFetcher against the real loopback server: SSRF rules, redirects, caps, TLS, caching."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from ats_match.net.cache import ResponseCache
from ats_match.net.fetcher import FetchError, FetchErrorKind
from ats_match.net.http import AddressPolicy, BlockedAddress, HttpFetcher, forbidden_reason
from tests.support.issuer_server import IssuerServer

LOOPBACK = ("127.0.0.1",)


@pytest.fixture(scope="module")
def server() -> Iterator[IssuerServer]:
    with IssuerServer() as s:
        yield s


@pytest.fixture(autouse=True)
def _reset(server: IssuerServer) -> None:
    server.up()
    server.routes.clear()
    server.requests.clear()


def _kind(exc: pytest.ExceptionInfo[FetchError]) -> FetchErrorKind:
    return exc.value.kind


def test_fetches_from_allow_listed_loopback(server: IssuerServer) -> None:
    url = server.serve("/issuer.json", {"id": "x"})
    response = HttpFetcher(allow_hosts=LOOPBACK).get(url)
    assert response.json() == {"id": "x"} and response.url == url


def test_loopback_is_blocked_without_allow_list(server: IssuerServer) -> None:
    url = server.serve("/issuer.json", {"id": "x"})
    with pytest.raises(FetchError) as exc:
        HttpFetcher(allow_hosts=()).get(url)
    assert _kind(exc) == FetchErrorKind.BLOCKED and not exc.value.is_transient
    assert server.requests == []


def test_host_name_resolving_to_loopback_is_blocked_after_resolution(server: IssuerServer) -> None:
    """``localhost`` is a name: only the DNS answer reveals it is loopback; no request is sent."""
    server.serve("/issuer.json", {"id": "x"})
    with pytest.raises(FetchError) as exc:
        HttpFetcher(allow_hosts=()).get(f"http://localhost:{server.port}/issuer.json")
    assert _kind(exc) == FetchErrorKind.BLOCKED and "loopback" in exc.value.detail
    assert server.requests == []


def test_allow_list_accepts_cidr(server: IssuerServer) -> None:
    url = server.serve("/k", {"ok": 1})
    assert HttpFetcher(allow_hosts=("127.0.0.0/8",)).get(url).json() == {"ok": 1}


def test_redirect_to_a_blocked_host_is_refused(server: IssuerServer) -> None:
    """The first hop is allowed (host allow-listed by name), the second points at metadata."""
    server.serve(
        "/hop",
        b"",
        status=302,
        headers={"Location": "http://169.254.169.254/latest/meta-data/"},
    )
    fetcher = HttpFetcher(allow_hosts=LOOPBACK)
    with pytest.raises(FetchError) as exc:
        fetcher.get(server.url("/hop"))
    assert _kind(exc) == FetchErrorKind.BLOCKED and "metadata" in exc.value.detail


def test_redirect_to_another_loopback_address_is_rechecked(server: IssuerServer) -> None:
    """Only 127.0.0.1 is allow-listed; a hop to 127.0.0.2 (same machine) is refused."""
    server.serve("/hop", b"", status=301, headers={"Location": f"http://127.0.0.2:{server.port}/x"})
    server.serve("/x", {"x": 1})
    with pytest.raises(FetchError) as exc:
        HttpFetcher(allow_hosts=("127.0.0.1/32",)).get(server.url("/hop"))
    assert _kind(exc) == FetchErrorKind.BLOCKED
    assert server.requests == ["/hop"]


def test_redirects_are_followed_and_capped(server: IssuerServer) -> None:
    server.serve("/a", b"", status=302, headers={"Location": "/b"})
    server.serve("/b", {"final": True})
    fetcher = HttpFetcher(allow_hosts=LOOPBACK)
    response = fetcher.get(server.url("/a"))
    assert response.json() == {"final": True} and response.url == server.url("/b")
    server.serve("/loop", b"", status=302, headers={"Location": "/loop"})
    with pytest.raises(FetchError) as exc:
        fetcher.get(server.url("/loop"))
    assert _kind(exc) == FetchErrorKind.INVALID


def test_size_cap_by_header_and_by_stream(server: IssuerServer) -> None:
    url = server.serve("/big", b"x" * 5000)
    with pytest.raises(FetchError) as exc:
        HttpFetcher(allow_hosts=LOOPBACK).get(url, max_bytes=1000)
    assert _kind(exc) == FetchErrorKind.TOO_LARGE


def test_stream_cap_without_content_length() -> None:
    """A server that sends no Content-Length and never stops is cut at the cap."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
        try:
            for _ in range(2000):
                conn.sendall(b"y" * 1024)
        except OSError:
            pass
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    with pytest.raises(FetchError) as exc:
        HttpFetcher(allow_hosts=LOOPBACK).get(f"http://127.0.0.1:{port}/", max_bytes=10_000)
    assert _kind(exc) == FetchErrorKind.TOO_LARGE
    listener.close()


def test_http_errors_and_down_server(server: IssuerServer) -> None:
    fetcher = HttpFetcher(allow_hosts=LOOPBACK)
    with pytest.raises(FetchError) as exc:
        fetcher.get(server.url("/missing"))
    assert exc.value.status == 404 and not exc.value.is_transient
    server.serve("/gone", {"id": "x", "revoked": True}, status=410)
    with pytest.raises(FetchError) as exc:
        fetcher.get(server.url("/gone"))
    assert exc.value.status == 410
    server.down()
    with pytest.raises(FetchError) as exc:
        fetcher.get(server.url("/anything"))
    assert exc.value.is_transient


def test_schemes_and_credentials_refused() -> None:
    fetcher = HttpFetcher(allow_hosts=LOOPBACK)
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "http://u:p@127.0.0.1/x"):
        with pytest.raises(FetchError) as exc:
            fetcher.get(url)
        assert _kind(exc) == FetchErrorKind.BLOCKED


def test_tls_with_extra_ca_and_sni() -> None:
    with IssuerServer(tls=True) as tls:
        url = tls.serve("/did.json", {"id": "did:web:x"})
        assert HttpFetcher(allow_hosts=LOOPBACK, ca_bundle=tls.ca_path).get(url).json()
        with pytest.raises(FetchError) as exc:
            HttpFetcher(allow_hosts=LOOPBACK).get(url)
        assert _kind(exc) == FetchErrorKind.UNREACHABLE


def test_tls_redirect_downgrade_refused() -> None:
    with IssuerServer(tls=True) as tls:
        tls.serve("/r", b"", status=302, headers={"Location": "http://127.0.0.1:1/x"})
        with pytest.raises(FetchError) as exc:
            HttpFetcher(allow_hosts=LOOPBACK, ca_path=tls.ca_path).get(tls.url("/r"))
        assert _kind(exc) == FetchErrorKind.BLOCKED


def test_cache_serves_fresh_and_revalidates_with_etag(server: IssuerServer) -> None:
    url = server.serve("/p", {"v": 1}, headers={"ETag": '"v1"'})
    clock = [0.0]
    fetcher = HttpFetcher(allow_hosts=LOOPBACK, cache=ResponseCache(60, clock=lambda: clock[0]))
    assert fetcher.get(url).json() == {"v": 1}
    assert fetcher.get(url).json() == {"v": 1}
    assert server.requests == ["/p"]  # second answer came from the cache
    clock[0] = 120.0
    server.serve("/p", b"", status=304, headers={"ETag": '"v1"'})
    assert fetcher.get(url).json() == {"v": 1}
    assert len(server.requests) == 2


def test_address_policy_rules() -> None:
    import ipaddress

    for address in (
        "10.0.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "fd00:ec2::254",
        "::1",
        "::ffff:127.0.0.1",
        "100.64.0.1",
        "224.0.0.1",
        "0.0.0.0",
    ):
        assert forbidden_reason(ipaddress.ip_address(address)), address
    assert forbidden_reason(ipaddress.ip_address("93.184.216.34")) is None
    policy = AddressPolicy(["10.1.0.0/16", "Internal.Example"])
    policy.check("x", ipaddress.ip_address("10.1.2.3"))
    policy.check("internal.example", ipaddress.ip_address("10.9.9.9"))
    with pytest.raises(BlockedAddress):
        policy.check("x", ipaddress.ip_address("10.2.0.1"))


def test_cache_honours_no_store_and_max_age() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        headers = (
            {"cache-control": "no-store"}
            if request.url.path == "/ns"
            else {"cache-control": "max-age=10"}
        )
        return httpx.Response(200, json={"p": request.url.path}, headers=headers)

    clock = [0.0]
    cache = ResponseCache(3600, clock=lambda: clock[0])
    fetcher = HttpFetcher(allow_hosts=(), cache=cache, transport=httpx.MockTransport(handler))
    for _ in range(2):
        fetcher.get("https://issuer.example/ns")
        fetcher.get("https://issuer.example/ma")
    assert calls == ["/ns", "/ma", "/ns"]
    clock[0] = 11.0
    fetcher.get("https://issuer.example/ma")
    assert calls[-1] == "/ma" and len(calls) == 4


def _fake_dns(monkeypatch: pytest.MonkeyPatch, answers: list[list[str]]) -> list[str]:
    """Replace getaddrinfo for names ending in ``.test``: each call pops the next answer."""
    real = socket.getaddrinfo
    calls: list[str] = []

    def fake(host: str, port: object, *args: object, **kw: object) -> object:
        if not str(host).endswith(".test"):
            return real(host, port, *args, **kw)  # type: ignore[arg-type]
        calls.append(str(host))
        ips = answers[min(len(calls) - 1, len(answers) - 1)]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ips]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return calls


def test_dns_answer_with_any_private_address_is_refused(
    server: IssuerServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_dns(monkeypatch, [["93.184.216.34", "10.0.0.7"]])
    with pytest.raises(FetchError) as exc:
        HttpFetcher(allow_hosts=()).get(f"http://issuer.test:{server.port}/x")
    assert _kind(exc) == FetchErrorKind.BLOCKED and "10.0.0.7" in exc.value.detail


def test_connection_is_pinned_to_the_checked_answer(
    server: IssuerServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rebinding: the name resolves once; a later, different answer is never used."""
    server.serve("/x", {"pinned": True})
    calls = _fake_dns(monkeypatch, [["127.0.0.1"], ["10.0.0.7"]])
    fetcher = HttpFetcher(allow_hosts=("127.0.0.1",), cache=ResponseCache(0))
    assert fetcher.get(f"http://issuer.test:{server.port}/x").json() == {"pinned": True}
    assert calls == ["issuer.test"]


def test_silent_server_times_out() -> None:
    """A server that accepts and never answers: a transient timeout, not a hang."""
    from ats_match.settings import Settings

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    settings = Settings(fetch_timeout_seconds=0.3, fetch_allow_hosts=["127.0.0.1"])
    with pytest.raises(FetchError) as exc:
        HttpFetcher(settings).get(f"http://127.0.0.1:{port}/slow")
    assert _kind(exc) == FetchErrorKind.TIMEOUT and exc.value.is_transient
    listener.close()


def test_drip_feeding_server_hits_the_deadline() -> None:
    """One byte every 0.1 s never trips the read timeout, but the whole-body deadline stops it."""
    from ats_match.settings import Settings

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        conn, _ = listener.accept()
        conn.recv(4096)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n")
        try:
            for _ in range(100):
                conn.sendall(b" ")
                threading.Event().wait(0.1)
        except OSError:
            pass
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    settings = Settings(fetch_timeout_seconds=0.5, fetch_allow_hosts=["127.0.0.1"])
    with pytest.raises(FetchError) as exc:
        HttpFetcher(settings).get(f"http://127.0.0.1:{port}/drip")
    assert _kind(exc) == FetchErrorKind.TIMEOUT
    listener.close()
