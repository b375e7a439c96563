"""A real HTTP server on loopback that plays an ATS vendor's API.

Routes are keyed by (method, path); each holds a queue of answers, the last one repeating, so a
test says "429 with Retry-After once, then the candidate" as ``[RATE_LIMITED, candidate]``.
Every request is recorded (method, path, query, headers, body) so tests assert write-backs.
``down()`` closes every connection until ``up()``, as an unreachable vendor would.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Answer:
    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"

    def raw(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


def rate_limited(seconds: int = 1) -> Answer:
    return Answer({"error": "rate limited"}, 429, {"Retry-After": str(seconds)})


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class VendorServer:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Answer]] = {}
        self.requests: list[Recorded] = []
        self.down_for = 0
        """Close this many connections before answering again (a vendor that comes back)."""
        self.is_down = False
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> VendorServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def answer(self, method: str, path: str, *answers: Answer | Any) -> str:
        """Queue answers for ``method path`` (plain values become 200 JSON); returns the URL."""
        self.routes[(method.upper(), path)] = [
            a if isinstance(a, Answer) else Answer(a) for a in answers
        ]
        return self.url(path)

    def file(self, path: str, data: bytes, content_type: str = "application/octet-stream") -> str:
        return self.answer("GET", path, Answer(data, content_type=content_type))

    def down(self) -> None:
        self.is_down = True

    def up(self) -> None:
        self.is_down = False

    def calls(self, method: str, prefix: str = "") -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(prefix)]

    def _next(self, method: str, path: str) -> Answer:
        with self._lock:
            queue = self.routes.get((method, path))
            if not queue:
                return Answer({"error": "not found"}, 404)
            return queue.pop(0) if len(queue) > 1 else queue[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                server.requests.append(
                    Recorded(
                        self.command,
                        parts.path,
                        dict(parse_qsl(parts.query)),
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                with server._lock:
                    closing = server.is_down or server.down_for > 0
                    if server.down_for > 0:
                        server.down_for -= 1
                if closing:
                    self.close_connection = True
                    self.connection.close()
                    return
                answer = server._next(self.command, parts.path)
                raw = answer.raw()
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(raw)))
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        return Handler
