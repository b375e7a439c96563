"""Standard Webhooks signatures (https://www.standardwebhooks.com) through the maintained
``standardwebhooks`` library: checking inbound generic webhooks and signing the events we send.

Secrets are ``whsec_`` + standard base64 (what :func:`generate_secret` makes, and what every
Standard Webhooks sender issues). Two other forms are read without loss: ``whsec_`` + URL-safe
base64 (what this product generated before, so those integrations keep working) and a plain
secret without the prefix (used as its UTF-8 bytes).
"""

from __future__ import annotations

import base64
import binascii
import functools
import secrets
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

PREFIX = "whsec_"
SECRET_BYTES = 32


def generate_secret() -> str:
    """A new secret in the standard form: ``whsec_`` + standard base64 of 32 random bytes."""
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_bytes(secret: str) -> bytes:
    """The HMAC key of ``secret`` (see the module docstring for the accepted forms)."""
    if not secret.startswith(PREFIX):
        return secret.encode()
    encoded = secret.removeprefix(PREFIX)
    padded = encoded + "=" * (-len(encoded) % 4)
    for altchars in (None, b"-_"):
        try:
            key = base64.b64decode(padded, altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            continue
        if key:
            return key
    raise ValueError("a whsec_ secret must be base64 (standard or URL-safe)")


@functools.lru_cache(maxsize=1024)
def _webhook(secret: str) -> Webhook:
    return Webhook(secret_bytes(secret))


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: ``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body``."""
    moment = datetime.fromtimestamp(timestamp, tz=UTC)
    return _webhook(secret).sign(msg_id, moment, body.decode())


def headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three Standard Webhooks headers for one delivery of ``body``."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, msg_id, timestamp, body),
    }


def verify(secrets_: Iterable[str], headers_: Mapping[str, str], body: bytes) -> bool:
    """Whether one of ``secrets_`` signed ``body`` (timestamp within the library's 5-minute
    tolerance, signatures compared in constant time). Malformed headers or bodies are a no."""
    for secret in secrets_:
        try:
            _webhook(secret).verify(body, dict(headers_), json_parse=False)
        except (WebhookVerificationError, ValueError, UnicodeDecodeError, binascii.Error):
            continue
        return True
    return False


def matches(secret: str, msg_id: str, timestamp: int, body: bytes, offered: str) -> bool:
    """Whether any of the space-separated signatures in ``offered`` is ``secret``'s (the library
    checks; the timestamp must be within its tolerance)."""
    signed = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": offered,
    }
    return verify((secret,), signed, body)
