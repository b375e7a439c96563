"""One total deadline for a piece of network work (a fetch, a whole verification).

What: :func:`within` opens a scope that must end ``seconds`` from now; scopes nest and an inner
one never outlives an outer one. :func:`remaining` is what is left of the innermost scope, and
:func:`bounded` turns a per-operation timeout into one that cannot pass the deadline.
Why: per-operation timeouts (httpx's connect / read / write) restart on every byte, so a server
that drips one header byte per second keeps a 2 s read timeout from ever firing and holds a
verification for as long as it likes. The guarded network stream (:mod:`ats_match.net.http`)
bounds every connect, TLS handshake, read and write by the scope's deadline instead.
Kept in a :class:`~contextvars.ContextVar`, so each thread (and each task) has its own.
"""

from __future__ import annotations

import time
from contextvars import ContextVar, Token

_DEADLINE: ContextVar[float | None] = ContextVar("ats_match_net_deadline", default=None)


class DeadlinePassed(Exception):
    """The scope's time is used up; nothing more may be sent or waited for."""


class within:  # lower case: used like a function, ``with within(2.0) as end:``
    """A scope that ends ``seconds`` from now (or earlier, when an enclosing scope does).
    A class rather than ``@contextmanager``: it is entered once per verification and fetch."""

    __slots__ = ("_seconds", "_token")

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._token: Token[float | None] | None = None

    def __enter__(self) -> float:
        end = time.monotonic() + max(0.0, self._seconds)
        outer = _DEADLINE.get()
        if outer is not None and outer < end:
            end = outer
        self._token = _DEADLINE.set(end)
        return end

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _DEADLINE.reset(self._token)
            self._token = None


def remaining() -> float | None:
    """Seconds left in the innermost scope (``None`` outside any scope; may be <= 0)."""
    end = _DEADLINE.get()
    return None if end is None else end - time.monotonic()


def bounded(timeout: float | None) -> float | None:
    """``timeout`` cut down to what is left of the deadline; :class:`DeadlinePassed` if none."""
    left = remaining()
    if left is None:
        return timeout
    if left <= 0:
        raise DeadlinePassed("the deadline has passed")
    return left if timeout is None else min(timeout, left)
