"""Reading a request body within a size limit (the ASGI middleware caps every body too)."""

from __future__ import annotations

from fastapi import Request

from ats_match.errors import PayloadTooLarge


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            raise PayloadTooLarge(f"body is larger than {limit} bytes")
    return bytes(body)
