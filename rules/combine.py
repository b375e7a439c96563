"""How conditions combine (three-valued Kleene logic with credit) and how totals decide flags.

Each condition has a satisfaction (met / undecided / not met) and a fraction of credit in
[0, 1]. These are the oracle's definitions: the columnar path (``rules.columnar``) computes the
same numbers over arrays and is tested equal to them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from rules.leaf import PENDING
from rules.results import Outcome
from rules.schema import Thresholds

MET, UNDECIDED, NOT_MET = 1, 0, -1
"""Three-valued satisfaction of a condition (ordered so min = AND and max = OR)."""


def state_of(value: float) -> tuple[int, float]:
    """(satisfaction, fraction) of a leaf from its best evidence value."""
    if value > 0:
        return MET, value
    return (UNDECIDED, 0.0) if value == PENDING else (NOT_MET, 0.0)


def combine_all(parts: Sequence[tuple[int, float]]) -> tuple[int, float]:
    """all_of: Kleene AND; credit is the mean of the parts (partial credit for stacks)."""
    return min(p[0] for p in parts), math.fsum(p[1] for p in parts) / len(parts)


def combine_any(parts: Sequence[tuple[int, float]]) -> tuple[int, float]:
    """any_of: Kleene OR; credit is the best part's."""
    return max(p[0] for p in parts), max(p[1] for p in parts)


def combine_at_least(n: int, parts: Sequence[tuple[int, float]]) -> tuple[int, float]:
    """at_least n: met when n parts are met, not met when even the undecided can't reach n."""
    met = sum(1 for p in parts if p[0] == MET)
    undecided = sum(1 for p in parts if p[0] == UNDECIDED)
    sat = MET if met >= n else NOT_MET if met + undecided < n else UNDECIDED
    best = sorted((p[1] for p in parts), reverse=True)[:n]
    return sat, math.fsum(best) / n


def outcome_of(sat: int, fraction: float) -> Outcome:
    """Map (satisfaction, credit) to the four recruiter-facing outcomes."""
    if sat == MET:
        return "met" if fraction >= 1.0 else "partly_met"
    if sat == UNDECIDED:
        return "not_evaluable"
    return "partly_met" if fraction > 0 else "unmet"


class Decision(NamedTuple):
    """Totals and flags derived identically by every path."""

    total: float
    normalised: float
    qualified: bool
    shortlisted: bool
    knocked_out: bool
    needs_review: bool


def decide(
    points: list[float], max_total: float, must_failed: int, must_undecided: int, th: Thresholds
) -> Decision:
    """Total (order-independent ``fsum``), normalised 0..100 and the qualification flags.

    With no weighted requirement (max 0) the score is 100 when every must is met, else 0.
    A knocked-out candidate keeps the points they earned but is never qualified.
    """
    total = math.fsum(points)
    knocked = must_failed > 0
    review = not knocked and must_undecided > 0
    if max_total > 0:
        normalised = round(100.0 * total / max_total, 6)
    else:
        normalised = 0.0 if knocked or review else 100.0
    qualified = not knocked and not review and normalised >= th.qualified
    shortlisted = qualified and normalised >= th.shortlist
    return Decision(round(total, 6), normalised, qualified, shortlisted, knocked, review)
