"""Rank 100,000 synthetic candidates against a 25-requirement set: ours vs zen-engine.

Run:  .venv/bin/python bench/rules/run.py [--candidates 100000] [--zen-sample 5000]

Timed for ours: load the YAML + compile + score every candidate + rank, then explaining the
top 20 separately. "score" is ``score_all``: one Python pass over every candidate's evidence
objects (writing each leaf condition's best evidence code), the numpy combination of those
codes into points, totals and flags, and building the 100,000 ``ScoreSummary`` tuples (which
also keep their ranking keys as arrays); "rank" is ``rank`` on that list. The candidates are
generated first (untimed, deterministic seed) as in-memory ``CandidateEvidence`` objects - the
form the worker hands to the engine - and are the same objects zen's contexts are built from.

zen-engine gets the same rules translated to a JDM decision graph of expression nodes
(``to_jdm``) and one context dict per candidate (built from the same objects, timed separately
as "marshal"). 100k zen evaluations take minutes, so by default it evaluates a deterministic
subsample (every k-th candidate) and the per-candidate figure is extrapolated - labelled as such.
Both engines' qualified flags and totals are compared on that subsample.

Memory: peak RSS growth during each phase (Linux VmHWM, reset through /proc/self/clear_refs),
which also sees zen's Rust allocations, plus the Python-heap peak from tracemalloc for ours.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from rules import (  # noqa: E402
    CandidateEvidence,
    CredentialEvidence,
    SkillEvidence,
    compile_requirement_set,
    load_requirement_set,
    rank,
)
from rules.evaluator import CompiledRequirementSet, Leaf, LeafNode  # noqa: E402

ROLE = Path(__file__).with_name("role_25.yaml")
REF = date(2026, 6, 1)
SKILL = "http://data.europa.eu/esco/skill/bench-{:04d}"
ISSUERS = [f"iss:{i}" for i in range(8)] + ["did:web:mill.example"]


# -- synthetic data ----------------------------------------------------------------------------
def make_candidates(n: int, seed: int = 7) -> list[CandidateEvidence]:
    """Deterministic candidates: 2-6 credentials and 3-10 skill mappings each.

    Half of the skill mappings hit one of the role's 26 skills (skewed to the first ones, as
    applicants to a role tend to hold its core skills), half one of 200 other skills;
    achievements are uniform over 30, of which the role names 13; verdicts are 80 % verified,
    10 % indeterminate, 5 % unverified, 5 % failed; 30 % of credentials expire. Half the
    candidates also get the role's core certificate with its two core skills (on ``c0``).
    """
    rnd = random.Random(seed)
    verdicts = ["verified"] * 16 + ["indeterminate"] * 2 + ["unverified", "failed"]
    out = []
    for i in range(n):
        creds = []
        for j in range(rnd.randint(2, 6)):
            issued = REF - timedelta(days=rnd.randint(0, 2400))
            until = issued + timedelta(days=rnd.randint(300, 2000)) if rnd.random() < 0.3 else None
            creds.append(
                CredentialEvidence.model_construct(
                    credential_id=f"c{j}",
                    achievement_id=f"ach:{rnd.randint(0, 29):02d}",
                    achievement_name="Synthetic badge",
                    issuer_id=rnd.choice(ISSUERS),
                    issuer_name=None,
                    issued_at=issued if rnd.random() > 0.03 else None,
                    valid_from=None,
                    valid_until=until,
                    verdict=rnd.choice(verdicts),
                    level=None,
                    results=[],
                )
            )
        skills = [
            SkillEvidence.model_construct(
                skill_uri=SKILL.format(
                    int(rnd.triangular(0, 26, 0)) if rnd.random() < 0.5 else 26 + rnd.randrange(200)
                ),
                label=None,
                confidence=round(rnd.uniform(0.3, 1.0), 2),
                method="alignment",
                credential_id=f"c{rnd.randrange(len(creds))}" if rnd.random() > 0.05 else None,
                level=None,
            )
            for _ in range(rnd.randint(3, 10))
        ]
        if rnd.random() < 0.5:  # half the applicants hold the role's core certificate and skills
            core = creds[0].model_copy(update={"achievement_id": f"ach:0{rnd.randint(0, 1)}"})
            creds[0] = core
            skills += [
                SkillEvidence.model_construct(
                    skill_uri=SKILL.format(k),
                    label=None,
                    confidence=round(rnd.uniform(0.5, 1.0), 2),
                    method="alignment",
                    credential_id="c0",
                    level=None,
                )
                for k in (0, 1)
            ]
        out.append(
            CandidateEvidence.model_construct(
                candidate_id=f"cand-{i:06d}",
                name=None,
                applied_at=REF - timedelta(days=rnd.randint(0, 60)),
                credentials=creds,
                skills=skills,
            )
        )
    return out


# -- memory ------------------------------------------------------------------------------------
def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


class PeakRss:
    """Peak RSS growth (MiB) inside a block; Linux only (VmHWM reset via clear_refs)."""

    def __enter__(self) -> PeakRss:
        with contextlib.suppress(OSError):
            Path("/proc/self/clear_refs").write_text("5")
        self.start = _status_kb("VmRSS")
        return self

    def __exit__(self, *exc: object) -> None:
        self.mib = max(0, _status_kb("VmHWM") - self.start) / 1024


# -- zen translation ---------------------------------------------------------------------------
def _q(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _leaf_value(leaf: Leaf, ref: int) -> str:
    """A ZEN expression reproducing Leaf.assess for one evidence item ``#``."""
    f = leaf.filters
    if leaf.level is not None or leaf.result is not None or leaf.name_re is not None:
        raise NotImplementedError("levels, results and name patterns are not translated")
    reject = ["#.verdict == 'failed'"]
    if f.deny:
        deny = "[" + ", ".join(_q(d) for d in sorted(f.deny)) + "]"
        reject.append(f"(#.iss in {deny} or #.iss_name in {deny})")
    if f.allow is not None:
        allow = "[" + ", ".join(_q(a) for a in sorted(f.allow)) + "]"
        reject.append(f"not (#.iss in {allow} or #.iss_name in {allow})")
    missing = "false"
    if f.cutoff is not None:
        reject.append(f"(#.issued >= 0 and #.issued < {f.cutoff.toordinal()})")
        missing = "#.issued < 0"
    if f.still_valid:
        reject.append(f"#.until < {ref}")
        reject.append(f"#.from > {ref}")
    indeterminate = "0" if f.verified_only else repr(1.0 - f.penalty)
    body = (
        f"({' or '.join(reject)}) ? -1 : (({missing}) ? 0 : (#.verdict == 'verified' ? 1 : "
        f"(#.verdict == 'indeterminate' ? {indeterminate} : 0)))"
    )
    if leaf.is_skill:
        uris = "[" + ", ".join(_q(u) for u in sorted(leaf.uris)) + "]"
        value = f"(#.conf < {f.min_confidence}) ? -1 : ((not #.has_cred) ? 0 : ({body}))"
        return f"max(flatMap([[-1], map(filter(skills, #.uri in {uris}), {value})], #))"
    ident = []
    if leaf.achievement_id is not None:
        ident.append(f"#.ach == {_q(leaf.achievement_id)}")
    if leaf.issuer_id is not None:
        ident.append(f"#.iss_raw == {_q(leaf.issuer_id)}")
    return f"max(flatMap([[-1], map(filter(creds, {' and '.join(ident)}), {body})], #))"


def to_jdm(compiled: CompiledRequirementSet) -> dict[str, Any]:
    """The compiled set as a JDM graph: leaves, then groups by height, then the decision."""
    ref = compiled.reference_date.toordinal()
    layers: list[list[tuple[str, str]]] = [[], []]
    for leaf in compiled.leaves:
        layers[0].append((f"v{leaf.idx}", _leaf_value(leaf, ref)))
        v = f"v{leaf.idx}"
        layers[1].append((f"s_l{leaf.idx}", f"{v} > 0 ? 1 : ({v} == 0 ? 0 : -1)"))
        layers[1].append((f"f_l{leaf.idx}", f"max([{v}, 0])"))
    names: dict[int, str] = {}

    def visit(node: Any) -> tuple[str, int]:
        if isinstance(node, LeafNode):
            return f"l{node.leaf.idx}", 1
        kids = [visit(p) for p in node.parts]
        height = 1 + max(h for _, h in kids)
        key = f"g{len(names)}"
        names[id(node)] = key
        s = ", ".join(f"s_{k}" for k, _ in kids)
        fr = ", ".join(f"f_{k}" for k, _ in kids)
        if node.kind == "all_of":
            exprs = [(f"s_{key}", f"min([{s}])"), (f"f_{key}", f"sum([{fr}]) / {len(kids)}")]
        elif node.kind == "any_of":
            exprs = [(f"s_{key}", f"max([{s}])"), (f"f_{key}", f"max([{fr}])")]
        else:  # exact for leaf fractions in {0, 1}: the mean of the top n is min(1, sum / n)
            met, und = f"count([{s}], # == 1)", f"count([{s}], # == 0)"
            exprs = [
                (f"s_{key}", f"{met} >= {node.n} ? 1 : ({met} + {und} < {node.n} ? -1 : 0)"),
                (f"f_{key}", f"min([1, sum([{fr}]) / {node.n}])"),
            ]
        while len(layers) <= height:
            layers.append([])
        layers[height].extend(exprs)
        return key, height

    rule_keys = [(visit(rule.node)[0], rule) for rule in compiled.rules]
    total = " + ".join(f"{r.weight!r} * f_{k}" for k, r in rule_keys)
    musts = ", ".join(f"s_{k}" for k, r in rule_keys if r.must) or ""
    th = compiled.rs.thresholds
    final = [
        ("total", total),
        ("must_failed", f"count([{musts}], # == -1)" if musts else "0"),
        ("must_pending", f"count([{musts}], # == 0)" if musts else "0"),
    ]
    decision = [
        ("normalised", f"total / {compiled.max_total!r} * 100"),
        (
            "qualified",
            f"must_failed == 0 and must_pending == 0 and total / {compiled.max_total!r} * 100 "
            f">= {th.qualified!r}",
        ),
    ]
    return _graph([*layers, final, decision])


def _graph(layers: list[list[tuple[str, str]]]) -> dict[str, Any]:
    pos = {"x": 0, "y": 0}
    nodes: list[dict[str, Any]] = [{"id": "in", "type": "inputNode", "name": "in", "position": pos}]
    edges, prev = [], "in"
    for i, exprs in enumerate(x for x in layers if x):
        nid = f"e{i}"
        content = {
            "expressions": [
                {"id": f"{nid}-{j}", "key": k, "value": v} for j, (k, v) in enumerate(exprs)
            ],
            "passThrough": True,
            "inputField": None,
            "outputPath": None,
        }
        nodes.append(
            {"id": nid, "type": "expressionNode", "name": nid, "position": pos, "content": content}
        )
        edges.append({"id": f"edge{i}", "sourceId": prev, "targetId": nid, "type": "edge"})
        prev = nid
    nodes.append({"id": "out", "type": "outputNode", "name": "out", "position": pos})
    edges.append({"id": "edge-out", "sourceId": prev, "targetId": "out", "type": "edge"})
    return {"nodes": nodes, "edges": edges}


def _day(d: date | None, missing: int) -> int:
    return d.toordinal() if d is not None else missing


def zen_context(c: CandidateEvidence) -> dict[str, Any]:
    """One candidate as zen input: dates as day numbers, skills joined to their credential."""
    creds = {}
    rows = []
    for cr in c.credentials:
        row = {
            "ach": cr.achievement_id or "",
            "iss_raw": cr.issuer_id or "",
            "iss": (cr.issuer_id or "").casefold(),
            "iss_name": (cr.issuer_name or "").casefold(),
            "verdict": cr.verdict,
            "issued": _day(cr.issued_at, -1),
            "from": _day(cr.valid_from, -1),
            "until": _day(cr.valid_until, 10**8),
        }
        creds[cr.credential_id] = row
        rows.append(row)
    skills = []
    for s in c.skills:
        base = creds.get(s.credential_id or "")
        skills.append(
            {"uri": s.skill_uri, "conf": s.confidence, "has_cred": base is not None, **(base or {})}
        )
    return {"creds": rows, "skills": skills}


# -- the run -----------------------------------------------------------------------------------
def run_ours(candidates: list[CandidateEvidence]) -> dict[str, Any]:
    with PeakRss() as mem:
        t0 = time.perf_counter()
        compiled = compile_requirement_set(load_requirement_set(ROLE), REF)
        t1 = time.perf_counter()
        scores = compiled.score_all(candidates)
        t2 = time.perf_counter()
        ranked = rank(scores)
        t3 = time.perf_counter()
    explained = [compiled.explain(candidates[s.position]) for s in ranked[:20]]
    t4 = time.perf_counter()
    tracemalloc.start()
    rank(compiled.score_all(candidates))
    heap_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    assert all(e.normalised == s.normalised for e, s in zip(explained, ranked, strict=False))
    return {
        "compiled": compiled,
        "scores": scores,
        "ranked": ranked,
        "load_compile_s": t1 - t0,
        "score_s": t2 - t1,
        "rank_s": t3 - t2,
        "total_s": t3 - t0,
        "explain_top20_s": t4 - t3,
        "peak_rss_mib": mem.mib,
        "py_heap_peak_mib": heap_peak,
    }


def run_zen(compiled: CompiledRequirementSet, sample: list[CandidateEvidence]) -> dict[str, Any]:
    import zen

    with PeakRss() as mem:
        t0 = time.perf_counter()
        decision = zen.ZenEngine().create_decision(json.dumps(to_jdm(compiled)))
        t1 = time.perf_counter()
        contexts = [zen_context(c) for c in sample]
        t2 = time.perf_counter()
        results = [decision.evaluate(ctx)["result"] for ctx in contexts]
        t3 = time.perf_counter()
        order = sorted(
            range(len(sample)),
            key=lambda i: (not results[i]["qualified"], -results[i]["total"], i),
        )
        t4 = time.perf_counter()
    del order
    return {
        "results": results,
        "load_s": t1 - t0,
        "marshal_s": t2 - t1,
        "evaluate_s": t3 - t2,
        "sort_s": t4 - t3,
        "peak_rss_mib": mem.mib,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100_000)
    parser.add_argument("--zen-sample", type=int, default=5_000, help="0 = all candidates")
    args = parser.parse_args()
    n = args.candidates
    t = time.perf_counter()
    candidates = make_candidates(n)
    gen_s = time.perf_counter() - t
    print(
        f"generated {n:,} candidates in {gen_s:.1f}s (untimed); python {sys.version.split()[0]},"
        f" {os.cpu_count()} cpu"
    )
    ours = run_ours(candidates)
    compiled = ours["compiled"]
    print(
        f"requirement set: {len(compiled.rules)} requirements, {len(compiled.leaves)} leaf "
        f"conditions, reference date {REF}"
    )
    per = [len(compiled.leaf_values(c)) for c in candidates[:2000]]
    items = sum(len(c.credentials) + len(c.skills) for c in candidates) / n
    print(
        f"evidence per candidate: {items:.1f} items; leaf conditions touched: "
        f"{sum(per) / len(per):.1f} on average"
    )

    step = max(1, n // args.zen_sample) if args.zen_sample else 1
    sample = candidates[::step]
    zen = run_zen(compiled, sample)
    disagree = 0
    for i, res in enumerate(zen["results"]):
        mine = ours["scores"][i * step]
        if bool(res["qualified"]) != mine.qualified or abs(float(res["total"]) - mine.total) > 1e-6:
            disagree += 1
    zen_per = (zen["marshal_s"] + zen["evaluate_s"] + zen["sort_s"]) / len(sample)
    zen_full = zen["load_s"] + zen_per * n
    label = "measured" if step == 1 else f"extrapolated from {len(sample):,} (every {step}th)"
    ours_rate = n / ours["total_s"]
    zen_rate = n / zen_full
    print()
    print(f"{'':34}{'ours (rules)':>18}{'zen-engine':>22}")
    print(
        f"{'load + compile':34}{ours['load_compile_s'] * 1e3:>15.1f} ms{zen['load_s'] * 1e3:>19.1f} ms"
    )
    print(f"{'marshal inputs':34}{'-':>18}{zen['marshal_s'] / len(sample) * n:>20.2f} s")
    print(f"{'score':34}{ours['score_s']:>17.3f} s{zen['evaluate_s'] / len(sample) * n:>20.2f} s")
    print(f"{'rank':34}{ours['rank_s']:>17.3f} s{zen['sort_s'] / len(sample) * n:>20.3f} s")
    print(f"{f'whole ranking of {n:,}':34}{ours['total_s']:>17.3f} s{zen_full:>20.2f} s")
    print(f"{'candidates / s':34}{ours_rate:>18,.0f}{zen_rate:>22,.0f}")
    print(
        f"{'peak RSS growth':34}{ours['peak_rss_mib']:>14.1f} MiB{zen['peak_rss_mib']:>18.1f} MiB"
    )
    print(
        f"{'python heap peak (tracemalloc)':34}{ours['py_heap_peak_mib']:>14.1f} MiB{'n/a (Rust)':>22}"
    )
    print(f"zen figures: {label}; zen peak RSS is for the {len(sample):,} evaluated")
    print(
        f"explain top 20 (ours, full evidence + sentences): {ours['explain_top20_s'] * 1e3:.1f} ms"
    )
    print(
        f"speed-up: {ours_rate / zen_rate:.1f}x; qualified in ours: "
        f"{sum(s.qualified for s in ours['scores']):,} of {n:,}"
    )
    print(
        f"agreement on {len(sample):,} sampled candidates (qualified flag and total): "
        f"{len(sample) - disagree:,} agree, {disagree} disagree"
    )
    if disagree:
        sys.exit(1)


if __name__ == "__main__":
    main()
