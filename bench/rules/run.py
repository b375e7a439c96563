"""Rank 10k / 100k / 1M synthetic candidates against 25 requirements: the columnar evaluator,
today's engine (the generated-source fast path, from git) and zen-engine, in one run.

Run:  PYTHONPATH=. .venv/bin/python bench/rules/run.py [--sizes 10000 100000 1000000]
          [--zen-sample 2000] [--baseline-commit 4ebcdfa | --no-baseline]

Per size, for ours: the candidates are generated first (untimed; sizes above 100,000 repeat the
first 100,000, see ``synthetic.bench_candidates``); **build** turns the ``CandidateEvidence``
objects into the evidence table with its row indexes (timed and printed separately); the
**timed block** is load the YAML + compile + evaluate the table + rank every candidate
(``lexsort``); the top-20 page (``argpartition``) is timed separately. Wall and CPU time of
this process are both printed (CPU time is stable when the machine is shared). Peak memory is
the peak RSS growth of the block (Linux VmHWM) and the tracemalloc peak of a second run
(numpy reports its buffers to tracemalloc).

Today's engine runs in a subprocess (``baseline.py``) on ``rules/`` of ``--baseline-commit``
extracted with ``git archive``, with the same candidates; its block is load + compile +
``score_all`` + ``rank`` on the objects. zen-engine evaluates every k-th candidate
(``--zen-sample`` of them) and its per-candidate cost is extrapolated, labelled as such; its
totals and qualified flags must equal ours on that sample, and ours must equal the explained
path (the oracle) on 200 candidates, or the script exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import tracemalloc
from io import BytesIO
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(HERE)]

from measure import PeakRss, Timer  # noqa: E402
from synthetic import REF, bench_candidates  # noqa: E402
from zen_jdm import to_jdm, windows_of, zen_context  # noqa: E402

from rules import CandidateEvidence, compile_requirement_set, load_requirement_set  # noqa: E402
from rules.columnar.table import build_table  # noqa: E402
from rules.compiled import CompiledRequirementSet  # noqa: E402

ROLE = HERE / "role_25.yaml"


def run_ours(candidates: list[CandidateEvidence]) -> dict[str, Any]:
    with Timer() as build:
        table = build_table(candidates)
        table.build_indexes()
    with PeakRss() as mem, Timer() as block:
        compiled = compile_requirement_set(load_requirement_set(ROLE), REF)
        scores = compiled.columnar().evaluate(table)
        order = scores.order()
    with Timer() as page:
        top = scores.order(top=20)
    assert top.tolist() == order[:20].tolist()
    tracemalloc.start()
    compiled.columnar().evaluate(table).order()
    heap = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    step = max(1, len(candidates) // 200)
    wrong = 0
    for i in range(0, len(candidates), step):
        ev = compiled.explain(candidates[i])
        mine = (scores.total[i], scores.qualified[i], scores.not_evaluable[i])
        wrong += mine != (ev.total, ev.qualified, ev.not_evaluable)
    return {
        "compiled": compiled,
        "scores": scores,
        "build": build,
        "block": block,
        "page": page,
        "peak_rss_mib": mem.mib,
        "py_heap_peak_mib": heap,
        "oracle_checked": len(range(0, len(candidates), step)),
        "oracle_wrong": wrong,
        "evidence_rows": len(table.cred_candidate) + len(table.skill_candidate),
    }


def run_zen(compiled: CompiledRequirementSet, sample: list[CandidateEvidence]) -> dict[str, Any]:
    import zen

    windows = windows_of(compiled)
    with PeakRss() as mem:
        with Timer() as load:
            decision = zen.ZenEngine().create_decision(json.dumps(to_jdm(compiled)))
        with Timer() as marshal:
            contexts = [zen_context(c, REF, windows) for c in sample]
        with Timer() as evaluate:
            results = [decision.evaluate(ctx)["result"] for ctx in contexts]
        with Timer() as sort:
            sorted(
                range(len(sample)),
                key=lambda i: (not results[i]["qualified"], -results[i]["total"], i),
            )
    return {
        "results": results,
        "load": load,
        "marshal": marshal,
        "evaluate": evaluate,
        "sort": sort,
        "peak_rss_mib": mem.mib,
    }


def run_baseline(commit: str, sizes: list[int]) -> dict[int, dict[str, Any]]:
    """Today's engine at ``commit``, in a subprocess (see baseline.py)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "rules"], check=True, capture_output=True
    ).stdout
    with tempfile.TemporaryDirectory() as tree:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tree, filter="data")
        out = subprocess.run(
            [
                sys.executable,
                str(HERE / "baseline.py"),
                "--tree",
                tree,
                "--sizes",
                *map(str, sizes),
            ],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": tree},
        ).stdout
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return {row["n"]: row for row in rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--zen-sample", type=int, default=2_000, help="0 = every candidate")
    parser.add_argument("--baseline-commit", default="4ebcdfa")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpu, load {os.getloadavg()}")
    baseline = {} if args.no_baseline else run_baseline(args.baseline_commit, args.sizes)
    failed = False
    for n in args.sizes:
        candidates = bench_candidates(n)
        ours = run_ours(candidates)
        compiled, scores = ours["compiled"], ours["scores"]
        step = max(1, n // args.zen_sample) if args.zen_sample else 1
        sample = candidates[::step]
        zen = run_zen(compiled, sample)
        disagree = sum(
            bool(res["qualified"]) != bool(scores.qualified[i * step])
            or abs(float(res["total"]) - float(scores.total[i * step])) > 1e-6
            for i, res in enumerate(zen["results"])
        )
        per_zen = (zen["marshal"].cpu + zen["evaluate"].cpu + zen["sort"].cpu) / len(sample)
        old = baseline.get(n)
        block, build = ours["block"], ours["build"]
        print(
            f"\n== {n:,} candidates x {len(compiled.rules)} requirements "
            f"({ours['evidence_rows'] / n:.1f} evidence rows each) =="
        )
        print(f"{'':36}{'wall':>10}{'cpu':>10}{'cpu / 1k cand.':>16}")

        def line(label: str, wall: float, cpu: float, n: int = n) -> None:
            print(f"{label:36}{wall:>9.3f}s{cpu:>9.3f}s{cpu / n * 1e6:>13.1f} ms")

        line("ours: build table from objects", build.wall, build.cpu)
        line("ours: compile + evaluate + rank", block.wall, block.cpu)
        line("ours: top-20 page (argpartition)", ours["page"].wall, ours["page"].cpu)
        if old is not None:
            line("today's engine: compile+score+rank", old["wall_s"], old["cpu_s"])
        line(f"zen-engine (extrapolated, {len(sample):,} run)", per_zen * n, per_zen * n)
        print(
            f"peak RSS growth: ours {ours['peak_rss_mib']:.1f} MiB"
            + (f", today's {old['peak_rss_mib']:.1f} MiB" if old else "")
            + f", zen {zen['peak_rss_mib']:.1f} MiB for {len(sample):,}"
        )
        print(
            f"tracemalloc peak: ours {ours['py_heap_peak_mib']:.1f} MiB"
            + (f", today's {old['py_heap_peak_mib']:.1f} MiB" if old else "")
        )
        print(
            f"qualified: ours {int(scores.qualified.sum()):,}"
            + (f", today's {old['qualified']:,} (measured from {REF} for everyone)" if old else "")
        )
        print(
            f"agreement: zen {len(sample) - disagree:,} of {len(sample):,}; explained path "
            f"{ours['oracle_checked'] - ours['oracle_wrong']} of {ours['oracle_checked']}"
        )
        failed |= bool(disagree or ours["oracle_wrong"])
        del candidates, ours, scores
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
