"""What ``stack`` and ``focus`` cost: the 25-requirement role alone and with one of each added.

Run:  .venv/bin/python bench/rules/candidate_level.py [--sizes 10000 50000]

Both sets score the same synthetic candidates (``synthetic.make_candidates``) through ``score_all``
(the batch path) and explain the top 20. The candidate-level conditions are evaluated per
candidate in Python (their value-only path) and fill their slot's column; the rest of the
columnar evaluation is numpy. Figures: CPU time per candidate
(``time.process_time``, the stable one on a shared machine), throughput and wall time.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from synthetic import REF, make_candidates

from rules import RequirementSet, compile_requirement_set, load_requirement_set, rank
from rules.candidate_level import CompileContext

ROLE = Path(__file__).with_name("role_25.yaml")
ROLE_SKILLS = [f"http://data.europa.eu/esco/skill/bench-{i:04d}" for i in range(26)]
CONTEXT = CompileContext(
    skill_families={u: frozenset({f"group-{i % 4}"}) for i, u in enumerate(ROLE_SKILLS)}
)
"""Four skill groups over the role's skills (the other 200 skills are in none)."""


def with_stack_and_focus(base: RequirementSet) -> RequirementSet:
    body = base.model_dump(mode="json", exclude_none=True)
    body["pathways"] = [
        {
            "id": "track",
            "levels": [
                {"label": "Foundational", "achievements": [{"achievement_id": "ach:00"}]},
                {
                    "label": "Associate",
                    "achievements": [{"achievement_id": "ach:01"}],
                    "parts": [{"achievement_id": "ach:02"}, {"achievement_id": "ach:03"}],
                },
                {"label": "Professional", "achievements": [{"achievement_id": "ach:04"}]},
            ],
        }
    ]
    body["requirements"] += [
        {"id": "track", "weight": 10, "stack": {"pathway": "track", "min_level": 2}},
        {
            "id": "depth",
            "weight": 10,
            "focus": {"min_related": 3, "progressive": True, "pathway": "track"},
        },
    ]
    return RequirementSet.model_validate(body)


def measure(rs: RequirementSet, cands: list[Any]) -> dict[str, float]:
    compiled = compile_requirement_set(rs, REF, context=CONTEXT)
    compiled.score_all(cands[:200])  # build the batch plan outside the timing
    cpu, wall = time.process_time(), time.perf_counter()
    ranked = rank(compiled.score_all(cands))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    top_cpu = time.process_time()
    for s in ranked[:20]:
        compiled.explain(cands[s.position])
    top_cpu = time.process_time() - top_cpu
    return {
        "cpu_us": 1e6 * cpu / len(cands),
        "per_s": len(cands) / wall,
        "wall_s": wall,
        "explain_ms": 1e3 * top_cpu / 20,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    args = parser.parse_args()
    base = load_requirement_set(ROLE)
    richer = with_stack_and_focus(base)
    print("candidates  set                  CPU us/cand  cand/s     wall s  explain ms/cand (CPU)")
    for n in args.sizes:
        cands = make_candidates(n)
        for name, rs in (("25 requirements", base), ("+ stack + focus", richer)):
            m = measure(rs, cands)
            print(
                f"{n:>10,}  {name:<19}  {m['cpu_us']:>11.1f}  {m['per_s']:>9,.0f}"
                f"  {m['wall_s']:>6.2f}  {m['explain_ms']:>8.2f}"
            )


if __name__ == "__main__":
    main()
