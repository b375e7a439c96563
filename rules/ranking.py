"""Stable, documented ranking of scored candidates.

Sort keys, in order (every one deterministic, so ties never depend on input order or platform):

1. tier: shortlisted (0), qualified (1), neither (2: includes *needs review*), knocked out (3);
2. normalised score, highest first;
3. number of requirements that could not be evaluated, fewest first (more certain first);
4. application date, earliest first (no date sorts last);
5. candidate id, ascending (a unique final key makes the order total).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol, TypeVar, cast

from rules.results import Evaluation
from rules.summary import ScoreList

_LAST_DAY = date.max.toordinal() + 1


class Rankable(Protocol):
    """What ranking needs; both :class:`~rules.summary.ScoreSummary` and adapters have it."""

    @property
    def candidate_id(self) -> str: ...
    @property
    def normalised(self) -> float: ...
    @property
    def qualified(self) -> bool: ...
    @property
    def shortlisted(self) -> bool: ...
    @property
    def knocked_out(self) -> bool: ...
    @property
    def not_evaluable(self) -> int: ...


def tier(item: Rankable) -> int:
    """0 shortlisted, 1 qualified, 2 neither, 3 knocked out."""
    if item.knocked_out:
        return 3
    return 0 if item.shortlisted else 1 if item.qualified else 2


def rank_key(item: Rankable, applied_at: date | None) -> tuple[int, float, int, int, str]:
    """The documented sort key (see the module docstring)."""
    applied = applied_at.toordinal() if applied_at is not None else _LAST_DAY
    return (tier(item), -item.normalised, item.not_evaluable, applied, item.candidate_id)


class _WithDate(Rankable, Protocol):
    @property
    def applied_at(self) -> date | None: ...


T = TypeVar("T", bound=_WithDate)


def rank(items: Iterable[T]) -> list[T]:
    """Rank summaries (anything with ``applied_at`` and the Rankable fields); a
    :class:`~rules.summary.ScoreList` from ``score_all`` is already ordered by the columnar
    evaluator, which used these same keys."""
    if isinstance(items, ScoreList):
        order = items.rank_order()  # None if the list changed after scoring
        if order is not None:
            return cast(list[T], list(map(items.__getitem__, order)))
    return sorted(items, key=lambda s: rank_key(s, s.applied_at))


def rank_evaluations(
    evaluations: Sequence[Evaluation], applied_at: dict[str, date | None] | None = None
) -> list[Evaluation]:
    """Rank explained evaluations; ``applied_at`` maps candidate id to application date."""
    dates = applied_at or {}
    return sorted(evaluations, key=lambda e: rank_key(e, dates.get(e.candidate_id)))
