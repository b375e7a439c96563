"""Float arithmetic over arrays that gives exactly what the oracle's Python gives.

The explained path sums with ``math.fsum`` (correctly rounded, order-independent) and rounds
with ``round(x, 6)``; these functions do the same over columns, falling back to Python on the
rare rows where the vectorised result could differ.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


def two_sum_step(
    hi: Floats, lo: Floats, x: Floats, inexact: npt.NDArray[np.bool_]
) -> tuple[Floats, Floats]:
    """Add ``x`` to the exact running sum ``hi + lo`` (Knuth's TwoSum, error-free).

    ``hi`` takes the rounded sum and ``lo`` the rounding errors; when adding an error to
    ``lo`` is itself inexact the row is flagged. For unflagged rows ``hi + lo`` is exactly the
    sum of the terms, so the float ``hi + lo`` is the correctly rounded sum - which is what
    ``math.fsum`` returns. Flagged rows are recomputed with ``math.fsum``."""
    s = hi + x
    b = s - hi
    err = (hi - (s - b)) + (x - b)
    s2 = lo + err
    b2 = s2 - lo
    inexact |= ((lo - (s2 - b2)) + (err - b2)) != 0
    return s, s2


def exact_sum(columns: Sequence[Floats], size: int) -> Floats:
    """``math.fsum`` of each row across ``columns`` (each of length ``size``)."""
    if not columns:
        return np.zeros(size)
    if len(columns) == 1:
        return columns[0].astype(np.float64, copy=True)
    hi, lo = columns[0].astype(np.float64, copy=True), np.zeros(size)
    inexact = np.zeros(size, dtype=bool)
    for column in columns[1:]:
        hi, lo = two_sum_step(hi, lo, column, inexact)
    total: Floats = hi + lo
    for i in np.flatnonzero(inexact).tolist():  # rare: fall back to fsum on that row
        total[i] = math.fsum(float(col[i]) for col in columns)
    return total


def round6(x: Floats) -> Floats:
    """``round(v, 6)`` for each value, bit-identical to Python's correctly rounded ``round``.

    ``rint(v * 1e6) / 1e6`` is the float nearest to k / 10**6 where k is ``v * 1e6`` rounded to
    an integer - what Python returns - unless the product's rounding error moved it across a
    half-way point; values that close to a tie (or too large) are rounded by Python instead."""
    y = x * 1e6
    out: Floats = np.rint(y) / 1e6
    near_tie = np.abs(y - np.floor(y) - 0.5) <= 1e-6
    doubtful = near_tie | ~(np.abs(y) < 2.0**32)
    for i in np.flatnonzero(doubtful).tolist():
        out[i] = round(float(x[i]), 6)
    return out
