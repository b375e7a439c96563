"""Benchmark: our indexed matcher vs brute-force ``rapidfuzz.process.cdist`` over the same labels.

    .venv/bin/python bench/normalise/run.py [--texts 10000] [--brute-sample 200]

Both run single-threaded against the full default ESCO taxonomy with the held-out labels of the
labelled set removed (so the accuracy figures are honest). Brute force is timed on a subsample of
the same badge texts and extrapolated (labelled as such); its accuracy is measured on the whole
labelled set. Needs numpy (``pip install numpy``), which ``process.cdist`` requires.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ats_match.taxonomy import SkillMatcher, Taxonomy, default_taxonomy  # noqa: E402
from ats_match.taxonomy.evaluate import (  # noqa: E402
    EvalReport,
    LabelledText,
    holdout_taxonomy,
    load_labelled,
    score_rankings,
)
from ats_match.taxonomy.matcher import DEFAULT_THRESHOLD  # noqa: E402
from ats_match.taxonomy.text import normalise  # noqa: E402

HELDOUT = ROOT / "ats_match/taxonomy/data/eval/esco_heldout.jsonl"
TEMPLATES = (
    "{}",
    "{}",
    "Introduction to {}",
    "{} fundamentals",
    "Certified {} practitioner",
    "{} - Level 2",
    "Advanced {}",
    "{} workshop",
)
Ranker = Callable[[str], list[tuple[str, float]]]


def typo(text: str, rng: random.Random) -> str:
    """Swap two adjacent letters somewhere in the text (a realistic badge-title typo)."""
    if len(text) < 5:
        return text
    i = rng.randrange(1, len(text) - 2)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def badge_texts(examples: Sequence[LabelledText], n: int, seed: int = 5) -> list[LabelledText]:
    """``n`` deterministic badge-like texts built from the held-out labels: templates, case
    changes, typos and two-skill titles ("X and Y"), each with the URIs it should map to."""
    rng = random.Random(seed)
    out: list[LabelledText] = []
    while len(out) < n:
        a = examples[rng.randrange(len(examples))]
        text = rng.choice(TEMPLATES).format(a.text)
        expected = list(a.expected)
        roll = rng.random()
        if roll < 0.15:
            b = examples[rng.randrange(len(examples))]
            text, expected = f"{text} and {b.text}", expected + b.expected
        elif roll < 0.30:
            text = typo(text, rng)
        elif roll < 0.40:
            text = text.upper() if rng.random() < 0.5 else text.title()
        out.append(LabelledText(text=text, expected=expected))
    return out


class BruteForce:
    """Every label scored with WRatio by ``process.cdist``; the best label per skill ranks it."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.labels = [normalise(label) for skill in taxonomy for label in skill.labels]
        self.uris = [skill.uri for skill in taxonomy for _ in skill.labels]

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        queries = [normalise(t) for t in texts]
        return process.cdist(
            queries, self.labels, scorer=fuzz.WRatio, processor=None, dtype=np.uint8, workers=1
        )

    def rank_row(self, row: np.ndarray, top: int = 5) -> list[tuple[str, float]]:
        out: list[tuple[str, float]] = []
        seen: set[str] = set()
        for i in np.argsort(-row.astype(np.int16), kind="stable"):
            uri = self.uris[int(i)]
            if uri not in seen:
                seen.add(uri)
                out.append((uri, float(row[i]) / 100.0))
                if len(out) == top:
                    break
        return out

    def rankings(self, texts: Sequence[str], batch: int = 50) -> dict[str, list[tuple[str, float]]]:
        ranked: dict[str, list[tuple[str, float]]] = {}
        for start in range(0, len(texts), batch):
            chunk = texts[start : start + batch]
            for text, row in zip(chunk, self.scores(chunk), strict=True):
                ranked[text] = self.rank_row(row)
        return ranked


def traced_peak(build: Callable[[], object], run: Callable[[object], None]) -> float:
    """Peak traced allocations (MiB) while building a matcher and running queries on it."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    built = build()
    run(built)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del built
    return peak / 2**20


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=10_000)
    parser.add_argument("--brute-sample", type=int, default=200)
    parser.add_argument("--brute-eval", type=int, default=0, help="0 = whole labelled set")
    args = parser.parse_args()

    examples = load_labelled(HELDOUT)
    start = time.perf_counter()
    full = default_taxonomy()
    load_s = time.perf_counter() - start
    taxonomy = holdout_taxonomy(full, examples)
    badges = badge_texts(examples, args.texts)
    texts = [b.text for b in badges]
    sample = texts[: args.brute_sample]
    n_labels = sum(len(s.labels) for s in taxonomy)
    print(f"taxonomy: {len(taxonomy):,} skills, {n_labels:,} labels (held-out labels removed)")
    print(f"default taxonomy load: {load_s:.2f} s; badge texts: {len(texts):,}")

    build_s = time.perf_counter()
    ours = SkillMatcher(taxonomy)
    build_s = time.perf_counter() - build_s
    ours_s = timed(lambda: [ours.match_text(t, top=5) for t in texts])
    brute = BruteForce(taxonomy)
    start = time.perf_counter()
    brute_badge_ranked = brute.rankings(sample)
    brute_s = time.perf_counter() - start

    def ours_rank(text: str) -> list[tuple[str, float]]:
        return [(m.uri, m.confidence) for m in ours.match_text(text, top=5)]

    ours_peak = traced_peak(
        lambda: SkillMatcher(taxonomy),
        lambda m: [m.match_text(t) for t in texts[:1000]],  # type: ignore[attr-defined]
    )
    brute_peak = traced_peak(lambda: BruteForce(taxonomy), lambda b: b.rankings(sample[:50]))  # type: ignore[attr-defined]

    eval_set = examples[: args.brute_eval] if args.brute_eval else examples
    ours_eval = score_rankings(eval_set, ours_rank, DEFAULT_THRESHOLD)
    brute_ranked = brute.rankings([e.text for e in eval_set])
    brute_eval = score_rankings(eval_set, lambda t: brute_ranked[t], DEFAULT_THRESHOLD)
    sample_set = badges[: args.brute_sample]
    ours_badges = score_rankings(sample_set, ours_rank, DEFAULT_THRESHOLD)
    brute_badges = score_rankings(sample_set, lambda t: brute_badge_ranked[t], DEFAULT_THRESHOLD)

    ours_rate = len(texts) / ours_s
    brute_rate = len(sample) / brute_s
    rows = [
        ("normalisations/s", f"{ours_rate:,.0f}", f"{brute_rate:,.1f} (extrapolated)"),
        (
            f"time for {len(texts):,} texts",
            f"{ours_s:.1f} s measured",
            f"{len(texts) / brute_rate:,.0f} s extrapolated from {len(sample)}",
        ),
        ("index build", f"{build_s:.2f} s", "- (label list only)"),
        (
            "peak traced memory (build + queries)",
            f"{ours_peak:.0f} MiB (1,000 queries)",
            f"{brute_peak:.0f} MiB (50 queries, batch 50)",
        ),
        *_accuracy_rows(f"held-out set (n={ours_eval.total})", ours_eval, brute_eval),
        *_accuracy_rows(f"badge texts (first {len(sample_set)})", ours_badges, brute_badges),
    ]
    print()
    print(f"| {'':42} | {'indexed matcher (ours)':24} | {'brute-force cdist (WRatio)':34} |")
    print(f"|{'-' * 44}|{'-' * 26}|{'-' * 36}|")
    for name, a, b in rows:
        print(f"| {name:42} | {a:24} | {b:34} |")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\nspeed-up: {ours_rate / brute_rate:,.0f}x; process peak RSS (both, one process): {rss:.0f} MiB"
    )


def _accuracy_rows(name: str, ours: EvalReport, brute: EvalReport) -> list[tuple[str, str, str]]:
    return [
        (f"top-1, {name}", f"{ours.top1:.1%}", f"{brute.top1:.1%}"),
        (f"top-5, {name}", f"{ours.top5:.1%}", f"{brute.top5:.1%}"),
        (f"unmapped (<{ours.threshold}), {name}", f"{ours.unmapped:.1%}", f"{brute.unmapped:.1%}"),
    ]


if __name__ == "__main__":
    main()
