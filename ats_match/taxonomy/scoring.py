"""Candidate skills for a credential and their calibrated confidence.

Candidates come from two places: the skills nearest in meaning to the credential's whole text
(WordLlama vectors, see :mod:`ats_match.taxonomy.semantic`) and the skills whose labels share
distinctive words with its name (the token index). Each candidate gets a few features — meaning
of the whole text, of the name alone, of the description alone, how far it is behind the best
candidate, label-word overlap, fuzzy label similarity, exact label match, and overlap weighted
by meaning (a label word counts only where the meaning agrees: a snake course is no Python
course) and, for ICT skills, how far the description's field is from ICT — combined by weights
fitted for ranking on the dev split and calibrated by isotonic regression on out-of-fold dev
scores (``ats_match.taxonomy.tune``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from ats_match.taxonomy.calibration import Isotonic
from ats_match.taxonomy.ict import default_ict_skills
from ats_match.taxonomy.index import LabelIndex
from ats_match.taxonomy.semantic import Embedder, Matrix, SkillVectors
from ats_match.taxonomy.text import normalise, skill_core

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
    "ict_off_domain",
)

_SIM_CONTEXT = FEATURES.index("sim_context")
_OVERLAP = FEATURES.index("label_overlap")
_CONTEXT_BEHIND = FEATURES.index("context_behind_best")
_ICT_OFF_DOMAIN = FEATURES.index("ict_off_domain")
OFF_SENSE = -0.27
OFF_SENSE_CAP = 0.05
DOMAIN_NEIGHBOURS = 10
"""How many of the description's nearest skills say what field it is in."""
OFF_DOMAIN = 0.85
"""An ICT skill is off the description's field when at most one in ten of the description's
nearest skills is an ICT skill: feature ``ict_off_domain`` 0.9 or more, read as > 0.85 for the
float32 arithmetic (docs/taxonomy.md)."""


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
    """Linear weights over standardised features, then isotonic calibration of the score plus
    ``margin`` times its distance behind the query's best candidate (whether a skill is right
    depends on how it compares with the credential's other candidates, not only on its score).
    """

    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    calibration: Isotonic
    margin: float = 0.0
    name_only: Isotonic | None = None
    """The calibration for a credential with no description: its name alone is right less often
    at the same score."""

    def raw(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """The linear ranking score per row."""
        z = (features - np.asarray(self.mean)) / np.asarray(self.scale)
        return np.asarray(z @ np.asarray(self.weights) + self.bias, dtype=np.float64)

    def confidence(self, features: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """Calibrated probability that each candidate (rows: one credential's candidates) is a
        skill the credential certifies."""
        raw = self.raw(features)
        described = bool(features[:, _SIM_CONTEXT].any())
        calibration = self.calibration if described or not self.name_only else self.name_only
        confidence = calibration(calibration_input(raw, raw.max(initial=0.0), self.margin))
        # The sense check: a skill that only the name's words propose ("Chef" the configuration
        # tool for a kitchen course) and whose meaning is far behind the description's best
        # match; and the domain check: an ICT skill that only the name's words propose (the
        # tool Jenkins) for a description whose nearest skills are not ICT skills (a
        # countryside trail), where the description repeats the word and so its meaning alone
        # cannot rule the tool out. Either is a suggestion ranked below the others: capped at
        # 0.05. On dev the checks catch 27 of the 28 decoys the name's words propose and 5 right
        # skills of 158 (docs/taxonomy.md).
        off_sense = (features[:, _OVERLAP] > 0) & (
            (features[:, _CONTEXT_BEHIND] < OFF_SENSE) | (features[:, _ICT_OFF_DOMAIN] > OFF_DOMAIN)
        )
        return np.where(off_sense, np.minimum(confidence, OFF_SENSE_CAP), confidence)

    def as_dict(self) -> dict[str, object]:
        """For ``data/scorer.json``."""
        return {
            "features": list(FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "mean": [round(m, 6) for m in self.mean],
            "scale": [round(s, 6) for s in self.scale],
            "calibration": self.calibration.as_dict(),
            "margin": round(self.margin, 6),
            "calibration_name_only": self.name_only.as_dict() if self.name_only else None,
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
        name_only = data.get("calibration_name_only")
        return cls(
            floats("weights"),
            float(bias),
            floats("mean"),
            floats("scale"),
            Isotonic(tuple(cal["xs"]), tuple(cal["ys"])),
            float(margin) if isinstance(margin := data.get("margin", 0.0), int | float) else 0.0,
            Isotonic(tuple(name_only["xs"]), tuple(name_only["ys"]))
            if isinstance(name_only, dict)
            else None,
        )


def calibration_input(
    raw: npt.NDArray[np.float64], best: float | npt.NDArray[np.float64], margin: float
) -> npt.NDArray[np.float64]:
    """What the isotonic map reads: the score, less ``margin`` times its gap to the best."""
    return np.asarray(raw + margin * (raw - best), dtype=np.float64)


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

    def __init__(
        self,
        vectors: SkillVectors,
        embedder: Embedder,
        index: LabelIndex,
        ict: Collection[str] | None = None,
    ) -> None:
        self.vectors = vectors
        self.embedder = embedder
        self.index = index
        ict = default_ict_skills() if ict is None else ict
        self.ict = np.array([uri in ict for uri in vectors.uris], dtype=bool)
        self.ict_columns = np.flatnonzero(self.ict)

    def find(self, queries: Sequence[Query]) -> list[list[Candidate]]:
        """Candidates with features for each query, in query order."""
        if not queries:
            return []
        cores = [skill_core(q.name) for q in queries]
        names = self.embedder.embed(cores)
        contexts = self.embedder.embed([q.context for q in queries])
        # The whole text embedded at once ranks better than the sum of its parts (dev split).
        texts = self.embedder.embed(
            [
                f"{core}. {q.context}" if q.context else core
                for core, q in zip(cores, queries, strict=True)
            ]
        )
        matrix = self.vectors.matrix
        sim_text = texts @ matrix.T
        # The name's and the description's similarities are needed only at the candidates, but
        # the description's best match over every skill is a feature: one product for those
        # that have a description (with none, every skill is equally far: the feature is 0).
        described = np.array([bool(q.context) for q in queries])
        best_context = np.zeros(len(queries), dtype=np.float32)
        # The share of ICT skills among the description's nearest: with no description, 1 (no
        # evidence that the credential is outside ICT).
        ict_share = np.ones(len(queries), dtype=np.float32)
        if described.any() and matrix.shape[0]:
            by_context = contexts[described] @ matrix.T
            ict_sims = by_context[:, self.ict_columns]
            n = by_context.shape[1]
            k = max(1, min(DOMAIN_NEIGHBOURS, n))
            # In place (the product is ours): the k-th largest and the largest per row at once,
            # which is several times cheaper than sorting out the k nearest themselves.
            by_context.partition([n - k, n - 1], axis=1)
            best_context[described] = by_context[:, n - 1]
            kth = by_context[:, n - k : n - k + 1]
            ict_share[described] = (ict_sims >= kth).sum(axis=1) / k
        return [
            self._candidates(
                core,
                sim_text[i],
                names[i],
                contexts[i],
                float(best_context[i]),
                float(ict_share[i]),
            )
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
        self,
        core: str,
        sim_text: Matrix,
        name: Matrix,
        context: Matrix,
        best_context: float,
        ict_share: float,
    ) -> list[Candidate]:
        k = min(SEMANTIC_SHORTLIST, sim_text.shape[0])
        if k == 0:
            return []
        top = np.argpartition(-sim_text, k - 1)[:k]
        lexical = self._lexical(core)
        best = float(sim_text[top].max())
        rows = list(dict.fromkeys([*top.tolist(), *lexical]))
        at = self.vectors.matrix[rows]
        sim_name = (at @ name).tolist()
        sim_context = (at @ context).tolist()
        uris = self.vectors.uris
        out: list[Candidate] = []
        for j, r in enumerate(rows):
            overlap, fuzzy, exact, label = lexical.get(r, (0.0, 0.0, 0.0, None))
            text = float(sim_text[r])
            features = (
                text,
                sim_name[j],
                sim_context[j],
                text - best,
                overlap,
                fuzzy,
                exact,
                overlap * text,
                sim_context[j] - best_context,
                float(self.ict[r]) * (1.0 - ict_share),
            )
            out.append(Candidate(uris[r], features, label))
        return out
