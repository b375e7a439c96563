"""Today's engine, for bench/rules/run.py: the generated-source fast path (``score_all`` of
``rules.evaluator`` with ``rules.codegen``) as it was at commit 4ebcdfa, before the columnar
evaluator replaced it.

Run by run.py in a subprocess with ``--tree DIR``: DIR holds that commit's ``rules/``
(``git archive 4ebcdfa rules``), put first on ``sys.path``, so ``import rules`` is the old
engine; the candidates come from this folder's ``synthetic.py`` (which needs only
``rules.inputs``, unchanged since). Prints one JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import sys
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", required=True, type=Path)
    parser.add_argument("--sizes", type=int, nargs="+", required=True)
    args = parser.parse_args()
    sys.path[:0] = [str(args.tree), str(HERE)]
    from measure import PeakRss, Timer
    from synthetic import REF, bench_candidates

    from rules import compile_requirement_set, load_requirement_set, rank

    for n in args.sizes:
        candidates = bench_candidates(n)
        with PeakRss() as mem, Timer() as timer:
            compiled = compile_requirement_set(load_requirement_set(HERE / "role_25.yaml"), REF)
            ranked = rank(compiled.score_all(candidates))
        tracemalloc.start()
        rank(compiled.score_all(candidates))
        heap = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        row: dict[str, Any] = {
            "n": n,
            "wall_s": timer.wall,
            "cpu_s": timer.cpu,
            "peak_rss_mib": mem.mib,
            "py_heap_peak_mib": heap,
            "qualified": sum(s.qualified for s in ranked),
        }
        print(json.dumps(row), flush=True)
        del candidates, ranked, compiled


if __name__ == "__main__":
    main()
