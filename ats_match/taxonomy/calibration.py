"""Confidence calibration: isotonic regression (pool-adjacent-violators) and reliability curves.

A raw matcher score is mapped to the observed rate of being right on the dev split, so a
confidence of 0.8 means "about 80 % of the skills given this confidence were right" there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]


def _mean(block: list[float]) -> float:
    return block[0] / block[1]


@dataclass(frozen=True)
class Isotonic:
    """A non-decreasing step function from raw score to probability, interpolated linearly."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    @classmethod
    def fit(cls, scores: Sequence[float], outcomes: Sequence[bool]) -> Isotonic:
        """Fit by pool-adjacent-violators on (score, right?) pairs."""
        order = np.argsort(np.asarray(scores, dtype=np.float64), kind="stable")
        x = np.asarray(scores, dtype=np.float64)[order]
        y = np.asarray(outcomes, dtype=np.float64)[order]
        blocks: list[list[float]] = []  # [sum_y, count, min_x, max_x]
        for xi, yi in zip(x, y, strict=True):
            blocks.append([yi, 1.0, xi, xi])
            while len(blocks) > 1 and _mean(blocks[-2]) >= _mean(blocks[-1]):
                s, c, lo, hi = blocks.pop()
                blocks[-1][0] += s
                blocks[-1][1] += c
                blocks[-1][3] = hi
        xs: list[float] = []
        ys: list[float] = []
        for s, c, lo, hi in blocks:
            xs.append((lo + hi) / 2.0)
            ys.append(s / c)
        return cls(tuple(xs), tuple(ys))

    def __call__(self, scores: Floats) -> Floats:
        """Calibrated probabilities for raw ``scores``."""
        if not self.xs:
            return np.clip(scores, 0.0, 1.0)
        return np.interp(scores, self.xs, self.ys)

    def as_dict(self) -> dict[str, list[float]]:
        """For JSON package data."""
        return {"xs": [round(v, 6) for v in self.xs], "ys": [round(v, 6) for v in self.ys]}


@dataclass(frozen=True)
class Bin:
    """One reliability-curve bin: mean confidence given vs fraction right."""

    low: float
    high: float
    count: int
    mean_confidence: float
    accuracy: float


def reliability(confidences: Sequence[float], outcomes: Sequence[bool], bins: int = 5) -> list[Bin]:
    """Reliability curve over equal-width confidence bins (empty bins left out)."""
    conf = np.asarray(confidences, dtype=np.float64)
    right = np.asarray(outcomes, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    out: list[Bin] = []
    for i in range(bins):
        lo, hi = float(edges[i]), float(edges[i + 1])
        mask = (conf >= lo) & ((conf < hi) if i < bins - 1 else (conf <= hi))
        if mask.any():
            out.append(
                Bin(lo, hi, int(mask.sum()), float(conf[mask].mean()), float(right[mask].mean()))
            )
    return out


def expected_calibration_error(curve: Sequence[Bin]) -> float:
    """Count-weighted mean |confidence - accuracy| over the bins."""
    total = sum(b.count for b in curve) or 1
    return sum(b.count * abs(b.mean_confidence - b.accuracy) for b in curve) / total
