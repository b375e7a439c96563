"""Standard Webhooks signatures (https://www.standardwebhooks.com), used both to check inbound
generic webhooks and to sign the events we send back to an ATS."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac


def secret_bytes(secret: str) -> bytes:
    """``whsec_<base64>`` secrets are decoded; any other secret is used as UTF-8 bytes."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError("a whsec_ secret must be base64") from exc
    return secret.encode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_bytes(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def matches(secret: str, msg_id: str, timestamp: int, body: bytes, offered: str) -> bool:
    """Whether any of the space-separated signatures in ``offered`` is ours (constant time)."""
    expected = sign(secret, msg_id, timestamp, body).encode()
    return any(hmac.compare_digest(candidate.encode(), expected) for candidate in offered.split())
