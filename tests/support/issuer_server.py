"""A real HTTP(S) server on loopback that plays issuers, ATS vendors and status-list hosts.

GET answers registered routes; POST is recorded in ``posts`` and answered with ``post_status``.

Tests register documents by path; the server answers them with the given status and content
type. ``down()`` makes every request fail with a closed connection, as an unreachable issuer
would. With ``tls=True`` the server uses a certificate from a throw-away CA (``ca_path``),
which the fetcher can be told to trust, so did:web and https-only rules are exercised for real.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Route:
    body: bytes
    content_type: str = "application/json"
    status: int = 200
    headers: dict[str, str] | None = None
    delay_first: float = 0.0
    """Seconds to stall the first request (a slow issuer), later requests answer at once."""


class IssuerServer:
    """Serve registered routes on 127.0.0.1 from a background thread."""

    def __init__(self, *, tls: bool = False) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self.post_status = 200
        self.is_down = False
        self.tls = tls
        self.ca_path: str | None = None
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        if tls:
            self._wrap_tls()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> IssuerServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> IssuerServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def down(self) -> None:
        self.is_down = True

    def up(self) -> None:
        self.is_down = False

    # -- addresses -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``: the authority, as used in URLs (and did:web as ``%3A``)."""
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}"

    def url(self, path: str) -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    # -- content -----------------------------------------------------------------------------
    def serve(
        self,
        path: str,
        body: bytes | str | dict[str, Any] | list[Any],
        *,
        content_type: str | None = None,
        status: int = 200,
        headers: dict[str, str] | None = None,
        delay_first: float = 0.0,
    ) -> str:
        """Register ``body`` at ``path`` and return its full URL."""
        if isinstance(body, dict | list):
            raw = json.dumps(body).encode()
            content_type = content_type or "application/json"
        elif isinstance(body, str):
            raw = body.encode()
        else:
            raw = body
        self.routes[path] = Route(
            raw, content_type or "application/octet-stream", status, headers, delay_first
        )
        return self.url(path)

    # -- internals ---------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server.requests.append(self.path)
                if server.is_down:
                    self.close_connection = True
                    self.connection.close()
                    return
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.delay_first:
                    stall, route.delay_first = route.delay_first, 0.0
                    time.sleep(stall)
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                for key, value in (route.headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(route.body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if server.is_down:
                    self.close_connection = True
                    self.connection.close()
                    return
                server.posts.append(
                    (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                self.send_response(server.post_status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler

    def _wrap_tls(self) -> None:
        workdir = Path(tempfile.mkdtemp(prefix="issuer-tls-"))
        ca_key, ca_cert = _make_ca()
        key, cert = _make_leaf(ca_key, ca_cert)
        ca_file = workdir / "ca.pem"
        ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
        chain = workdir / "server.pem"
        chain.write_bytes(
            cert.public_bytes(serialization.Encoding.PEM)
            + key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(chain))
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.ca_path = str(ca_file)


def _make_ca() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ats-match test CA")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _make_leaf(
    ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert
