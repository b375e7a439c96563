"""From each requirement's (satisfaction, fraction) column to totals, flags and ranking keys.

The same arithmetic as :func:`rules.combine.decide`, per column: points are ``weight *
fraction`` where the fraction is positive, the total their exact sum, ``normalised`` rounded to
6 decimals exactly as Python rounds. The ranking order is the documented one
(:mod:`rules.ranking`): tier, normalised (highest first), requirements not evaluable, application
day, candidate id - by ``lexsort``, or ``argpartition`` first when only the top of the list is
asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from rules.columnar.exact import Floats, exact_sum, round6
from rules.columnar.groups import Column
from rules.combine import NOT_MET, UNDECIDED
from rules.inputs import CandidateEvidence
from rules.schema import Thresholds
from rules.summary import ScoreList, ScoreSummary

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class ColumnarScores:
    """Every candidate's score, as columns (candidates in table order)."""

    total: Floats
    normalised: Floats
    qualified: Flags
    shortlisted: Flags
    knocked_out: Flags
    needs_review: Flags
    not_evaluable: Ints
    tier: Ints
    applied_day: Ints
    id_rank: Ints
    rule_points: Floats
    """requirements x candidates: the points each requirement earned (before rounding)."""
    rule_sats: npt.NDArray[np.int8]
    """requirements x candidates: each requirement's satisfaction (1 met, 0 undecided, -1)."""

    def order(self, top: int | None = None) -> Ints:
        """Candidate positions in ranking order (only the first ``top`` when given)."""
        n = len(self.total)
        if top is not None and top < n:
            primary = self.tier * 1000.0 - self.normalised  # tiers never overlap: 0 <= n <= 100
            kth = np.partition(primary, top - 1)[top - 1]
            chosen = np.flatnonzero(primary <= kth)  # ties at the boundary all compete
            return chosen[self._lexsort(chosen)][:top]
        return self._lexsort(np.arange(n))

    def _lexsort(self, rows: Ints) -> Ints:
        keys = (
            self.id_rank[rows],
            self.applied_day[rows],
            self.not_evaluable[rows],
            -self.normalised[rows],
            self.tier[rows],
        )
        order: Ints = np.lexsort(keys)
        return order

    def summaries(self, candidates: Sequence[CandidateEvidence], offset: int = 0) -> ScoreList:
        """One :class:`ScoreSummary` per candidate (positions from ``offset``), in a list that
        keeps the ranking order for :func:`rules.ranking.rank`."""
        columns = zip(
            range(offset, offset + len(candidates)),
            [c.candidate_id for c in candidates],
            [c.applied_at for c in candidates],
            self.total.tolist(),
            self.normalised.tolist(),
            self.qualified.tolist(),
            self.shortlisted.tolist(),
            self.knocked_out.tolist(),
            self.needs_review.tolist(),
            self.not_evaluable.tolist(),
            self.tier.tolist(),
            self.applied_day.tolist(),
            strict=True,
        )
        result = ScoreList(ScoreSummary._make(row) for row in columns)
        result.keep_order(self.order().tolist())
        return result


def score_columns(
    rules: Sequence[Column],
    weights: Sequence[float],
    musts: Sequence[bool],
    max_total: float,
    thresholds: Thresholds,
    applied_day: Ints,
    id_rank: Ints,
) -> ColumnarScores:
    """Totals, flags and ranking keys from each requirement's (satisfaction, fraction)."""
    size = len(applied_day)
    points = [
        np.where(fraction > 0, weight * fraction, 0.0)
        for (_, fraction), weight in zip(rules, weights, strict=True)
    ]
    sats = np.stack([sat for sat, _ in rules]) if rules else np.zeros((0, size), np.int8)
    total = exact_sum(points, size)
    undecided = np.count_nonzero(sats == UNDECIDED, axis=0).astype(np.int64)
    must_sats = sats[[i for i, must in enumerate(musts) if must]]
    knocked = np.count_nonzero(must_sats == NOT_MET, axis=0) > 0
    review = ~knocked & (np.count_nonzero(must_sats == UNDECIDED, axis=0) > 0)
    if max_total > 0:
        normalised = round6(100.0 * total / max_total)
    else:
        normalised = np.where(knocked | review, 0.0, 100.0)
    qualified = ~knocked & ~review & (normalised >= thresholds.qualified)
    shortlisted = qualified & (normalised >= thresholds.shortlist)
    tier = np.where(knocked, 3, np.where(shortlisted, 0, np.where(qualified, 1, 2)))
    return ColumnarScores(
        total=round6(total),
        normalised=normalised,
        qualified=qualified,
        shortlisted=shortlisted,
        knocked_out=knocked,
        needs_review=review,
        not_evaluable=undecided,
        tier=tier.astype(np.int64),
        applied_day=applied_day,
        id_rank=id_rank,
        rule_points=np.stack(points) if points else np.zeros((0, size)),
        rule_sats=sats,
    )
