"""Stable, documented ranking of scored candidates.

Sort keys, in order (every one deterministic, so ties never depend on input order or platform):

1. tier: shortlisted (0), qualified (1), neither (2: includes *needs review*), knocked out (3);
2. normalised score, highest first;
3. number of requirements that could not be evaluated, fewest first (more certain first);
4. application date, earliest first (no date sorts last);
5. candidate id, ascending (a unique final key makes the order total).
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Sequence
from datetime import date
from operator import itemgetter
from typing import Any, Protocol, TypeVar, cast

import numpy as np

from rules.results import Evaluation

_LAST_DAY = date.max.toordinal() + 1


class Rankable(Protocol):
    """What ranking needs; both :class:`~rules.evaluator.ScoreSummary` and adapters have it."""

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
    """Rank fast-path summaries (anything with ``applied_at`` and the Rankable fields)."""
    from rules.evaluator import ScoreList, ScoreSummary, gc_paused

    with gc_paused():
        if isinstance(items, ScoreList):
            order = items.rank_order()  # keys kept by score_all; None if the list changed
            if order is not None:
                return cast(list[T], list(map(items.__getitem__, order)))
        listed = list(items)
        if set(map(type, listed)) <= {ScoreSummary}:
            rows: list[Any] = listed
            n = len(rows)

            def column(get: Any, dtype: Any) -> Any:
                return np.fromiter(map(get, rows), dtype=dtype, count=n)

            order = order_by_keys(
                list(map(_ID, rows)),
                column(_TIER, np.int64),
                column(_NORMALISED, np.float64),
                column(_UNDECIDED, np.int64),
                column(_DAY, np.int64),
            )
            return list(map(listed.__getitem__, order))
        return sorted(listed, key=lambda s: rank_key(s, s.applied_at))


def order_by_keys(
    ids: list[str], tier: Any, normalised: Any, undecided: Any, day: Any
) -> list[int]:
    """Positions in ranking order: the same order as ``sorted(key=rank_key)``.

    Two stable sorts: by candidate id (Python's string order; skipped when the ids are already
    in order), then by the numeric keys (tier, -normalised, not evaluable, application day as
    numpy arrays) with numpy's stable ``lexsort``, so candidates equal on the numeric keys stay
    in candidate-id order, then input order.
    """
    if all(map(operator.le, ids, itertools.islice(ids, 1, None))):
        by_id = np.arange(len(ids), dtype=np.intp)  # already in id order (the usual case)
    else:
        by_id = np.asarray(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.intp)
    order = np.lexsort((day[by_id], undecided[by_id], -normalised[by_id], tier[by_id]))
    positions: list[int] = by_id[order].tolist()
    return positions


# ScoreSummary field positions (checked in tests/rules/test_ranking.py)
_ID, _NORMALISED, _UNDECIDED, _TIER, _DAY = map(itemgetter, (1, 4, 9, 10, 11))


def rank_evaluations(
    evaluations: Sequence[Evaluation], applied_at: dict[str, date | None] | None = None
) -> list[Evaluation]:
    """Rank explained evaluations; ``applied_at`` maps candidate id to application date."""
    dates = applied_at or {}
    return sorted(evaluations, key=lambda e: rank_key(e, dates.get(e.candidate_id)))
