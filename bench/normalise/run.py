"""Credential mapping throughput, CPU time and peak memory: semantic path vs lexical-only path vs
brute-force rapidfuzz, plus the taxonomy's load time.

Run from the repository root::

    .venv/bin/python bench/normalise/run.py             # 3,000 credentials a path, ~1 minute
    .venv/bin/python bench/normalise/run.py --n 200     # a smoke run

Each path runs in its own child process (one BLAS thread), so each peak RSS is its own:

- ``load``: a fresh process importing the package and loading the default taxonomy, its
  vectors, the embedding model, the scorer, the catalogue and the shipped label index, then
  matching one credential: ``first_match_cpu_s`` is what a process pays before its first
  answer (target < 1 s);
- ``semantic``: :meth:`SkillMatcher.match_many` in chunks of 256 on the default taxonomy with
  the semantic scorer on and the catalogue off (so every credential goes through the scorer);
- ``semantic+catalogue``: the same with the catalogue on (the product's default);
- ``lexical``: the lexical-only path (``semantic=False``), one credential at a time;
- ``rapidfuzz``: brute force, ``process.extractOne(name, every normalised label, WRatio)``,
  timed on the first 200 credentials only (it is ~100x slower).

Inputs are the 254 labelled credentials (name + description) of both eval splits, cycled with a
variant suffix so no two texts are the same. Rates are credentials per CPU second
(``time.process_time``) — i.e. per core — and per wall second; accuracy (top-1 on the test
split) is printed beside them. Writes JSON to ``bench/results/normalise-<UTC>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SUFFIXES = ("", " (2024)", " \u2013 online", " certificate", " level 1", " badge")


def inputs(n: int) -> list[dict[str, str]]:
    """``n`` distinct credentials built from the eval set."""
    from ats_match.taxonomy.eval_set import DEV_SET, TEST_SET, load_credentials

    base = load_credentials(DEV_SET) + load_credentials(TEST_SET)
    out = []
    for i in range(n):
        example = base[i % len(base)]
        suffix = SUFFIXES[(i // len(base)) % len(SUFFIXES)]
        copy = f" #{i // (len(base) * len(SUFFIXES))}" if i >= len(base) * len(SUFFIXES) else ""
        out.append({"name": example.name + suffix + copy, "description": example.description})
    return out


def run_load() -> dict[str, Any]:
    cpu = time.process_time()
    start = time.perf_counter()
    from ats_match.taxonomy import default_taxonomy
    from ats_match.taxonomy.catalogue import default_catalogue
    from ats_match.taxonomy.scoring import default_model
    from ats_match.taxonomy.semantic import default_embedder, default_vectors

    imported = time.perf_counter()
    default_taxonomy()
    taxonomy = time.perf_counter()
    default_vectors()
    default_embedder()
    default_model()
    default_catalogue()
    everything = time.perf_counter()
    from ats_match.formats.model import AchievementInfo
    from ats_match.taxonomy import SkillMatcher

    matcher = SkillMatcher(default_taxonomy())  # + the label index (shipped in package data)
    ready = time.perf_counter()
    ready_cpu = time.process_time() - cpu
    matcher.match_credential(
        AchievementInfo(name="Reptile Handling: Python", description="Safe handling of snakes.")
    )
    return {
        "first_match_cpu_s": round(time.process_time() - cpu, 3),
        "first_match_s": round(time.perf_counter() - start, 3),
        "first_matcher_ready_s": round(ready - start, 3),
        "first_matcher_ready_cpu_s": round(ready_cpu, 3),
        "import_s": round(imported - start, 3),
        "taxonomy_s": round(taxonomy - imported, 3),
        "vectors_model_catalogue_s": round(everything - taxonomy, 3),
        "total_s": round(everything - start, 3),
    }


def run_path(path: str, n: int) -> dict[str, Any]:
    from ats_match.formats.model import AchievementInfo
    from ats_match.taxonomy import SkillMatcher, default_taxonomy
    from ats_match.taxonomy.catalogue import Catalogue

    credentials = [AchievementInfo(name=c["name"], description=c["description"]) for c in inputs(n)]
    taxonomy = default_taxonomy()
    if path == "rapidfuzz":
        from rapidfuzz import fuzz, process

        from ats_match.taxonomy.text import normalise

        labels, owners = [], []
        for skill in taxonomy:
            for label in skill.labels:
                labels.append(normalise(label))
                owners.append(skill.uri)

        def work() -> None:
            for c in credentials:
                process.extractOne(normalise(c.name or ""), labels, scorer=fuzz.WRatio)

    else:
        matcher = SkillMatcher(
            taxonomy,
            semantic=path != "lexical",
            catalogue=None if path == "semantic+catalogue" else Catalogue([]),
        )
        if path == "lexical":

            def work() -> None:
                for c in credentials:
                    matcher.match_credential(c)

        else:

            def work() -> None:
                for start in range(0, len(credentials), 256):
                    matcher.match_many(credentials[start : start + 256])

    wall, cpu = time.perf_counter(), time.process_time()
    work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "path": path,
        "n": n,
        "per_cpu_second": round(n / cpu, 1),
        "per_wall_second": round(n / wall, 1),
        "cpu_ms_per_credential": round(1000 * cpu / n, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "test_top1": accuracy(path),
    }


def accuracy(path: str) -> float | None:
    """Top-1 on the held-out test split (name + description) for this path."""
    from ats_match.taxonomy import SkillMatcher, default_taxonomy
    from ats_match.taxonomy.catalogue import Catalogue
    from ats_match.taxonomy.eval_set import TEST_SET, load_credentials
    from ats_match.taxonomy.evaluate import evaluate

    examples = load_credentials(TEST_SET)
    if path == "rapidfuzz":
        return None
    matcher = SkillMatcher(
        default_taxonomy(),
        semantic=path != "lexical",
        catalogue=None if path == "semantic+catalogue" else Catalogue([]),
    )
    return round(evaluate(examples, matcher).top1, 3)


def child(args: list[str]) -> dict[str, Any]:
    env = {
        **os.environ,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "PYTHONPATH": str(ROOT),
        "HF_HUB_OFFLINE": "1",
    }
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, env=env, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument(
        "--child", choices=["load", "semantic", "semantic+catalogue", "lexical", "rapidfuzz"]
    )
    args = parser.parse_args()
    if args.child == "load":
        print(json.dumps(run_load()))
        return
    if args.child:
        print(json.dumps(run_path(args.child, args.n)))
        return
    load = child(["--child", "load"])
    rows = [
        child(["--child", p, "--n", str(args.n)])
        for p in ("semantic", "semantic+catalogue", "lexical")
    ]
    # Brute force costs ~120 ms a credential: timed on a slice, its rate is per credential.
    rows.append(child(["--child", "rapidfuzz", "--n", str(min(args.n, 200))]))
    print(
        f"taxonomy load, fresh process: first match after {load['first_match_cpu_s']} s CPU "
        f"({load['first_match_s']} s wall); {load}"
    )
    header = ("path", "cred/CPU-s", "cred/wall-s", "CPU ms/cred", "peak RSS MB", "test top-1")
    print(" | ".join(f"{h:>18}" for h in header))
    for r in rows:
        cells = (
            r["path"],
            r["per_cpu_second"],
            r["per_wall_second"],
            r["cpu_ms_per_credential"],
            r["peak_rss_mb"],
            r["test_top1"],
        )
        print(" | ".join(f"{c!s:>18}" for c in cells))
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    (results / f"normalise-{stamp}.json").write_text(
        json.dumps({"load": load, "paths": rows}, indent=2)
    )


if __name__ == "__main__":
    main()
