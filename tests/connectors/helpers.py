"""Fixture loading and per-vendor signing for the connector tests."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(vendor: str, name: str) -> Any:
    return json.loads((FIXTURES / vendor / name).read_text())


def raw_fixture(vendor: str, name: str) -> bytes:
    return (FIXTURES / vendor / name).read_bytes()


def rehost(document: Any, public: str, local: str) -> Any:
    """The document with every ``public`` URL prefix pointing at the loopback server."""
    return json.loads(json.dumps(document).replace(public, local))


def hex_hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class NoSleep:
    """Records the pauses a client asks for instead of sleeping through them."""

    def __init__(self) -> None:
        self.pauses: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)
