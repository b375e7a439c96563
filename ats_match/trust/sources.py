"""What every issuer source (registry or list) answers, and the shared deadline.

A source is asked one question, "what do you say about this issuer?", and answers a
:class:`Lookup`: listed (with a :class:`Listing`), absent, unreachable or invalid. Only
``LISTED`` can make an issuer trusted; the other three leave it unknown, each with its reason, so
a registry that is down or serves something we cannot verify never vouches for anyone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from ats_match.net.fetcher import FetchError, FetchErrorKind
from ats_match.trust.identifiers import IssuerId

Clock = Callable[[], float]


class Outcome(StrEnum):
    LISTED = "listed"
    ABSENT = "absent"
    UNREACHABLE = "unreachable"
    """Could not be asked (network, deadline, 5xx): try again later."""
    INVALID = "invalid"
    """Answered with something that is not a valid registry document or statement."""


@dataclass(frozen=True)
class Listing:
    """What a registry or list says about an issuer (never what the issuer says of itself)."""

    registry: str
    """The configured name of the registry or list."""
    kind: str
    name: str | None = None
    """The issuer's name as the registry records it."""
    url: str | None = None
    accreditor: str | None = None
    """Who vouches: the registry's operator, the superior in a federation chain, or the
    accreditation body named in an employer's accreditation list."""
    accreditor_id: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Lookup:
    outcome: Outcome
    reason: str
    listing: Listing | None = None

    @classmethod
    def listed(cls, listing: Listing, reason: str) -> Lookup:
        return cls(Outcome.LISTED, reason, listing)


class Deadline:
    """One total time budget for every registry asked about one issuer."""

    def __init__(self, seconds: float, clock: Clock | None = None) -> None:
        self._clock = clock or time.monotonic
        self._ends = self._clock() + seconds

    def remaining(self) -> float:
        return self._ends - self._clock()

    @property
    def passed(self) -> bool:
        return self.remaining() <= 0


class IssuerSource(Protocol):
    name: str
    kind: str

    def lookup(self, issuer: IssuerId, deadline: Deadline) -> Lookup:
        """Say what this source knows about ``issuer``; never raise for network trouble."""
        ...


def fetch_failure(registry: str, exc: FetchError) -> Lookup:
    """The :class:`Lookup` for a fetch that failed: a 404 on a registry document is not "absent"
    (the registry itself is missing), so every failure leaves the issuer unknown."""
    if exc.kind in (FetchErrorKind.BLOCKED, FetchErrorKind.INVALID, FetchErrorKind.TOO_LARGE):
        return Lookup(Outcome.INVALID, f"the registry {registry} could not be read ({exc.detail})")
    return Lookup(
        Outcome.UNREACHABLE, f"the registry {registry} could not be reached ({exc.detail})"
    )


def deadline_passed(registry: str) -> Lookup:
    return Lookup(
        Outcome.UNREACHABLE,
        f"the registry {registry} was not asked: the time for trust checks ran out",
    )
