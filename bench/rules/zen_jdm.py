"""The bench's requirement set translated for zen-engine: a JDM decision graph of expression
nodes, and one context dict per candidate.

Each candidate carries their own reference day (``ref``: application day, else the as-of date)
and the recency cut-off of each window measured from it (``cut0``, ``cut1``, ...), as the
columnar evaluator measures them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rules import CandidateEvidence
from rules.compiled import CompiledRequirementSet
from rules.conditions import LeafNode
from rules.filters import recency_cutoff
from rules.leaf import Leaf


def _q(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _leaf_value(leaf: Leaf, windows: list[str]) -> str:
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
    if f.window is not None:
        reject.append(f"(#.issued >= 0 and #.issued < cut{windows.index(f.window)})")
        missing = "#.issued < 0"
    if f.still_valid:
        reject.append("#.until < ref")
        reject.append("#.from > ref")
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
    windows = windows_of(compiled)
    layers: list[list[tuple[str, str]]] = [[], []]
    for leaf in compiled.leaves:
        layers[0].append((f"v{leaf.idx}", _leaf_value(leaf, windows)))
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


def windows_of(compiled: CompiledRequirementSet) -> list[str]:
    """The distinct recency windows of the set's leaves, in a fixed order."""
    return sorted({leaf.filters.window for leaf in compiled.leaves if leaf.filters.window})


def zen_context(c: CandidateEvidence, as_of: date, windows: list[str]) -> dict[str, Any]:
    """One candidate as zen input: dates as day numbers, skills joined to their credential,
    the candidate's reference day and its recency cut-offs."""
    reference = c.applied_at or as_of
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
    cutoffs = {f"cut{i}": recency_cutoff(w, reference).toordinal() for i, w in enumerate(windows)}
    return {"creds": rows, "skills": skills, "ref": reference.toordinal(), **cutoffs}
