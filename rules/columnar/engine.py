"""The columnar plan: a compiled requirement set evaluated over an evidence table.

:meth:`ColumnarPlan.evaluate` computes every leaf's best value per candidate
(:mod:`rules.columnar.leaves`), fills the candidate-level slots (``stack``, ``focus``), reduces
each requirement's tree (:mod:`rules.columnar.groups`) and derives totals, flags and ranking
keys (:mod:`rules.columnar.totals`).

``stack`` and ``focus`` read how a candidate's credentials relate to each other (pathway
levels, CLR associations, skill families, progression over time); they are judged per candidate
by the same :meth:`CandidateLevelCheck.value` the oracle uses, one candidate at a time, on the
objects the table was built from. Every other condition is numpy only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from rules.columnar.exact import Floats
from rules.columnar.groups import node_state
from rules.columnar.leaves import DayContext, LeafColumns, code_values
from rules.columnar.table import EvidenceTable
from rules.columnar.totals import ColumnarScores, score_columns
from rules.conditions import CheckNode, CNode
from rules.leaf import Leaf
from rules.schema import Thresholds
from rules.summary import NO_DATE


class ColumnarPlan:
    """What evaluation over a table needs from a compiled requirement set: its leaves, its
    candidate-level checks (their slots follow the leaves'), each requirement's condition tree,
    weight and must flag, the maximum total, thresholds and the as-of date."""

    def __init__(
        self,
        leaves: Sequence[Leaf],
        checks: Sequence[CheckNode],
        requirements: Sequence[tuple[CNode, float, bool]],
        max_total: float,
        thresholds: Thresholds,
        as_of: date,
    ) -> None:
        self.leaves, self.checks = list(leaves), list(checks)
        self.trees = [tree for tree, _, _ in requirements]
        self.weights = [weight for _, weight, _ in requirements]
        self.musts = [must for _, _, must in requirements]
        self.max_total, self.thresholds, self.as_of = max_total, thresholds, as_of
        self.values = [code_values(leaf) for leaf in self.leaves]

    def reference_days(self, table: EvidenceTable, as_of: date | None = None) -> DayContext:
        """Each candidate's reference day: the application day, else ``as_of``."""
        fallback = (as_of or self.as_of).toordinal()
        applied = table.applied_day
        return DayContext(np.where(applied == NO_DATE, fallback, applied))

    def slot_values(self, table: EvidenceTable, days: DayContext) -> list[Floats]:
        """Best value per candidate of every leaf slot (leaves, then candidate-level checks)."""
        slots: list[Floats] = []
        for leaf, values in zip(self.leaves, self.values, strict=True):
            slots.append(values[LeafColumns(leaf, table).best_codes(days)])
        for check in self.checks:
            slots.append(self._check_values(check, table, days))
        return slots

    def _check_values(self, check: CheckNode, table: EvidenceTable, days: DayContext) -> Floats:
        if table.candidates is None:
            raise ValueError("stack / focus conditions need the table's candidate objects")
        reference = days.reference_day.tolist()
        value = check.candidate_value
        out = np.empty(table.size)
        for i, cand in enumerate(table.candidates):
            out[i] = value(cand, _day(reference[i]))
        return out

    def evaluate(self, table: EvidenceTable, as_of: date | None = None) -> ColumnarScores:
        """Every candidate of ``table`` scored (``as_of`` defaults to the compiled date)."""
        days = self.reference_days(table, as_of)
        slots = self.slot_values(table, days)
        rules = [node_state(tree, slots, table.size) for tree in self.trees]
        return score_columns(
            rules,
            self.weights,
            self.musts,
            self.max_total,
            self.thresholds,
            table.applied_day,
            table.id_rank,
        )


_DAYS: dict[int, date] = {}


def _day(ordinal: int) -> date:
    found = _DAYS.get(ordinal)
    if found is None:
        found = _DAYS[ordinal] = date.fromordinal(ordinal)
    return found
