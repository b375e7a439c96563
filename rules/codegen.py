"""Specialised Python for the fast path, generated once per compiled requirement set.

Two kinds of function are generated from the compiled leaves and condition trees:

* ``value(c, s) -> float`` per leaf: :meth:`rules.evaluator.Leaf.assess` without the reason
  strings and with only the checks this leaf configures, constants inlined. Leaves with level
  or result checks keep the generic ``assess`` (they are rare and the order of checks matters).
* ``rule(best) -> (satisfaction, fraction)`` per requirement: the condition tree flattened into
  straight-line code, using ``math.fsum`` / ``max`` / ``sorted`` exactly like the combination
  functions of the explained path, so both paths produce bit-identical floats.

The generated source only ever contains numbers and identifiers produced here, never text from
the requirement set; dates and caches are passed in as bound names.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rules.evaluator import CNode, Leaf

LeafValue = Callable[[Any, Any], float]
RuleValue = Callable[[dict[int, float]], tuple[int, float]]


def leaf_value_function(leaf: Leaf) -> LeafValue:
    """A value-only, check-minimal twin of ``leaf.assess``."""
    if leaf.level is not None or leaf.result is not None:
        assess = leaf.assess
        return lambda c, s: assess(c, s)[0]
    f = leaf.filters
    body = []
    if leaf.is_skill:
        body.append(f"if s.confidence < {f.min_confidence!r}: return -1.0")
    body += [
        "if c is None: return 0.0",
        "verdict = c.verdict",
        "if verdict == 'failed': return -1.0",
    ]
    if f.allow is not None or f.deny:
        body.append("if issuer_reason(c): return -1.0")
    if f.cutoff is not None:
        body += [
            "issued = c.issued_at",
            "missing = issued is None",
            "if not missing and issued < CUTOFF: return -1.0",
        ]
    if f.still_valid:
        body += [
            "until = c.valid_until",
            "if until is not None and until < REF: return -1.0",
            "start = c.valid_from",
            "if start is not None and start > REF: return -1.0",
        ]
    if f.cutoff is not None:
        body.append("if missing: return 0.0")
    indeterminate = 0.0 if f.verified_only else 1.0 - f.penalty
    body += [
        "if verdict == 'verified': return 1.0",
        f"if verdict == 'indeterminate': return {indeterminate!r}",
        "return 0.0",
    ]
    source = "def value(c, s):\n" + "".join(f"    {line}\n" for line in body)
    scope: dict[str, Any] = {
        "CUTOFF": f.cutoff,
        "REF": leaf.reference,
        "issuer_reason": leaf._issuer_reason,
    }
    exec(compile(source, f"<leaf {leaf.idx}>", "exec"), scope)  # noqa: S102 - our own source
    fn: LeafValue = scope["value"]
    return fn


class _Emitter:
    """Flattens a condition tree into assignments ``s<k>, f<k> = ...``."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.count = 0

    def emit(self, node: CNode) -> str:
        from rules.evaluator import GroupNode, LeafNode

        key = f"n{self.count}"
        self.count += 1
        if isinstance(node, LeafNode):
            idx = node.leaf.idx
            self.lines += [
                f"v = best.get({idx}, -1.0)",
                f"s{key}, f{key} = (1, v) if v > 0 else (0, 0.0) if v == 0 else (-1, 0.0)",
            ]
            return key
        assert isinstance(node, GroupNode)
        kids = [self.emit(p) for p in node.parts]
        sats = ", ".join(f"s{k}" for k in kids)
        fracs = ", ".join(f"f{k}" for k in kids)
        if node.kind == "all_of":
            self.lines.append(f"s{key}, f{key} = min(({sats},)), fsum(({fracs},)) / {len(kids)}")
        elif node.kind == "any_of":
            self.lines.append(f"s{key}, f{key} = max(({sats},)), max(({fracs},))")
        else:
            n = node.n
            self.lines += [
                f"met = ({sats},).count(1)",
                f"und = ({sats},).count(0)",
                f"s{key} = 1 if met >= {n} else -1 if met + und < {n} else 0",
                f"f{key} = fsum(sorted(({fracs},), reverse=True)[:{n}]) / {n}",
            ]
        return key


def rule_value_function(node: CNode, name: str) -> RuleValue:
    """The requirement's condition tree as one straight-line function of the leaf values."""
    from rules.evaluator import LeafNode

    if isinstance(node, LeafNode):
        return node.value
    emitter = _Emitter()
    root = emitter.emit(node)
    source = "def rule(best):\n" + "".join(f"    {line}\n" for line in emitter.lines)
    source += f"    return s{root}, f{root}\n"
    scope: dict[str, Any] = {"fsum": math.fsum}
    exec(compile(source, f"<rule {name}>", "exec"), scope)  # noqa: S102 - our own source
    fn: RuleValue = scope["rule"]
    return fn
