"""The load generator (run as its own process by ``run.py``): keep-alive HTTP/1.1 over raw
asyncio streams, so the client's own CPU stays small beside the server's on a 2-core machine.

Reads a JSON job on stdin: ``{"host", "port", "path", "requests": [[headers, body_b64], ...],
"concurrency"}``; prints ``{"latencies_ms": [...], "statuses": {code: n}, "wall_s": s}``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import sys
import time
from collections import Counter
from typing import Any


def _encode(host: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
    lines = [f"POST {path} HTTP/1.1", f"host: {host}", f"content-length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def _connection(
    job: dict[str, Any], queue: list[bytes], out: list[tuple[float, int]]
) -> None:
    reader, writer = await asyncio.open_connection(job["host"], job["port"])
    try:
        while queue:
            request = queue.pop()
            started = time.perf_counter()
            writer.write(request)
            status = await _read_response(reader)
            out.append(((time.perf_counter() - started) * 1000, status))
    finally:
        writer.close()


async def _main(job: dict[str, Any]) -> dict[str, Any]:
    path, host = job["path"], job["host"]
    queue = [
        _encode(host, path, headers, base64.b64decode(body))
        for headers, body in reversed(job["requests"])
    ]
    out: list[tuple[float, int]] = []
    started = time.perf_counter()
    await asyncio.gather(*(_connection(job, queue, out) for _ in range(job["concurrency"])))
    wall = time.perf_counter() - started
    return {
        "latencies_ms": [latency for latency, _ in out],
        "statuses": dict(Counter(str(status) for _, status in out)),
        "wall_s": wall,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_main(json.load(sys.stdin)))))
