"""Candidate skills for a credential and their calibrated confidence.

Candidates come from two places: the skills nearest in meaning to the credential's whole text
(WordLlama vectors, see :mod:`ats_match.taxonomy.semantic`) and the skills whose labels share
distinctive words with its name (the token index). Each candidate gets a few features — meaning
of the whole text, of the name alone, of the description alone, how far it is behind the best
candidate, label-word overlap, fuzzy label similarity, exact label match, and overlap weighted
by meaning (a label word counts only where the meaning agrees: a snake course is no Python
course) — combined by weights fitted for ranking on the dev split and calibrated by isotonic
regression on out-of-fold dev scores (``ats_match.taxonomy.tune``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from ats_match.taxonomy.calibration import Isotonic
from ats_match.taxonomy.index import LabelIndex
from ats_match.taxonomy.semantic import Embedder, Matrix, SkillVectors
from ats_match.taxonomy.text import credential_core, normalise

MODEL_DATA = "scorer.json"
SEMANTIC_SHORTLIST = 30
LEXICAL_SHORTLIST = 20
FEATURES = (
    "sim_text",
    "sim_name",
    "sim_context",
    "behind_best",
    "label_overlap",
    "label_fuzzy",
    "label_exact",
    "overlap_x_meaning",
    "context_behind_best",
)


@dataclass(frozen=True)
class Query:
    """What a credential says: its name and the context around it."""

    name: str
    context: str = ""


@dataclass(frozen=True)
class Candidate:
    """One candidate skill with its features and the label that matched it lexically."""

    uri: str
    features: tuple[float, ...]
    matched_label: str | None


@dataclass(frozen=True)
class ScoringModel:
    """Linear weights over standardised features, then isotonic calibration."""

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    calibration: Isotonic

    def raw(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The linear ranking score per row."""
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(z @ np.asarray(self.weights) + self.bias, dtype=np.float64)

    def confidence(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Calibrated probability that each candidate is a skill the credential certifies."""
        return self.calibration(self.raw(features))

    def as_dict(self) -> dict[str, object]:
        """For ``data/scorer.json``."""
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "mean": [round(m, 6) for m in self.mean],
            "scale": [round(s, 6) for s in self.scale],
            "calibration": self.calibration.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ScoringModel:
        """Read what :meth:`as_dict` wrote."""
        cal = data["calibration"]
        assert isinstance(cal, dict)

        def floats(key: str) -> tuple[float, ...]:
            value = data[key]
            assert isinstance(value, list)
            return tuple(float(v) for v in value)

        bias = data["bias"]
        assert isinstance(bias, int | float)
        return cls(
            floats("weights"),
            float(bias),
            floats("mean"),
            floats("scale"),
            Isotonic(tuple(cal["xs"]), tuple(cal["ys"])),
        )


@lru_cache(maxsize=1)
def default_model() -> ScoringModel:
    """The shipped model fitted on the dev split."""
    ref = resources.files("ats_match.taxonomy") / "data" / MODEL_DATA
    return ScoringModel.from_dict(json.loads(ref.read_text(encoding="utf-8")))


def _unit(rows: Matrix) -> Matrix:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    np.divide(rows, norms, out=rows, where=norms > 0)
    return rows


class CandidateFinder:
    """Shortlists and featurises candidate skills for batches of queries."""

    def __init__(self, vectors: SkillVectors, embedder: Embedder, index: LabelIndex) -> None:
        self.vectors = vectors
        self.embedder = embedder
        self.index = index

    def find(self, queries: Sequence[Query]) -> list[list[Candidate]]:
        """Candidates with features for each query, in query order."""
        if not queries:
            return []
        cores = [credential_core(q.name) for q in queries]
        names = self.embedder.embed(cores)
        contexts = self.embedder.embed([q.context for q in queries])
        # The whole text embedded at once ranks better than the sum of its parts (dev split).
        texts = self.embedder.embed(
            [
                f"{core}. {q.context}" if q.context else core
                for core, q in zip(cores, queries, strict=True)
            ]
        )
        # One product for all three: the skill matrix (~14 MB) is read from memory once, not 3x.
        n = len(queries)
        sims = np.vstack([texts, names, contexts]) @ self.vectors.matrix.T
        sim_text, sim_name, sim_context = sims[:n], sims[n : 2 * n], sims[2 * n :]
        return [
            self._candidates(core, sim_text[i], sim_name[i], sim_context[i])
            for i, core in enumerate(cores)
        ]

    def _lexical(self, core: str) -> dict[int, tuple[float, float, float, str]]:
        index, row = self.index, self.vectors.row
        query = normalise(core)
        found: dict[int, tuple[float, float, float, str]] = {}
        for i, overlap in index.candidates(query, limit=LEXICAL_SHORTLIST):
            r = row.get(index.uris[i])
            if r is None:
                continue
            label = index.normed[i]
            fuzzy = fuzz.token_set_ratio(query, label, processor=None) / 100.0
            exact = float(query == label)
            old = found.get(r)
            if old is None or overlap > old[0]:
                found[r] = (min(overlap, 1.0), fuzzy, exact, index.texts[i])
        return found

    def _candidates(
        self, core: str, sim_text: Matrix, sim_name: Matrix, sim_context: Matrix
    ) -> list[Candidate]:
        k = min(SEMANTIC_SHORTLIST, sim_text.shape[0])
        if k == 0:
            return []
        top = np.argpartition(-sim_text, k - 1)[:k]
        lexical = self._lexical(core)
        best = float(sim_text[top].max())
        # With no context every skill is equally far from it: the feature is then 0.
        best_context = float(sim_context.max()) if sim_context.any() else 0.0
        uris = self.vectors.uris
        out: list[Candidate] = []
        for r in dict.fromkeys([*top.tolist(), *lexical]):
            overlap, fuzzy, exact, label = lexical.get(r, (0.0, 0.0, 0.0, None))
            text = float(sim_text[r])
            features = (
                text,
                float(sim_name[r]),
                float(sim_context[r]),
                text - best,
                overlap,
                fuzzy,
                exact,
                overlap * text,
                float(sim_context[r]) - best_context,
            )
            out.append(Candidate(uris[r], features, label))
        return out
