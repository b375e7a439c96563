"""The web process's delivery relay: one thread publishing stored deliveries in batches.

A request only wakes it (an ``Event.set``); the thread relays everything waiting in one query,
a few broker messages (one per organisation and batch) and one UPDATE, so the broker publish is
off the request path and amortised across deliveries. A delivery the relay misses (the process
died, the broker was down) is published by the worker's periodic relay.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from ats_match.db import get_engine
from ats_match.services import inbox

RETRY_SECONDS = 5.0
"""After a failed publish (broker down), try again this often until it goes through; idle
otherwise (rows another process stored are that process's, or the worker's periodic relay's)."""

COALESCE_SECONDS = 0.1
"""After a wake-up, wait this long so concurrent deliveries go out in one broker message (at
1,000/s about a hundred per process: the relay's query, publish and UPDATE cost per batch)."""

log = logging.getLogger(__name__)


class DeliveryRelay:
    def __init__(self) -> None:
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        self._ensure_started()
        self._wake.set()

    def _ensure_started(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name="delivery-relay", daemon=True
                )
                self._thread.start()

    def _loop(self) -> None:
        from worker.celery_app import publish

        failing = False
        while True:
            self._wake.wait(RETRY_SECONDS if failing else None)
            time.sleep(COALESCE_SECONDS)  # let a burst of deliveries share one batch
            self._wake.clear()
            try:
                while inbox.relay_deliveries(get_engine(), publish, raise_errors=True):
                    pass  # until nothing is waiting: one pass relays up to 500
                failing = False
            except Exception:
                failing = True
                log.warning("delivery relay: publish failed; retrying", exc_info=True)


@functools.lru_cache(maxsize=1)
def delivery_relay() -> DeliveryRelay:
    return DeliveryRelay()
