"""The embedded broker: kombu's SQLAlchemy transport on a SQLite file, polled every 50 ms
instead of every second, so ``ats-match run`` picks work up at once without Redis.

An empty poll is one indexed ``SELECT`` on the broker's own file (not the product database),
about 20 a second while idle.
"""

from __future__ import annotations

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as sqla

POLLING_INTERVAL_SECONDS = 0.05
SCHEME = "atsmembedded"


class Transport(sqla.Transport):
    polling_interval = POLLING_INTERVAL_SECONDS


def kombu_url(url: str) -> str:
    """The URL Celery is given: ``sqla+...`` (the setting) selects this transport."""
    if url.startswith("sqla+"):
        return f"{SCHEME}+{url.removeprefix('sqla+')}"
    return url


# URL schemes name transports through kombu's alias table (import paths are refused in URLs).
TRANSPORT_ALIASES.setdefault(SCHEME, "worker.embedded_broker:Transport")
