"""The webhook path as a raw ASGI endpoint, answered before the framework's stack.

At a thousand deliveries a second the framework's per-request work (matching the path against
every route, building ``Request`` and ``Response`` objects, the middleware chain, anyio's worker
threads) cost more CPU than the delivery itself. :func:`handle` answers ``POST
/webhooks/{integration_id}`` directly: the body read within the size limit (a declared length
over it answered 413 before reading), :func:`web.api.webhooks.accept` run on this module's
threads, and the answer written as two ASGI messages. Everything else, and the OpenAPI
description of this route, stays with FastAPI. Errors answer in the API's one shape, as
``web.errors`` does.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import Any

import orjson
from sqlalchemy.exc import DataError
from starlette.types import Receive, Scope, Send

from ats_match.errors import AtsMatchError, NotFound, PayloadTooLarge
from ats_match.settings import get_settings
from web.api import webhooks

PREFIX = "/webhooks/"

INGEST_THREADS = 8
"""Threads per server process for the synchronous part (signature, INSERT): a delivery spends
well under a millisecond there, so a few threads keep the database busy without the GIL
hand-offs of a large pool."""

log = logging.getLogger(__name__)

_JSON = [(b"content-type", b"application/json")]


def is_delivery(scope: Scope) -> bool:
    """``POST /webhooks/<one segment>``: the path :func:`handle` answers."""
    path: str = scope.get("path", "")
    return (
        scope["type"] == "http"
        and scope.get("method") == "POST"
        and path.startswith(PREFIX)
        and "/" not in path[len(PREFIX) :]
        and len(path) > len(PREFIX)
    )


async def handle(scope: Scope, receive: Receive, send: Send) -> None:
    try:
        integration_id = _integration_id(scope["path"][len(PREFIX) :])
        body = await _read_body(scope, receive, get_settings().max_webhook_body_bytes)
        if body is None:
            return  # the client went away before its body was in: nobody to answer
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope["headers"]
        }
        loop = asyncio.get_running_loop()
        status, content, extra = await loop.run_in_executor(
            _threads(), webhooks.accept, integration_id, headers, body
        )
    except AtsMatchError as exc:
        error: dict[str, Any] = {"error": exc.code, "detail": exc.message}
        if exc.details:
            error["errors"] = exc.details
        await _respond(send, exc.status_code, error, {})
        return
    except DataError:
        # The database refused a value the delivery carried (a NUL in an event id): the
        # request's fault, answered as ``web.errors`` answers it.
        message = "a value in the request cannot be stored (a NUL character, or out of range)"
        await _respond(send, 422, {"error": "invalid_input", "detail": message}, {})
        return
    except Exception:
        text = b"Internal Server Error"
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(text)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": text})
        raise  # logged by the server, as an error past the framework's handlers would be
    webhooks.wake_relay(content)
    await _respond(send, status, content, extra)


def _integration_id(segment: str) -> uuid.UUID:
    try:
        return uuid.UUID(segment)
    except ValueError:
        raise NotFound("no active integration with this id") from None


async def _read_body(scope: Scope, receive: Receive, limit: int) -> bytes | None:
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit() and int(value) > limit:
            raise PayloadTooLarge(f"body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"body is larger than {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def _respond(send: Send, status: int, content: Any, extra: dict[str, str]) -> None:
    body = orjson.dumps(content)
    headers = [*_JSON, (b"content-length", str(len(body)).encode())]
    headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@cache
def _threads() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(INGEST_THREADS, thread_name_prefix="ingest")
