"""What scoring without explanations returns per candidate, and the list that keeps its order.

:class:`ScoreSummary` is one candidate's totals and flags; :class:`ScoreList` is what
``score_all`` returns: a plain list of summaries that also keeps the ranking order the columnar
evaluator computed, so :func:`rules.ranking.rank` need not sort again while the list is
unchanged.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple


class ScoreSummary(NamedTuple):
    """One candidate's score without explanations; ``position`` is its index in the input."""

    position: int
    candidate_id: str
    applied_at: date | None
    total: float
    normalised: float
    qualified: bool
    shortlisted: bool
    knocked_out: bool
    needs_review: bool
    not_evaluable: int
    tier: int
    """0 shortlisted, 1 qualified, 2 neither, 3 knocked out (first ranking key)."""
    applied_day: int
    """Application date as a day number; missing dates sort last."""


NO_DATE = date.max.toordinal() + 1
"""The day number of a missing application date (sorts after every real one)."""


class ScoreList(list[ScoreSummary]):
    """A list of summaries that remembers their ranking order (indices into the list), used
    only while the list still holds the very summaries it was created with."""

    __slots__ = ("_order", "_snapshot")

    _order: list[int] | None
    _snapshot: list[ScoreSummary]

    def keep_order(self, order: list[int]) -> None:
        self._order = order
        self._snapshot = list(self)

    def rank_order(self) -> list[int] | None:
        """Positions in ranking order, or None when the list was changed after scoring."""
        order: list[int] | None = getattr(self, "_order", None)
        if order is None or not list.__eq__(self, self._snapshot):
            return None
        return order
