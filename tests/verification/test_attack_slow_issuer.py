"""Attack corpus: an issuer that drips its answer, one byte at a time.

Per-operation timeouts restart on every byte, so a server sending one header byte per second
never trips a 2 s read timeout. One total deadline per fetch (connect + headers + body) and one
per verification must stop it: with a 2 s fetch timeout, done within about 2.5 s, and the
credential left ``indeterminate`` (could not check; retried), never ``verified`` or ``failed``."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from ats_match.net.fetcher import FetchError, FetchErrorKind
from ats_match.net.http import HttpFetcher
from ats_match.settings import Settings, get_settings
from ats_match.verification import VerificationContext, verify_credential
from ats_match.verification.report import CheckStatus
from tests.support.ob2 import EMAIL, OB2, fixed_now, form, hashed_identity

FETCH_TIMEOUT = 2.0
SLACK = 0.6


@dataclass
class Answer:
    body: bytes
    drip_interval: float = 0.0
    """> 0: send the status line and headers one byte per interval."""
    stall: float = 0.0
    """Seconds to wait before answering at all (then answer at once)."""


@dataclass
class DripServer:
    """A raw-socket HTTP/1.1 server on loopback whose answers can drip or stall."""

    routes: dict[str, Answer] = field(default_factory=dict)
    listener: socket.socket = field(init=False)
    stopped: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}"

    def serve(self, path: str, document: Any, **kw: Any) -> str:
        self.routes[path] = Answer(json.dumps(document).encode(), **kw)
        return self.base + path

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        try:
            request = conn.recv(65536).decode("latin-1")
            path = request.split(" ")[1] if " " in request else "/"
            answer = self.routes.get(path, Answer(b"{}"))
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(answer.body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            time.sleep(answer.stall)
            if answer.drip_interval > 0:
                for byte in head:
                    if self.stopped.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(answer.drip_interval)
            else:
                conn.sendall(head)
            conn.sendall(answer.body)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stopped.set()
        self.listener.close()


@pytest.fixture
def drip() -> Iterator[DripServer]:
    server = DripServer()
    yield server
    server.close()


@pytest.fixture
def fetcher() -> HttpFetcher:
    settings = Settings(fetch_timeout_seconds=FETCH_TIMEOUT, fetch_allow_hosts=["127.0.0.1"])
    return HttpFetcher(settings)


def test_header_drip_is_cut_at_the_fetch_deadline(drip: DripServer, fetcher: HttpFetcher) -> None:
    url = drip.serve("/issuer.json", {"id": "x"}, drip_interval=1.0)
    start = time.monotonic()
    with pytest.raises(FetchError) as exc:
        fetcher.get(url)
    elapsed = time.monotonic() - start
    assert exc.value.kind == FetchErrorKind.TIMEOUT and exc.value.is_transient
    assert elapsed < FETCH_TIMEOUT + SLACK, elapsed


def test_fast_drip_within_the_deadline_still_arrives(
    drip: DripServer, fetcher: HttpFetcher
) -> None:
    url = drip.serve("/issuer.json", {"id": "x"}, drip_interval=0.005)
    assert fetcher.get(url).json() == {"id": "x"}


def _hosted_assertion(base: str, badge: str) -> dict[str, Any]:
    return {
        "@context": OB2,
        "type": "Assertion",
        "id": f"{base}/assertions/1.json",
        "recipient": hashed_identity(),
        "badge": badge,
        "issuedOn": "2024-05-01T12:00:00Z",
        "verification": {"type": "hosted"},
    }


def _verify(credential: Any, fetcher: HttpFetcher) -> Any:
    context = VerificationContext(fetcher=fetcher, applicant_emails=(EMAIL,), now=fixed_now())
    return verify_credential(credential, context)


def test_dripping_issuer_leaves_verification_indeterminate_in_time(
    drip: DripServer, fetcher: HttpFetcher
) -> None:
    doc = _hosted_assertion(drip.base, f"{drip.base}/badge.json")
    drip.serve("/assertions/1.json", doc, drip_interval=1.0)
    start = time.monotonic()
    report = _verify(form(doc), fetcher)
    elapsed = time.monotonic() - start
    assert elapsed < FETCH_TIMEOUT + SLACK, elapsed
    hosted = next(c for c in report.checks if c.name == "hosted")
    assert hosted.status == CheckStatus.INDETERMINATE
    assert report.status.value == "indeterminate"


def test_one_deadline_for_the_whole_verification(
    drip: DripServer, fetcher: HttpFetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each document answers in 1.5 s (inside the 2 s fetch timeout), but the assertion, badge
    class, issuer and revocation list together would take 6 s: the 2.5 s verification deadline
    stops the rest."""
    monkeypatch.setenv("ATS_MATCH_VERIFY_TIMEOUT_SECONDS", "2.5")
    get_settings.cache_clear()
    issuer = f"{drip.base}/issuer.json"
    doc = _hosted_assertion(drip.base, f"{drip.base}/badge.json")
    drip.serve("/assertions/1.json", doc, stall=1.5)
    badge = {"@context": OB2, "type": "BadgeClass", "id": f"{drip.base}/badge.json"}
    badge |= {"name": "Data Analysis", "issuer": issuer, "criteria": {"narrative": "x"}}
    drip.serve("/badge.json", badge, stall=1.5)
    drip.serve("/issuer.json", {"@context": OB2, "type": "Issuer", "id": issuer}, stall=1.5)
    try:
        start = time.monotonic()
        report = _verify(form(doc), fetcher)
        elapsed = time.monotonic() - start
    finally:
        monkeypatch.delenv("ATS_MATCH_VERIFY_TIMEOUT_SECONDS")
        get_settings.cache_clear()
    assert elapsed < 2.5 + SLACK, elapsed
    assert report.status.value == "indeterminate"
    assert any(c.status == CheckStatus.INDETERMINATE for c in report.checks)


def test_slow_name_server_is_cut_at_the_fetch_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """``getaddrinfo`` takes no timeout; an issuer's name server answering after 5 s must not
    hold a 1 s fetch."""
    real = socket.getaddrinfo

    def slow(host: str, *args: Any, **kwargs: Any) -> Any:
        if host == "slow-dns.test":
            time.sleep(5)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    fetcher = HttpFetcher(Settings(fetch_timeout_seconds=1.0, fetch_allow_hosts=["slow-dns.test"]))
    start = time.monotonic()
    with pytest.raises(FetchError) as exc:
        fetcher.get("http://slow-dns.test/issuer.json")
    assert time.monotonic() - start < 1.0 + SLACK
    assert exc.value.kind == FetchErrorKind.TIMEOUT and exc.value.is_transient
