"""Organisation settings read once per batch of deliveries instead of once per delivery.

The relay hands a worker up to a few hundred deliveries of one organisation in one job
(``process_deliveries``); each is still ingested in its own transaction, but what every one of
them reads alike - the issuer judge (allow/deny lists, registries), the skill matcher (the
organisation's skill files), the job's newest requirement set, the recruiter's mapping
overrides - is read by the first and reused by the rest. A batch therefore sees those settings
as they were when it started (seconds at most), as one long transaction would; a change made
meanwhile applies from the next batch (a requirement set change re-scores the job anyway).
Outside a batch every lookup reads the database as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_MEMO: ContextVar[dict[Any, Any] | None] = ContextVar("ats_match_batch_memo", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Within the block, :func:`memo` remembers what it computed."""
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def memo(key: Any, compute: Callable[[], T]) -> T:
    """``compute()``, remembered under ``key`` for the rest of the batch (computed every time
    outside one)."""
    store = _MEMO.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    value: T = store[key]
    return value


def active() -> bool:
    """Whether a batch is open."""
    return _MEMO.get() is not None


def forget(key: Any) -> None:
    """Drop what :func:`memo` remembered under ``key`` (e.g. "not found": it may be created)."""
    store = _MEMO.get()
    if store is not None:
        store.pop(key, None)
