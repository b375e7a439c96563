"""Evaluation on labelled credentials: top-1 / top-5, unmapped rate, traps, per-domain figures
and the calibration curve of the confidences given.

A labelled set is JSON Lines of :class:`~ats_match.taxonomy.eval_set.LabelledCredential`; the
shipped dev split tunes the scorer, the test split is only ever reported.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from ats_match.formats.model import AchievementInfo
from ats_match.taxonomy.calibration import expected_calibration_error, reliability
from ats_match.taxonomy.eval_set import LabelledCredential
from ats_match.taxonomy.matcher import SkillMatcher


@dataclass(frozen=True)
class DomainFigures:
    """Top-1 / top-5 over one domain's examples."""

    total: int
    top1: float
    top5: float


@dataclass(frozen=True)
class EvalReport:
    """Accuracy and calibration over a labelled set (fractions in 0..1)."""

    total: int
    top1: float
    top5: float
    unmapped: float
    threshold: float
    traps_right: int = 0
    traps: int = 0
    decoys_avoided: int = 0
    domains: dict[str, DomainFigures] = field(default_factory=dict)
    calibration: list[dict[str, float | str]] = field(default_factory=list)
    ece: float = 0.0
    methods: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """Plain figures for JSON output."""
        return {
            "total": self.total,
            "top1": round(self.top1, 4),
            "top5": round(self.top5, 4),
            "unmapped_rate": round(self.unmapped, 4),
            "threshold": self.threshold,
            "traps": f"{self.traps_right}/{self.traps}",
            "trap_decoys_avoided": f"{self.decoys_avoided}/{self.traps}",
            "expected_calibration_error": round(self.ece, 4),
            "calibration": self.calibration,
            "top1_method": self.methods,
            "domains": {
                d: {"total": f.total, "top1": round(f.top1, 4), "top5": round(f.top5, 4)}
                for d, f in sorted(self.domains.items())
            },
        }


def achievement_of(example: LabelledCredential, *, name_only: bool = False) -> AchievementInfo:
    """The achievement a badge with this name and description would give the matcher."""
    description = None if name_only else (example.description or None)
    return AchievementInfo(name=example.name, description=description)


def evaluate(
    examples: Sequence[LabelledCredential],
    matcher: SkillMatcher,
    *,
    bins: int = 5,
    name_only: bool = False,
) -> EvalReport:
    """Rank every example with ``matcher`` and score it against its labels."""
    achievements = [achievement_of(e, name_only=name_only) for e in examples]
    ranked = matcher.ranked_many(achievements, top=5)
    top1 = top5 = unmapped = traps_right = avoided = 0
    per_domain: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    confidences: list[float] = []
    outcomes: list[bool] = []
    methods: dict[str, int] = defaultdict(int)
    for example, matches in zip(examples, ranked, strict=True):
        expected = set(example.expected)
        uris = [m.uri for m in matches]
        first = bool(uris) and uris[0] in expected
        any5 = bool(expected.intersection(uris))
        top1 += first
        top5 += any5
        traps_right += first and example.trap
        if example.trap:
            given = {m.uri for m in matches if m.confidence >= matcher.threshold}
            avoided += not given.intersection(example.decoys) and uris[:1] != example.decoys[:1]
        unmapped += not matches or matches[0].confidence < matcher.threshold
        per_domain[example.domain].append((first, any5))
        if matches:
            methods[matches[0].method] += 1
        for m in matches:
            if m.confidence >= matcher.threshold or m is matches[0]:
                confidences.append(m.confidence)
                outcomes.append(m.uri in expected)
    n = max(len(examples), 1)
    curve = reliability(confidences, outcomes, bins=bins)
    domains = {
        d: DomainFigures(len(v), sum(a for a, _ in v) / len(v), sum(b for _, b in v) / len(v))
        for d, v in per_domain.items()
    }
    return EvalReport(
        total=len(examples),
        top1=top1 / n,
        top5=top5 / n,
        unmapped=unmapped / n,
        threshold=matcher.threshold,
        traps_right=traps_right,
        traps=sum(e.trap for e in examples),
        decoys_avoided=avoided,
        domains=domains,
        calibration=[
            {
                "range": f"{b.low:.1f}-{b.high:.1f}",
                "count": b.count,
                "mean_confidence": round(b.mean_confidence, 3),
                "accuracy": round(b.accuracy, 3),
            }
            for b in curve
        ],
        ece=expected_calibration_error(curve),
        methods=dict(methods),
    )
