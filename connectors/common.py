"""Small pieces every vendor connector shares: HMAC checks, field readers, attachment typing."""

from __future__ import annotations

import hashlib
import hmac
import json
import mimetypes
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import httpx

from ats_match.errors import BadSignature, InvalidInput
from connectors.base import Attachment
from connectors.vendor_http import VendorConfig

Digest = Callable[[bytes, bytes], str]


def body_digest(body: bytes) -> str:
    """The inbox key of a delivery whose vendor sends no event id: redeliveries are identical."""
    return hashlib.sha256(body).hexdigest()


def envelope(body: bytes) -> Mapping[str, Any]:
    """The delivery's JSON object, or an empty mapping when the body is not one."""
    try:
        found = json.loads(body)
    except ValueError:
        return {}
    return found if isinstance(found, Mapping) else {}


def envelope_id(body: bytes, key: str) -> str:
    """The envelope's ``key`` as the event id, else the body's digest."""
    value = envelope(body).get(key)
    return str(value) if value else body_digest(body)


def hex_hmac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def check_any(
    offered: Iterable[str], message: bytes, secrets: Sequence[str], digest: Digest = hex_hmac
) -> None:
    """Raise :class:`BadSignature` unless one offered value equals ``digest(secret, message)``
    for one of ``secrets`` (constant-time compare; every pair is tried, no early exit on a
    near-match, so timing says nothing about which secret is in use)."""
    offered = [o.strip() for o in offered if o and o.strip()]
    if not offered:
        raise BadSignature("the delivery carries no signature")
    if not secrets:
        raise BadSignature("the integration has no signing secret")
    matched = False
    for secret in secrets:
        expected = digest(secret.encode(), message)
        for value in offered:
            matched |= hmac.compare_digest(expected.encode(), value.encode())
    if not matched:
        raise BadSignature("signature does not match the body")


def check_fresh(sent_at_seconds: float, now: float, tolerance: float, what: str) -> None:
    if abs(now - sent_at_seconds) > tolerance:
        raise BadSignature(f"{what} is outside the {int(tolerance)}-second tolerance")


def mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InvalidInput(f"payload field '{what}' must be an object")
    return value


def items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def required_id(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if value in (None, ""):
        raise InvalidInput(f"payload field '{where}.{key}' is required")
    return str(value)


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 strings and epoch milliseconds (Lever) as aware datetimes."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, UTC)
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput(f"'{value}' is not an ISO 8601 time") from exc


def vendor_file(url: Any, filename: Any = None) -> Attachment | None:
    """A vendor-hosted file to download at once; ``None`` without a URL."""
    if not url:
        return None
    name = str(filename) if filename else None
    kind = mimetypes.guess_type(name)[0] if name else None
    return Attachment(filename=name, content_type=kind, url=str(url), vendor_file=True)


def values(entries: Any, key: str = "value") -> list[str]:
    """``[{"value": "a"}, ...]`` (or plain strings) -> ``["a", ...]``."""
    out: list[str] = []
    for entry in items(entries):
        value = entry.get(key) if isinstance(entry, Mapping) else entry
        if value:
            out.append(str(value))
    return out


def full_name(*parts: Any) -> str:
    return " ".join(str(p).strip() for p in parts if p and str(p).strip())


def api_config(
    settings: Mapping[str, Any],
    *,
    default_base_url: str,
    default_file_hosts: tuple[str, ...] = (),
    auth: httpx.Auth | None = None,
    headers: Mapping[str, str] | None = None,
) -> VendorConfig:
    """The integration's API settings over the vendor's defaults. ``api_base_url`` serves
    regional hosts (EU data centres) and test servers; ``file_hosts`` replaces the defaults."""
    hosts = settings.get("file_hosts")
    return VendorConfig(
        base_url=str(settings.get("api_base_url") or default_base_url),
        auth=auth,
        headers=dict(headers or {}),
        file_hosts=tuple(str(h) for h in hosts) if isinstance(hosts, list) else default_file_hosts,
    )
