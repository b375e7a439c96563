"""A loopback listener that only counts who connects: the SSRF cases' witness.

It listens on 127.0.0.1 and ::1 on one port; any connection (even one that sends nothing) is a
hit. An attack case passes only when the product made no connection to it."""

from __future__ import annotations

import contextlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


class ConnectionRecorder:
    def __init__(self) -> None:
        self.hits = 0
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._open = True
        v4 = socket.create_server(("127.0.0.1", 0))
        self.port = int(v4.getsockname()[1])
        self._sockets.append(v4)
        with contextlib.suppress(OSError):  # no IPv6 loopback: ::1 is refused before connecting
            self._sockets.append(socket.create_server(("::1", self.port), family=socket.AF_INET6))
        for listener in self._sockets:
            listener.settimeout(0.2)
            threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while self._open:
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.hits += 1
            connection.close()

    def close(self) -> None:
        self._open = False
        for listener in self._sockets:
            listener.close()

    def __enter__(self) -> ConnectionRecorder:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class Redirector:
    """An allow-listed host (127.0.0.2, not the recorder's address) that answers every GET with
    a redirect to ``target``: the redirect-to-a-private-address case."""

    HOST = "127.0.0.2"

    def __init__(self, target: str) -> None:
        self.hits = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.hits += 1
                self.send_response(302)
                self.send_header("location", target)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer((self.HOST, 0), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
