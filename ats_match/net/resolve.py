"""Name resolution bounded by the current deadline (:mod:`ats_match.net.deadline`)."""

from __future__ import annotations

import socket
import threading
import typing

import httpcore

from ats_match.net import deadline

_LOOKUPS = threading.BoundedSemaphore(32)
"""Name lookups that may be waiting at once (each in its own thread, see :func:`_lookup`)."""


def lookup(host: str, port: int) -> list[typing.Any]:
    """``getaddrinfo`` bounded by the current deadline.

    Why a thread: ``getaddrinfo`` takes no timeout, and the name server of an issuer's domain
    is the issuer's to make slow; inside a deadline scope the lookup runs in a daemon thread
    that the caller stops waiting for when the deadline passes (the thread ends on its own)."""
    left = deadline.remaining()
    if left is None:
        return _getaddrinfo(host, port)
    if left <= 0 or not _LOOKUPS.acquire(timeout=left):
        raise httpcore.ConnectTimeout(f"resolving {host}: the fetch deadline has passed")
    outcome: list[typing.Any] = []

    def run() -> None:
        try:
            outcome.append(_getaddrinfo(host, port))
        except httpcore.ConnectError as exc:
            outcome.append(exc)
        finally:
            _LOOKUPS.release()

    worker = threading.Thread(target=run, name=f"resolve {host}", daemon=True)
    worker.start()
    worker.join(max(0.0, left))
    if not outcome:
        raise httpcore.ConnectTimeout(f"resolving {host} took longer than the fetch deadline")
    if isinstance(outcome[0], Exception):
        raise outcome[0]
    return list(outcome[0])


def _getaddrinfo(host: str, port: int) -> list[typing.Any]:
    try:
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
