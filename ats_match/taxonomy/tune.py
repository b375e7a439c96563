"""Fit the scorer on the dev split only: ranking weights by coordinate ascent on top-1, then
isotonic calibration on out-of-fold scores (so the calibration never sees scores from weights
fitted on the same credentials).

``ats-match taxonomy build`` runs it after embedding the taxonomy; it writes ``data/scorer.json``.
The held-out test split is never read here.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ats_match.taxonomy.calibration import Isotonic, expected_calibration_error, reliability
from ats_match.taxonomy.eval_set import DEV_SET, LabelledCredential, load_credentials
from ats_match.taxonomy.scoring import (
    MODEL_DATA,
    CandidateFinder,
    Query,
    ScoringModel,
    calibration_input,
)

Floats = npt.NDArray[np.float64]
_FOLDS = 5


Design = tuple[Floats, Floats, npt.NDArray[np.int64]]


def design(
    finder: CandidateFinder, examples: Sequence[LabelledCredential], *, name_only: bool = False
) -> Design:
    """Feature rows of every candidate, whether it is right, and which example it came from."""
    queries = [Query(e.name, "" if name_only else e.description) for e in examples]
    rows: list[tuple[float, ...]] = []
    right: list[bool] = []
    group: list[int] = []
    for g, (example, candidates) in enumerate(zip(examples, finder.find(queries), strict=True)):
        for candidate in candidates:
            rows.append(candidate.features)
            right.append(candidate.uri in example.expected)
            group.append(g)
    return np.array(rows), np.array(right, dtype=np.float64), np.array(group)


def _raw(x: Floats, fitted: tuple[Floats, float, Floats, Floats]) -> Floats:
    w, b, mean, scale = fitted
    return np.asarray(((x - mean) / scale) @ w + b, dtype=np.float64)


def _objective(score: Floats, y: Floats, starts: npt.NDArray[np.int64]) -> float:
    """Top-1 plus a third of top-5 over credentials (candidates contiguous per credential)."""
    hits1 = hits5 = 0.0
    for lo, hi in itertools.pairwise(starts):
        order = np.argsort(-score[lo:hi], kind="stable")
        hits1 += y[lo + order[0]]
        hits5 += float(y[lo + order[:5]].any())
    n = len(starts) - 1
    return (hits1 + hits5 / 3.0) / n


def fit_ranker(
    x: Floats, y: Floats, group: npt.NDArray[np.int64]
) -> tuple[Floats, float, Floats, Floats]:
    """Weights chosen for the ranking itself: start from the whole-text similarity alone (the
    strongest single feature on dev) and move one weight at a time while top-1 (+ top-5 / 3)
    improves; the logistic fit's weights serve only where they rank better."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / scale
    starts = _starts(group)
    w = np.zeros(z.shape[1])
    w[0] = 1.0
    best = _objective(z @ w, y, starts)
    for step in (0.5, 0.25, 0.1):
        improved = True
        while improved:
            improved = False
            for j in range(1, len(w)):
                for delta in (step, -step):
                    trial = w.copy()
                    trial[j] += delta
                    value = _objective(z @ trial, y, starts)
                    if value > best + 1e-9:
                        w, best, improved = trial, value, True
    return w, 0.0, mean, scale


def fit_calibration(
    out_of_fold: Floats, y: Floats, group: npt.NDArray[np.int64]
) -> tuple[Isotonic, float]:
    """Isotonic calibration of out-of-fold scores, with the weight of each candidate's gap to
    its credential's best candidate chosen from a small grid by the calibration error of what
    the matcher reports (each credential's best candidate and every one given at >= 0.5), the
    isotonic map itself cross-fitted over the folds for that choice."""
    best = np.maximum.reduceat(out_of_fold, _starts(group)[:-1])[group]
    first = _rank_in_group(out_of_fold, group) == 0
    right = (y > 0).tolist()
    fits = []
    for margin in (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0):
        u = calibration_input(out_of_fold, best, margin)
        confidence = np.zeros(len(y))
        for fold in range(_FOLDS):
            held = group % _FOLDS == fold
            iso = Isotonic.fit(u[~held].tolist(), (y[~held] > 0).tolist())
            confidence[held] = iso(u[held])
        shown = first | (confidence >= 0.5)
        curve = reliability(confidence[shown].tolist(), (y[shown] > 0).tolist())
        fits.append((expected_calibration_error(curve), margin, u))
    _, margin, u = min(fits, key=lambda f: (f[0], f[1]))
    return Isotonic.fit(u.tolist(), right), margin


def _starts(group: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return np.flatnonzero(np.r_[True, group[1:] != group[:-1], True])


def _rank_in_group(score: Floats, group: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    rank = np.zeros(len(score), dtype=np.int64)
    for lo, hi in itertools.pairwise(_starts(group)):
        rank[lo + np.argsort(-score[lo:hi], kind="stable")] = np.arange(hi - lo)
    return rank


def fit(
    x: Floats, y: Floats, group: npt.NDArray[np.int64], name_only: Design | None = None
) -> ScoringModel:
    """Ranking weights on all of ``x``; isotonic calibration on the scores each example got
    from weights fitted on the other folds. ``name_only``, the same examples without their
    descriptions, gets its own calibration (same folds, same gap weight)."""
    folds = [
        fit_ranker(*(part[group % _FOLDS != f] for part in (x, y, group))) for f in range(_FOLDS)
    ]

    def out_of_fold(rows: Floats, groups: npt.NDArray[np.int64]) -> Floats:
        scores = np.zeros(len(rows))
        for f, fitted in enumerate(folds):
            held = groups % _FOLDS == f
            scores[held] = _raw(rows[held], fitted)
        return scores

    calibration, margin = fit_calibration(out_of_fold(x, group), y, group)
    name_calibration = None
    if name_only is not None:
        xn, yn, gn = name_only
        scores = out_of_fold(xn, gn)
        best = np.maximum.reduceat(scores, _starts(gn)[:-1])[gn]
        u = calibration_input(scores, best, margin)
        name_calibration = Isotonic.fit(u.tolist(), (yn > 0).tolist())
    w, b, mean, scale = fit_ranker(x, y, group)
    return ScoringModel(
        tuple(map(float, w)),
        b,
        tuple(map(float, mean)),
        tuple(map(float, scale)),
        calibration,
        margin,
        name_calibration,
    )


def tune(finder: CandidateFinder, dev: Path = DEV_SET) -> ScoringModel:
    """The model fitted on the dev split."""
    examples = load_credentials(dev)
    x, y, group = design(finder, examples)
    return fit(x, y, group, design(finder, examples, name_only=True))


def write_model(model: ScoringModel) -> str:
    """Write ``data/scorer.json``; a line to print."""
    from ats_match.taxonomy.build_default import DATA

    path = DATA / MODEL_DATA
    path.write_text(json.dumps(model.as_dict(), indent=1) + "\n", encoding="utf-8")
    return f"wrote {path.name}: weights {', '.join(f'{w:.2f}' for w in model.weights)}"


def build_model() -> str:
    """Tune on dev with the default taxonomy and write the model; a line to print."""
    from ats_match.taxonomy.index import LabelIndex
    from ats_match.taxonomy.loaders import default_taxonomy
    from ats_match.taxonomy.scoring import default_model
    from ats_match.taxonomy.semantic import SkillVectors, default_embedder

    taxonomy = default_taxonomy()
    embedder = default_embedder()
    finder = CandidateFinder(
        SkillVectors.for_taxonomy(taxonomy, embedder), embedder, LabelIndex(taxonomy, {})
    )
    line = write_model(tune(finder))
    default_model.cache_clear()
    return line
