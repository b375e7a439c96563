"""Condition groups over arrays: each node's (satisfaction, fraction) for every candidate.

The reductions are the oracle's combinations (:mod:`rules.combine`) applied column-wise:
``any_of`` is the element-wise maximum of its parts, ``all_of`` the minimum satisfaction and
the exact mean of the fractions, ``at_least n`` counts met and undecided parts and takes the
exact mean of the ``n`` best fractions.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from rules.columnar.exact import Floats, exact_sum
from rules.combine import MET, NOT_MET, UNDECIDED
from rules.conditions import CNode, GroupNode, LeafNode

Sats = npt.NDArray[np.int8]
Column = tuple[Sats, Floats]


def leaf_state(values: Floats) -> Column:
    """(satisfaction, fraction) from a leaf's best value per candidate (``state_of``)."""
    positive = values > 0
    sat = np.where(positive, MET, np.where(values == 0, UNDECIDED, NOT_MET)).astype(np.int8)
    return sat, np.where(positive, values, 0.0)


def node_state(node: CNode, slot_values: Sequence[Floats], size: int) -> Column:
    """The node's (satisfaction, fraction) per candidate; ``slot_values[k]`` is leaf slot
    ``k``'s best value per candidate (leaves, then candidate-level checks)."""
    if isinstance(node, LeafNode):  # CheckNode too: its value fills a slot
        return leaf_state(slot_values[node.idx])
    assert isinstance(node, GroupNode)
    parts = [node_state(p, slot_values, size) for p in node.parts]
    sats = np.stack([p[0] for p in parts])
    fractions = [p[1] for p in parts]
    if node.kind == "any_of":
        return sats.max(axis=0), np.max(np.stack(fractions), axis=0)
    if node.kind == "all_of":
        return sats.min(axis=0), exact_sum(fractions, size) / len(fractions)
    assert node.n is not None
    n = node.n
    met = np.count_nonzero(sats == MET, axis=0)
    undecided = np.count_nonzero(sats == UNDECIDED, axis=0)
    sat = np.where(met >= n, MET, np.where(met + undecided < n, NOT_MET, UNDECIDED))
    best = np.sort(np.stack(fractions), axis=0)[len(fractions) - n :]
    return sat.astype(np.int8), exact_sum(list(best), size) / n
