"""Evidence filters after inheritance, and the recency cut-off they give from a reference date.

A condition's filters come from the innermost level that sets each one (the condition, then its
requirement, then the set's defaults). The recency window (``issued_within``) is kept as text
and turned into a cut-off date per reference date, because each candidate is measured from their
own date (the application's, else the evaluation's ``as_of``).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from rules.acceptance import Acceptance, compile_acceptance
from rules.schema import EvidenceFilters, IssuerFilter, parse_duration

DEFAULT_PENALTY = 0.5
DEFAULT_MIN_CONFIDENCE = 0.5


def subtract_months(day: date, months: int) -> date:
    """``day`` minus whole calendar months, clamped to month end (31 Mar - 1 = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@lru_cache(maxsize=4096)
def recency_cutoff(window: str, reference: date) -> date:
    """The earliest issue date a window such as ``5 years`` accepts, measured from ``reference``."""
    span = parse_duration(window)
    return subtract_months(reference, span.months) - timedelta(days=span.days)


@dataclass(frozen=True, slots=True)
class Filters:
    """Evidence filters after inheritance (leaf, then requirement, then set defaults)."""

    verified_only: bool
    accept: Acceptance
    penalty: float
    window: str | None
    still_valid: bool
    min_confidence: float
    allow: frozenset[str] | None
    deny: frozenset[str]

    def cutoff(self, reference: date) -> date | None:
        """The recency cut-off for a candidate measured from ``reference`` (None: no window)."""
        return None if self.window is None else recency_cutoff(self.window, reference)


def resolve_filters(layers: Sequence[EvidenceFilters | None]) -> Filters:
    """Take each filter from the innermost layer that sets it."""

    def pick(name: str) -> object:
        for layer in layers:
            if layer is not None and getattr(layer, name) is not None:
                return getattr(layer, name)
        return None

    window = pick("issued_within")
    issuers = pick("issuers")
    allow = deny = None
    if isinstance(issuers, IssuerFilter):
        allow = frozenset(i.casefold() for i in issuers.allow) if issuers.allow else None
        deny = frozenset(d.casefold() for d in issuers.deny)
    verified_only, penalty = pick("verified_only"), pick("indeterminate_penalty")
    still_valid, confidence = pick("still_valid"), pick("min_confidence")
    only_verified = True if verified_only is None else bool(verified_only)
    policies = [layer.accept if layer is not None else None for layer in layers]
    return Filters(
        verified_only=only_verified,
        accept=compile_acceptance(policies, verified_only=only_verified),
        penalty=DEFAULT_PENALTY if not isinstance(penalty, float | int) else float(penalty),
        window=window if isinstance(window, str) else None,
        still_valid=True if still_valid is None else bool(still_valid),
        min_confidence=(
            DEFAULT_MIN_CONFIDENCE if not isinstance(confidence, float | int) else float(confidence)
        ),
        allow=allow,
        deny=deny or frozenset(),
    )
