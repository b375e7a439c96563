"""What the webhook endpoint needs of an integration, cached per process.

Reading the integration (and decrypting its secrets) on every delivery costs a query and a
Fernet decryption; the endpoint reads this cache instead. An entry lives ``TTL_SECONDS`` and is
dropped at once when the admin API changes the integration in this process; a signature that
fails against a cached entry is checked once more against a fresh read, so a rotation made
through another server process is honoured at once too.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ats_match.models import Integration
from ats_match.models.base import utcnow

TTL_SECONDS = 10.0


@dataclass(frozen=True)
class IntegrationView:
    id: uuid.UUID
    organization_id: uuid.UUID
    vendor: str
    secrets: tuple[str, ...]
    active: bool
    fresh: bool = True
    """False when served from the cache (a failed signature is then re-checked fresh)."""


_lock = threading.Lock()
_entries: dict[uuid.UUID, tuple[float, IntegrationView | None]] = {}


def get(
    engine: Engine, integration_id: uuid.UUID, *, fresh: bool = False
) -> IntegrationView | None:
    """The integration's view (``None`` if there is none), from the cache unless ``fresh``."""
    now = time.monotonic()
    if not fresh:
        with _lock:
            entry = _entries.get(integration_id)
        if entry is not None and now - entry[0] < TTL_SECONDS:
            view = entry[1]
            return None if view is None else _stale(view)
    view = _load(engine, integration_id)
    with _lock:
        _entries[integration_id] = (now, view)
    return view


def invalidate(integration_id: uuid.UUID) -> None:
    with _lock:
        _entries.pop(integration_id, None)


def clear() -> None:
    with _lock:
        _entries.clear()


def _stale(view: IntegrationView) -> IntegrationView:
    return IntegrationView(
        view.id, view.organization_id, view.vendor, view.secrets, view.active, fresh=False
    )


def _load(engine: Engine, integration_id: uuid.UUID) -> IntegrationView | None:
    with Session(engine) as session:
        row = session.get(Integration, integration_id)
        if row is None:
            return None
        return IntegrationView(
            id=row.id,
            organization_id=row.organization_id,
            vendor=str(getattr(row.vendor, "value", row.vendor)),
            secrets=row.accepted_secrets(utcnow()),
            active=row.active and row.disabled_at is None,
        )
