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
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rules.evaluator import CNode, Leaf

LeafValue = Callable[[Any, Any], float]
RuleValue = Callable[[dict[int, float]], tuple[int, float]]


CODE_REJECT, CODE_PENDING, CODE_INDETERMINATE, CODE_VERIFIED = 0, 1, 2, 3
"""Leaf *codes* for the batch path: the four values a leaf can take, in increasing order
(REJECT -1, PENDING 0, the indeterminate credit ``1 - penalty`` in (0, 1], and 1), so the best
code is the code of the best value. ``leaf_code_values`` maps them back."""


def leaf_code_values(leaf: Leaf) -> tuple[float, float, float, float]:
    """The leaf value of each code. The acceptance policy only ever gives the discounted
    state when it lets such evidence count, so its value is always ``1 - penalty``."""
    return (-1.0, 0.0, 1.0 - leaf.filters.penalty, 1.0)


def code_of(value: float) -> int:
    """The code of a leaf value returned by ``Leaf.assess``."""
    if value < 0:
        return CODE_REJECT
    if value == 0:
        return CODE_PENDING
    return CODE_VERIFIED if value == 1.0 else CODE_INDETERMINATE


def leaf_value_function(leaf: Leaf, codes: bool = False) -> LeafValue:
    """A value-only, check-minimal twin of ``leaf.assess`` (returning codes when ``codes``)."""
    if leaf.level is not None or leaf.result is not None:
        assess = leaf.assess
        if codes:
            return lambda c, s: code_of(assess(c, s)[0])
        return lambda c, s: assess(c, s)[0]
    body, scope = leaf_body(leaf, codes)
    source = "def value(c, s):\n" + "".join(f"    {line}\n" for line in body)
    exec(compile(source, f"<leaf {leaf.idx}>", "exec"), scope)  # noqa: S102 - our own source
    fn: LeafValue = scope["value"]
    return fn


def leaf_body(leaf: Leaf, codes: bool) -> tuple[list[str], dict[str, Any]]:
    """The body of ``value(c, s)`` for a leaf without level or result checks, and the names it
    uses (``CUTOFF``, ``REF``, ``ACCEPT``, ``issuer_reason``, ``BAD_ISSUER``)."""
    f = leaf.filters
    if codes:
        ret = {-1.0: "0", 0.0: "1", 1.0: "3"}
        ind = str(CODE_INDETERMINATE)
    else:
        ret = {-1.0: "-1.0", 0.0: "0.0", 1.0: "1.0"}
        ind = repr(1.0 - f.penalty)
    reject, pending, verified = ret[-1.0], ret[0.0], ret[1.0]
    # the batch path reads the credential's fields from its __dict__: a pydantic model's
    # attribute access goes through its __getattr__ hook and is not specialised by CPython
    read = "d['{}']".format if codes else "c.{}".format
    body = []
    if leaf.is_skill:
        body.append(f"if s.confidence < {f.min_confidence!r}: return {reject}")
    body += [
        f"if c is None: return {pending}",
        *(["d = c.__dict__"] if codes else []),
        "state = ACCEPT(c)",
        f"if state == 0: return {reject}",
    ]
    if f.allow is not None or f.deny:  # lists match the issuer id only: memoised by it
        body += [
            f"issuer = {read('issuer_id')}",
            "bad = BAD_ISSUER.get(issuer)",
            "if bad is None: bad = BAD_ISSUER[issuer] = bool(issuer_reason(c))",
            f"if bad: return {reject}",
        ]
    if f.cutoff is not None:
        body += [
            f"issued = {read('issued_at')}",
            "missing = issued is None",
            f"if not missing and issued < CUTOFF: return {reject}",
        ]
    if f.still_valid:
        body += [
            f"until = {read('valid_until')}",
            f"if until is not None and until < REF: return {reject}",
            f"start = {read('valid_from')}",
            f"if start is not None and start > REF: return {reject}",
        ]
    if f.cutoff is not None:
        body.append(f"if missing: return {pending}")
    body += [
        f"if state == 3: return {verified}",
        f"if state == 2: return {ind}",
        f"return {pending}",
    ]
    scope: dict[str, Any] = {
        "CUTOFF": f.cutoff,
        "REF": leaf.reference,
        "ACCEPT": f.accept.code,
        "issuer_reason": leaf._issuer_reason,
        "BAD_ISSUER": {},
    }
    return body, scope


_SCOPE_NAME = re.compile(r"\b(CUTOFF|REF|ACCEPT|issuer_reason|BAD_ISSUER)\b")
_RETURN = re.compile(r"\breturn (\S+)$")


def inline_block(body: list[str], suffix: str) -> list[str]:
    """A leaf body as an inline block computing ``code``: ``while True:`` around it, each
    ``return X`` turned into ``code = X; break`` and its bound names suffixed."""
    lines = ["while True:"]
    for line in body:
        line = _SCOPE_NAME.sub(lambda m: f"{m.group(1)}_{suffix}", line)
        lines.append("    " + _RETURN.sub(r"code = \1; break", line))
    return lines


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
            idx = node.idx
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


LeafCodes = Callable[[Any, bytearray, int, list[Any], list[Any]], None]


def leaf_codes_function(routes: dict[str, Any]) -> LeafCodes:
    """The batch path's evidence loop, without the branches this requirement set never takes.

    ``fill(cands, buf, width, ids, applied)`` reads each candidate once, appends its id and
    application date to ``ids`` and ``applied``, and keeps per candidate row and leaf the
    highest code in ``buf`` (row-major, ``width`` leaves). Fields are read from ``__dict__``:
    a pydantic model's attribute access goes through its ``__getattr__`` hook, which CPython
    does not specialise.
    ``routes`` binds the routing tables - ``BY_ACH``, ``BY_ISS`` (key -> ``((leaf index, code
    function), ...)``), ``SCAN`` (pairs tried on every credential), ``BY_URI``, ``BY_LABEL``
    (key -> ``(lowest min confidence, ((leaf index, inline class or -1, code function), ...))``)
    - ``CRED_ID``, the credential id getter, ``INLINE``, the bodies (``leaf_body``) of the
    skill checks run inline, and each one's names suffixed with its class number.
    """

    def offer(indent: str, hits: str, args: str) -> list[str]:
        return [
            f"{indent}for k, code_of in {hits}:",
            f"{indent}    code = code_of({args})",
            f"{indent}    k += base",
            f"{indent}    if code > buf[k]: buf[k] = code",
        ]

    lines = [
        "def fill(cands, buf, width, ids, applied):",
        "    base = -width",
        "    add_id, add_applied = ids.append, applied.append",
        "    for cand in cands:",
        "        fields = cand.__dict__",  # one attribute access instead of four
        "        creds, skills = fields['credentials'], fields['skills']",
        "        add_id(fields['candidate_id'])",
        "        add_applied(fields['applied_at'])",
        "        base += width",
        "        for c in creds:",
        "            hits = BY_ACH.get(c.achievement_id)",
        "            if hits:",
        *offer(" " * 16, "hits", "c, None"),
    ]
    if routes["BY_ISS"]:
        lines += [
            "            hits = BY_ISS.get(c.issuer_id)",
            "            if hits:",
            *offer(" " * 16, "hits", "c, None"),
        ]
    if routes["SCAN"]:
        lines += offer(" " * 12, "SCAN", "c, None")
    if routes["BY_URI"] or routes["BY_LABEL"]:
        lines += [
            "        if not skills: continue",
            "        found = None",
            "        for s in skills:",
            "            hits = BY_URI.get(s.skill_uri)",
        ]
        if routes["BY_LABEL"]:
            lines += [
                "            if s.label:",
                "                extra = BY_LABEL.get(s.label.casefold())",
                "                if extra and hits:",
                "                    hits = min(hits[0], extra[0]), (*hits[1], *extra[1])",
                "                elif extra:",
                "                    hits = extra",
            ]
        lines += [
            "            if not hits: continue",
            "            low, hits = hits",
            # below every leaf's min confidence: each would say CODE_REJECT, the untouched code
            "            if s.confidence < low: continue",
            "            if found is None: found = dict(zip(map(CRED_ID, creds), creds))",
            "            cid = s.credential_id",
            "            c = found.get(cid) if cid else None",
            "            for k, cls, code_of in hits:",
        ]
        # the most common skill checks run inline (no call per skill); the rest are called
        for cls, body in enumerate(routes["INLINE"]):
            lines.append(f"                {'if' if cls == 0 else 'elif'} cls == {cls}:")
            lines += [" " * 20 + line for line in inline_block(body, str(cls))]
        lines += [
            *(["                else:"] if routes["INLINE"] else []),
            f"{' ' * (20 if routes['INLINE'] else 16)}code = code_of(c, s)",
            "                k += base",
            "                if code > buf[k]: buf[k] = code",
        ]
    source = "".join(line + "\n" for line in lines)
    scope: dict[str, Any] = dict(routes)
    exec(compile(source, "<leaf codes>", "exec"), scope)  # noqa: S102 - our own source
    fn: LeafCodes = scope["fill"]
    return fn
