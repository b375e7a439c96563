"""Evaluation harness: top-1 / top-5 accuracy and unmapped rate on a labelled set.

A labelled set is JSON Lines: ``{"text": ..., "expected": [uri, ...], "holdout": bool}``. With
``holdout`` the text is one of the expected skill's own labels, so it is removed from the index
(with any label containing it) before matching: the matcher must find the skill another way.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from ats_match.taxonomy.matcher import DEFAULT_THRESHOLD, SkillMatcher
from ats_match.taxonomy.model import Taxonomy


class LabelledText(BaseModel):
    """One labelled example: the input text and the skill URIs that count as right."""

    text: str
    expected: list[str] = Field(min_length=1)
    holdout: bool = False


@dataclass(frozen=True)
class EvalReport:
    """Accuracy figures over a labelled set (fractions in 0..1)."""

    total: int
    top1: float
    top5: float
    unmapped: float
    threshold: float

    def as_dict(self) -> dict[str, float | int]:
        """Plain figures for JSON output."""
        return {
            "total": self.total,
            "top1": round(self.top1, 4),
            "top5": round(self.top5, 4),
            "unmapped_rate": round(self.unmapped, 4),
            "threshold": self.threshold,
        }


def load_labelled(path: str | Path) -> list[LabelledText]:
    """Read a JSON Lines labelled set; blank lines are skipped."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [LabelledText.model_validate(json.loads(line)) for line in lines if line.strip()]


def holdout_taxonomy(taxonomy: Taxonomy, examples: Sequence[LabelledText]) -> Taxonomy:
    """The taxonomy without the held-out labels of the examples that ask for it."""
    removals: dict[str, list[str]] = {}
    for example in examples:
        if example.holdout:
            for uri in example.expected:
                removals.setdefault(uri, []).append(example.text)
    return taxonomy.without_labels(removals) if removals else taxonomy


Ranker = Callable[[str], list[tuple[str, float]]]
"""Ranks skills for a text: (uri, confidence) pairs, best first."""


def score_rankings(examples: Sequence[LabelledText], rank: Ranker, threshold: float) -> EvalReport:
    """Top-1 / top-5 accuracy and unmapped rate (best confidence below ``threshold``)."""
    top1 = top5 = unmapped = 0
    for example in examples:
        ranked = rank(example.text)
        uris = [uri for uri, _ in ranked[:5]]
        expected = set(example.expected)
        top1 += bool(uris[:1] and uris[0] in expected)
        top5 += bool(expected.intersection(uris))
        unmapped += not ranked or ranked[0][1] < threshold
    n = max(len(examples), 1)
    return EvalReport(len(examples), top1 / n, top5 / n, unmapped / n, threshold)


def evaluate(
    examples: Sequence[LabelledText], taxonomy: Taxonomy, threshold: float = DEFAULT_THRESHOLD
) -> EvalReport:
    """Evaluate :class:`SkillMatcher` (fuzzy path) on ``examples`` against ``taxonomy``."""
    matcher = SkillMatcher(holdout_taxonomy(taxonomy, examples), threshold=threshold)

    def rank(text: str) -> list[tuple[str, float]]:
        return [(m.uri, m.confidence) for m in matcher.match_text(text, top=5)]

    return score_rankings(examples, rank, threshold)
