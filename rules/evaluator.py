"""Pure, deterministic evaluation of candidates against a compiled requirement set.

``compile_requirement_set`` turns a :class:`~rules.schema.RequirementSet` into index structures
once per (set, reference date): inherited filters resolved, recency windows turned into cut-off
dates, narrower skills expanded, every leaf indexed by achievement id / issuer id / skill URI.

Two paths share those leaves, the same per-evidence check (:meth:`Leaf.assess`) and the same
combination functions, so they give identical scores:

* :meth:`CompiledRequirementSet.score` - the fast path: touches only evidence whose key a leaf
  wants, evaluates only requirements that evidence touched, returns a :class:`ScoreSummary`.
* :meth:`CompiledRequirementSet.explain` - the explained path: every requirement, every piece of
  evidence considered and why, a sentence per requirement, as an :class:`Evaluation`.

Semantics (see docs/rules.md): each condition has a three-valued satisfaction (met / not met /
undecided) and a fraction of credit in [0, 1]. Evidence that is missing data (unverified, no
issue date, no level) makes a leaf *undecided*, never silently false. Groups combine with
Kleene logic; the points of a requirement are ``weight * fraction``. There is no ``now()`` here:
the caller passes the reference date.
"""

from __future__ import annotations

import calendar
import fnmatch
import gc
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial
from operator import attrgetter
from typing import Any, NamedTuple, cast

import numpy as np
import numpy.typing as npt

from rules import codegen, explain
from rules.acceptance import ACCEPTED, DISCOUNTED, REJECTED, Acceptance, compile_acceptance
from rules.candidate_level import (
    CandidateLevelCheck,
    CandidateLevelNode,
    CompileContext,
    ValueOnlyCheck,
)
from rules.inputs import CandidateEvidence, CredentialEvidence, SkillEvidence
from rules.results import ConditionResult, Evaluation, EvidenceItem, Outcome, RuleResult
from rules.schema import (
    AllOfNode,
    AnyNode,
    AnyOfNode,
    AnyRequirement,
    AtLeastNode,
    CredentialCheck,
    CredentialNode,
    EvidenceFilters,
    IssuerFilter,
    RequirementSet,
    SkillCheck,
    SkillNode,
    Thresholds,
    parse_duration,
    walk,
)

REJECT = -1.0
"""Leaf value: no acceptable evidence."""
PENDING = 0.0
"""Leaf value: evidence exists but a needed fact is missing (undecided)."""

MET, UNDECIDED, NOT_MET = 1, 0, -1
"""Three-valued satisfaction of a condition (ordered so min = AND and max = OR)."""

DEFAULT_PENALTY = 0.5
DEFAULT_MIN_CONFIDENCE = 0.5

Narrower = Callable[[str], Iterable[str]]
LabelResolver = Callable[[str], "str | None"]


def subtract_months(day: date, months: int) -> date:
    """``day`` minus whole calendar months, clamped to month end (31 Mar - 1 = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True, slots=True)
class Filters:
    """Evidence filters after inheritance (leaf, then requirement, then set defaults)."""

    verified_only: bool
    accept: Acceptance
    penalty: float
    window: str | None
    cutoff: date | None
    still_valid: bool
    min_confidence: float
    allow: frozenset[str] | None
    deny: frozenset[str]


def resolve_filters(layers: Sequence[EvidenceFilters | None], reference: date) -> Filters:
    """Take each filter from the innermost layer that sets it; compute the recency cut-off."""

    def pick(name: str) -> object:
        for layer in layers:
            if layer is not None and getattr(layer, name) is not None:
                return getattr(layer, name)
        return None

    window = pick("issued_within")
    cutoff = None
    if isinstance(window, str):
        span = parse_duration(window)
        cutoff = subtract_months(reference, span.months) - timedelta(days=span.days)
    issuers = pick("issuers")
    allow = deny = None
    if isinstance(issuers, IssuerFilter):
        allow = frozenset(i.casefold() for i in issuers.allow) if issuers.allow else None
        deny = frozenset(d.casefold() for d in issuers.deny)
    verified_only, penalty = pick("verified_only"), pick("indeterminate_penalty")
    still_valid, confidence = pick("still_valid"), pick("min_confidence")
    only_verified = True if verified_only is None else bool(verified_only)
    policies = [layer.accept if layer is not None else None for layer in layers]
    return Filters(
        verified_only=only_verified,
        accept=compile_acceptance(policies, verified_only=only_verified),
        penalty=DEFAULT_PENALTY if not isinstance(penalty, float | int) else float(penalty),
        window=window if isinstance(window, str) else None,
        cutoff=cutoff,
        still_valid=True if still_valid is None else bool(still_valid),
        min_confidence=(
            DEFAULT_MIN_CONFIDENCE if not isinstance(confidence, float | int) else float(confidence)
        ),
        allow=allow,
        deny=deny or frozenset(),
    )


class Scale:
    """An ordinal comparison: position on an ordered word list, or numeric when there is none."""

    __slots__ = ("minimum", "ranks", "text")

    def __init__(self, levels: list[str] | None, minimum: str | float) -> None:
        self.ranks = {lv.casefold(): i for i, lv in enumerate(levels)} if levels else None
        self.text = str(minimum)
        rank = self.rank(self.text)
        assert rank is not None  # the schema checked the minimum is on the scale
        self.minimum = rank

    def rank(self, value: str) -> float | None:
        """Position of ``value`` on the scale; None when it is not on it (undecidable)."""
        if self.ranks is not None:
            found = self.ranks.get(value.strip().casefold())
            return None if found is None else float(found)
        try:
            return float(value)
        except ValueError:
            return None


def _glob(pattern: str) -> re.Pattern[str]:
    return re.compile(fnmatch.translate(pattern.casefold()))


class Leaf:
    """A compiled skill or credential condition: identity, filters and the per-evidence check."""

    __slots__ = (
        "achievement_id",
        "check",
        "filters",
        "idx",
        "is_skill",
        "issuer_cache",
        "issuer_id",
        "label",
        "level",
        "name_cache",
        "name_re",
        "reference",
        "result",
        "result_name",
        "skill_label",
        "uris",
        "value",
    )

    def __init__(
        self,
        idx: int,
        check: SkillCheck | CredentialCheck,
        filters: Filters,
        reference: date,
        uris: frozenset[str],
        label: str,
    ) -> None:
        self.idx, self.check, self.filters, self.reference = idx, check, filters, reference
        self.label = label
        self.is_skill = isinstance(check, SkillCheck)
        self.uris = uris
        self.skill_label = (
            check.label.casefold() if isinstance(check, SkillCheck) and check.label else None
        )
        self.achievement_id = check.achievement_id if isinstance(check, CredentialCheck) else None
        self.issuer_id = check.issuer_id if isinstance(check, CredentialCheck) else None
        pattern = check.name_pattern if isinstance(check, CredentialCheck) else None
        self.name_re = _glob(pattern) if pattern else None
        self.name_cache: dict[str | None, bool] = {}
        self.issuer_cache: dict[tuple[str | None, str | None], str] = {}
        self.level = Scale(check.levels, check.min_level) if check.min_level is not None else None
        spec = check.min_result if isinstance(check, CredentialCheck) else None
        self.result = Scale(spec.levels, spec.min) if spec else None
        self.result_name = spec.name.casefold() if spec and spec.name else None
        self.value = codegen.leaf_value_function(self)
        """Value-only twin of ``assess`` for the fast path (see rules.codegen)."""

    # identity -------------------------------------------------------------------------------
    def names_match(self, name: str | None) -> bool:
        """Glob match on the achievement name, memoised (names repeat across candidates)."""
        hit = self.name_cache.get(name)
        if hit is None:
            hit = self.name_re is None or (
                name is not None and self.name_re.match(name.casefold()) is not None
            )
            self.name_cache[name] = hit
        return hit

    def is_credential_match(self, c: CredentialEvidence) -> bool:
        """Whether the credential is the one this condition asks about (before any filter)."""
        if self.achievement_id is not None and c.achievement_id != self.achievement_id:
            return False
        if self.issuer_id is not None and c.issuer_id != self.issuer_id:
            return False
        return self.name_re is None or self.names_match(c.achievement_name)

    def is_skill_match(self, s: SkillEvidence) -> bool:
        """Whether the skill evidence is this condition's skill (or a narrower one)."""
        if s.skill_uri in self.uris:
            return True
        return self.skill_label is not None and (s.label or "").casefold() == self.skill_label

    # checks ---------------------------------------------------------------------------------
    def assess(self, c: CredentialEvidence | None, s: SkillEvidence | None) -> tuple[float, str]:
        """Value of one piece of evidence (REJECT, PENDING or credit in (0, 1]) and the reason.

        ``s`` is the skill evidence for skill conditions (``c`` is its source credential, or
        None when it has none); ``s`` is None for credential conditions. Failures that settle
        the question (failed verification, wrong issuer, too old, expired, too low) win over
        missing facts, which make the evidence undecided.
        """
        f = self.filters
        if s is not None and s.confidence < f.min_confidence:
            return REJECT, "low_confidence"
        if c is None:
            return PENDING, "no_credential"
        state, why = f.accept(c)
        if state == REJECTED:
            return REJECT, why
        if f.allow is not None or f.deny:
            issuer = self._issuer_reason(c)
            if issuer:
                return REJECT, issuer
        missing = ""
        if f.cutoff is not None:
            if c.issued_at is None:
                missing = "issue_date_missing"
            elif c.issued_at < f.cutoff:
                return REJECT, "too_old"
        if f.still_valid:
            if c.valid_until is not None and c.valid_until < self.reference:
                return REJECT, "expired"
            if c.valid_from is not None and c.valid_from > self.reference:
                return REJECT, "not_yet_valid"
        if self.level is not None:
            level = (s.level if s is not None else None) or c.level
            found = self._level_reason(level)
            if found == "level_too_low":
                return REJECT, found
            missing = missing or found
        if self.result is not None:
            found = self._result_reason(c)
            if found == "result_too_low":
                return REJECT, found
            missing = missing or found
        if missing:
            return PENDING, missing
        if state == ACCEPTED:
            return 1.0, why
        if state == DISCOUNTED:
            return 1.0 - f.penalty, why
        return PENDING, why

    def _issuer_reason(self, c: CredentialEvidence) -> str:
        """Allow/deny-list finding, memoised per (issuer id, name): issuers repeat a lot."""
        key = (c.issuer_id, c.issuer_name)
        found = self.issuer_cache.get(key)
        if found is None:
            # the issuer's id only: a self-declared name is not an identity (anyone can claim it)
            keys = {c.issuer_id.casefold()} if c.issuer_id else set()
            found = ""
            if self.filters.deny & keys:
                found = "issuer_denied"
            elif self.filters.allow is not None and not self.filters.allow & keys:
                found = "issuer_not_allowed"
            self.issuer_cache[key] = found
        return found

    def _level_reason(self, level: str | None) -> str:
        assert self.level is not None
        if level is None:
            return "level_missing"
        rank = self.level.rank(level)
        if rank is None:
            return "level_unknown"
        return "level_too_low" if rank < self.level.minimum else ""

    def _result_reason(self, c: CredentialEvidence) -> str:
        assert self.result is not None
        wanted = [
            r
            for r in c.results
            if self.result_name is None or (r.name or "").casefold() == (self.result_name)
        ]
        if not wanted:
            return "result_missing"
        ranks = [rk for rk in (self.result.rank(r.value) for r in wanted) if rk is not None]
        if not ranks:
            return "result_unknown"
        return "result_too_low" if max(ranks) < self.result.minimum else ""


def state_of(value: float) -> tuple[int, float]:
    """(satisfaction, fraction) of a leaf from its best evidence value."""
    if value > 0:
        return MET, value
    return (UNDECIDED, 0.0) if value == PENDING else (NOT_MET, 0.0)


def combine_all(parts: Sequence[tuple[int, float]]) -> tuple[int, float]:
    """all_of: Kleene AND; credit is the mean of the parts (partial credit for stacks)."""
    return min(p[0] for p in parts), math.fsum(p[1] for p in parts) / len(parts)


def combine_any(parts: Sequence[tuple[int, float]]) -> tuple[int, float]:
    """any_of: Kleene OR; credit is the best part's."""
    return max(p[0] for p in parts), max(p[1] for p in parts)


def combine_at_least(n: int, parts: Sequence[tuple[int, float]]) -> tuple[int, float]:
    """at_least n: met when n parts are met, not met when even the undecided can't reach n."""
    met = sum(1 for p in parts if p[0] == MET)
    undecided = sum(1 for p in parts if p[0] == UNDECIDED)
    sat = MET if met >= n else NOT_MET if met + undecided < n else UNDECIDED
    best = sorted((p[1] for p in parts), reverse=True)[:n]
    return sat, math.fsum(best) / n


def outcome_of(sat: int, fraction: float) -> Outcome:
    """Map (satisfaction, credit) to the four recruiter-facing outcomes."""
    if sat == MET:
        return "met" if fraction >= 1.0 else "partly_met"
    if sat == UNDECIDED:
        return "not_evaluable"
    return "partly_met" if fraction > 0 else "unmet"


class CNode:
    """A compiled condition: ``value`` for the fast path, ``explain`` for the explained one."""

    kind: str
    label: str

    def value(self, best: dict[int, float]) -> tuple[int, float]:
        raise NotImplementedError

    def explain(
        self, cand: CandidateEvidence, creds: dict[str, CredentialEvidence]
    ) -> tuple[tuple[int, float], ConditionResult]:
        raise NotImplementedError


class LeafNode(CNode):
    def __init__(self, leaf: Leaf) -> None:
        self.leaf, self.label, self.idx = leaf, leaf.label, leaf.idx
        self.kind = "skill" if leaf.is_skill else "credential"

    def value(self, best: dict[int, float]) -> tuple[int, float]:
        v = best.get(self.idx, REJECT)  # inlined state_of: this is the hot loop
        return (MET, v) if v > 0 else (UNDECIDED, 0.0) if v == PENDING else (NOT_MET, 0.0)

    def explain(
        self, cand: CandidateEvidence, creds: dict[str, CredentialEvidence]
    ) -> tuple[tuple[int, float], ConditionResult]:
        found = leaf_evidence(self.leaf, cand, creds)
        best = max((value for value, _ in found), default=REJECT)
        items = [item for _, item in found]
        state = state_of(best)
        result = ConditionResult(
            kind="skill" if self.leaf.is_skill else "credential",
            label=self.label,
            outcome=outcome_of(*state),
            fraction=state[1],
            evidence=items,
        )
        return state, result


class CheckNode(LeafNode):
    """A condition judged on the whole candidate (``stack``, ``focus``): its value takes a
    leaf slot in ``best``, filled once per candidate by both paths from the same
    :meth:`CandidateLevelCheck.assess`, so the generated rule functions treat it as a leaf."""

    def __init__(self, check: CandidateLevelCheck, label: str, reference: date) -> None:
        self.check, self.label, self.kind, self.reference = check, label, check.kind, reference
        self.idx = -1
        """Its slot, after every leaf's (set when the set's compilation is done)."""
        value_only = check.value if isinstance(check, ValueOnlyCheck) else None
        self.candidate_value: Callable[[CandidateEvidence], float] = (
            partial(value_only, reference=reference)
            if value_only is not None
            else lambda cand: check.assess(cand, reference).value
        )
        """The fast paths' reading: the value alone (equal to ``assess(...).value``)."""

    def explain(
        self, cand: CandidateEvidence, creds: dict[str, CredentialEvidence]
    ) -> tuple[tuple[int, float], ConditionResult]:
        found = self.check.assess(cand, self.reference)
        state = state_of(found.value)
        result = ConditionResult(
            kind=cast(Any, self.kind),
            label=self.label,
            outcome=outcome_of(*state),
            fraction=state[1],
            evidence=list(found.evidence),
            reason=found.reason,
        )
        return state, result


class GroupNode(CNode):
    def __init__(self, kind: str, label: str, parts: list[CNode], n: int | None = None) -> None:
        self.kind, self.label, self.parts, self.n = kind, label, parts, n

    def _combine(self, parts: Sequence[tuple[int, float]]) -> tuple[int, float]:
        if self.kind == "all_of":
            return combine_all(parts)
        if self.kind == "any_of":
            return combine_any(parts)
        assert self.n is not None
        return combine_at_least(self.n, parts)

    def value(self, best: dict[int, float]) -> tuple[int, float]:
        return self._combine([p.value(best) for p in self.parts])

    def explain(
        self, cand: CandidateEvidence, creds: dict[str, CredentialEvidence]
    ) -> tuple[tuple[int, float], ConditionResult]:
        done = [p.explain(cand, creds) for p in self.parts]
        state = self._combine([d[0] for d in done])
        result = ConditionResult(
            kind=self.kind,
            label=self.label,
            outcome=outcome_of(*state),
            fraction=state[1],
            children=[d[1] for d in done],
            needed=self.n,
        )
        return state, result


def leaf_evidence(
    leaf: Leaf, cand: CandidateEvidence, creds: dict[str, CredentialEvidence]
) -> list[tuple[float, EvidenceItem]]:
    """Every piece of the candidate's evidence this leaf is about, with its value and finding."""
    items: list[tuple[float, EvidenceItem]] = []
    if leaf.is_skill:
        for s in cand.skills:
            if leaf.is_skill_match(s):
                c = creds.get(s.credential_id) if s.credential_id else None
                value, reason = leaf.assess(c, s)
                items.append((value, explain.evidence_item(leaf, c, s, value, reason)))
    else:
        for c in cand.credentials:
            if leaf.is_credential_match(c):
                value, reason = leaf.assess(c, None)
                items.append((value, explain.evidence_item(leaf, c, None, value, reason)))
    return items


class ScoreSummary(NamedTuple):
    """The fast path's result for one candidate; ``position`` is its index in the input."""

    position: int
    candidate_id: str
    applied_at: date | None
    total: float
    normalised: float
    qualified: bool
    shortlisted: bool
    knocked_out: bool
    needs_review: bool
    not_evaluable: int
    tier: int
    """0 shortlisted, 1 qualified, 2 neither, 3 knocked out (first ranking key)."""
    applied_day: int
    """Application date as a day number; missing dates sort last."""


_NO_DATE = date.max.toordinal() + 1


class ScoreList(list[ScoreSummary]):
    """What ``score_all`` returns: a plain list of summaries that also keeps their ranking
    keys as arrays, so :func:`rules.ranking.rank` need not read them back one by one. The
    keys are used only while the list still holds the very summaries it was created with."""

    __slots__ = ("_keys", "_snapshot")

    _keys: tuple[list[str], Any, Any, Any, Any] | None
    _snapshot: list[ScoreSummary]

    def keep_rank_keys(self, ids: list[str], *columns: Any) -> None:
        tier, normalised, undecided, day = columns
        self._keys = (ids, tier, normalised, undecided, day)
        self._snapshot = list(self)

    def rank_order(self) -> list[int] | None:
        """Positions in ranking order, or None when the list was changed after scoring."""
        from rules.ranking import order_by_keys

        keys = getattr(self, "_keys", None)
        if keys is None or not list.__eq__(self, self._snapshot):
            return None
        return order_by_keys(*keys)


_new_tuple: Callable[..., Any] = tuple.__new__


class Decision(NamedTuple):
    """Totals and flags derived identically by both paths."""

    total: float
    normalised: float
    qualified: bool
    shortlisted: bool
    knocked_out: bool
    needs_review: bool


def decide(
    points: list[float], max_total: float, must_failed: int, must_undecided: int, th: Thresholds
) -> Decision:
    """Total (order-independent ``fsum``), normalised 0..100 and the qualification flags.

    With no weighted requirement (max 0) the score is 100 when every must is met, else 0.
    A knocked-out candidate keeps the points they earned but is never qualified.
    """
    total = math.fsum(points)
    knocked = must_failed > 0
    review = not knocked and must_undecided > 0
    if max_total > 0:
        normalised = round(100.0 * total / max_total, 6)
    else:
        normalised = 0.0 if knocked or review else 100.0
    qualified = not knocked and not review and normalised >= th.qualified
    shortlisted = qualified and normalised >= th.shortlist
    # tuple.__new__ skips the NamedTuple's Python-level __new__ (hot path)
    values = (round(total, 6), normalised, qualified, shortlisted, knocked, review)
    return cast(Decision, _new_tuple(Decision, values))


class CompiledRule:
    __slots__ = ("idx", "label", "must", "node", "req", "weight")

    def __init__(self, idx: int, req: AnyRequirement, node: CNode) -> None:
        self.idx, self.req, self.node = idx, req, node
        self.must, self.weight = req.must, float(req.weight)
        self.label = req.label or node.label


class CompiledRequirementSet:
    """A requirement set ready to score many candidates at one reference date."""

    def __init__(
        self,
        rs: RequirementSet,
        reference_date: date,
        *,
        version: int | None = None,
        narrower: Narrower | None = None,
        resolve_label: LabelResolver | None = None,
        context: CompileContext | None = None,
    ) -> None:
        self.rs, self.reference_date = rs, reference_date
        self.version = version if version is not None else rs.version
        self._narrower, self._resolve = narrower, resolve_label
        self.leaves: list[Leaf] = []
        self.leaf_rule: list[int] = []
        self.rules: list[CompiledRule] = []
        self.checks: list[CheckNode] = []
        """Candidate-level conditions; their slots follow the leaves'."""
        self._check_rule: list[int] = []
        self._context = self._base_context(context or CompileContext())
        for req in rs.requirements:
            rule_idx = len(self.rules)
            node = self._compile(req, [req.filters, rs.defaults], rule_idx)
            self.rules.append(CompiledRule(rule_idx, req, node))
        for slot, check in enumerate(self.checks, start=len(self.leaves)):
            check.idx = slot
        self.leaf_rule += self._check_rule
        self.max_total = math.fsum(r.weight for r in self.rules)
        self.n_must = sum(1 for r in self.rules if r.must)
        self._rule_value = [codegen.rule_value_function(r.node, r.req.id) for r in self.rules]
        self._rule_weight = [r.weight for r in self.rules]
        self._rule_must = [int(r.must) for r in self.rules]
        self._rule_single = [isinstance(r.node, LeafNode) for r in self.rules]
        self._index()

    # compilation ----------------------------------------------------------------------------
    def _compile(self, node: AnyNode, layers: list[EvidenceFilters | None], rule_idx: int) -> CNode:
        if isinstance(node, CandidateLevelNode):
            judged = node.compile_check(replace(self._context, layers=tuple(layers)))
            cnode = CheckNode(judged, node.label or judged.label, self.reference_date)
            self.checks.append(cnode)
            self._check_rule.append(rule_idx)
            return cnode
        if isinstance(node, SkillNode | CredentialNode):
            check = node.skill if isinstance(node, SkillNode) else node.credential
            leaf = Leaf(
                len(self.leaves),
                check,
                resolve_filters([check, *layers], self.reference_date),
                self.reference_date,
                self._uris(check) if isinstance(check, SkillCheck) else frozenset(),
                node.label or explain.check_label(check),
            )
            self.leaves.append(leaf)
            self.leaf_rule.append(rule_idx)
            return LeafNode(leaf)
        if isinstance(node, AllOfNode):
            kind, parts, n = "all_of", node.all_of, None
        elif isinstance(node, AnyOfNode):
            kind, parts, n = "any_of", node.any_of, None
        else:
            assert isinstance(node, AtLeastNode)
            kind, parts, n = "at_least", node.at_least.of, node.at_least.n
        compiled = [self._compile(p, layers, rule_idx) for p in parts]
        return GroupNode(kind, node.label or explain.group_label(kind, compiled, n), compiled, n)

    def _base_context(self, context: CompileContext) -> CompileContext:
        """The organisation's context plus the set's own pathways and the role's skills."""
        skills = [
            n.skill for r in self.rs.requirements for n in walk(r) if isinstance(n, SkillNode)
        ]
        role_skills = frozenset(u for check in skills for u in self._uris(check))
        pathways = {**context.pathways, **{p.id: p for p in self.rs.pathways}}
        return replace(context, pathways=pathways, role_skills=role_skills)

    def _uris(self, check: SkillCheck) -> frozenset[str]:
        """The URI, its narrower skills when asked, and the URI a label resolves to."""
        roots = [check.uri] if check.uri else []
        if not roots and check.label and self._resolve is not None:
            found = self._resolve(check.label)
            roots = [found] if found else []
        seen = set(roots)
        if check.include_narrower and self._narrower is not None:
            todo = list(roots)
            while todo:
                for child in self._narrower(todo.pop()):
                    if child not in seen:
                        seen.add(child)
                        todo.append(child)
        return frozenset(seen)

    def _index(self) -> None:
        """Route evidence keys to leaves: achievement id, else issuer id, else name scan."""
        self.by_achievement: dict[str, list[Leaf]] = {}
        self.by_issuer: dict[str, list[Leaf]] = {}
        self.scan: list[Leaf] = []
        self.by_uri: dict[str, list[Leaf]] = {}
        self.by_label: dict[str, list[Leaf]] = {}
        for leaf in self.leaves:
            if leaf.is_skill:
                for uri in leaf.uris:
                    self.by_uri.setdefault(uri, []).append(leaf)
                if leaf.skill_label is not None:
                    self.by_label.setdefault(leaf.skill_label, []).append(leaf)
            elif leaf.achievement_id is not None:
                self.by_achievement.setdefault(leaf.achievement_id, []).append(leaf)
            elif leaf.issuer_id is not None:
                self.by_issuer.setdefault(leaf.issuer_id, []).append(leaf)
            else:
                self.scan.append(leaf)
        self._uri_pairs = {
            uri: tuple((leaf.idx, leaf.value) for leaf in leaves)
            for uri, leaves in self.by_uri.items()
        }

    # fast path ------------------------------------------------------------------------------
    def leaf_values(self, cand: CandidateEvidence) -> dict[int, float]:
        """Best evidence value per leaf, for the leaves some evidence touched."""
        best: dict[int, float] = {}
        by_ach, by_iss, scan = self.by_achievement, self.by_issuer, self.scan
        for c in cand.credentials:
            leaves = by_ach.get(c.achievement_id) if c.achievement_id else None
            if leaves:
                _offer(best, leaves, c, None)
            if by_iss and c.issuer_id:
                leaves = by_iss.get(c.issuer_id)
                if leaves:
                    _offer(best, leaves, c, None)
            if scan:
                _offer(best, scan, c, None)
        if cand.skills and (self.by_uri or self.by_label):
            self._skill_values(cand, best)
        return best

    def _skill_values(self, cand: CandidateEvidence, best: dict[int, float]) -> None:
        by_uri, by_label = self._uri_pairs, self.by_label
        creds: dict[str, CredentialEvidence] | None = None
        get = best.get
        for s in cand.skills:
            pairs = by_uri.get(s.skill_uri)
            if by_label and s.label:
                extra = by_label.get(s.label.casefold())
                if extra:
                    pairs = (*(pairs or ()), *((leaf.idx, leaf.value) for leaf in extra))
            if not pairs:
                continue
            if creds is None:
                creds = {c.credential_id: c for c in cand.credentials}
            c = creds.get(s.credential_id) if s.credential_id else None
            for idx, value_of in pairs:  # an index hit is a match by construction
                value = value_of(c, s)
                if value > get(idx, -2.0):
                    best[idx] = value

    def score(self, cand: CandidateEvidence, position: int = 0) -> ScoreSummary:
        """Fast path: the candidate's score and flags, without explanations.

        Only requirements that some evidence touched are evaluated: an untouched requirement
        is not met and earns nothing. Single-condition requirements are read straight from
        the leaf value; groups run their generated function (rules.codegen).
        """
        best = self.leaf_values(cand)
        for check in self.checks:
            best[check.idx] = check.candidate_value(cand)
        leaf_rule, single, weights, musts = (
            self.leaf_rule,
            self._rule_single,
            self._rule_weight,
            self._rule_must,
        )
        points: list[float] = []
        must_ok = must_undecided = undecided = 0
        groups: set[int] = set()
        for i, v in best.items():
            r = leaf_rule[i]
            if not single[r]:
                groups.add(r)
            elif v > 0:
                points.append(weights[r] * v)
                must_ok += musts[r]
            elif v == PENDING:
                undecided += 1
                must_ok += musts[r]
                must_undecided += musts[r]
        for r in groups:
            sat, fraction = self._rule_value[r](best)
            if fraction > 0:
                points.append(weights[r] * fraction)
            if sat != NOT_MET:
                must_ok += musts[r]
                if sat == UNDECIDED:
                    undecided += 1
                    must_undecided += musts[r]
        d = decide(
            points, self.max_total, self.n_must - must_ok, must_undecided, self.rs.thresholds
        )
        tier = 3 if d[4] else 0 if d[3] else 1 if d[2] else 2
        applied = cand.applied_at
        day = applied.toordinal() if applied is not None else _NO_DATE
        values = (position, cand.candidate_id, applied, *d, undecided, tier, day)
        return cast(ScoreSummary, _new_tuple(ScoreSummary, values))

    def score_all(self, candidates: Sequence[CandidateEvidence]) -> list[ScoreSummary]:
        """Batch path over many candidates (input order kept; rank with rules.ranking.rank).

        Gives the same summaries as :meth:`score` per candidate (tested property), computed
        column-wise: see :meth:`score_range`.
        """
        return self.score_range(candidates, 0, len(candidates))

    def score_range(
        self, candidates: Sequence[CandidateEvidence], start: int, stop: int
    ) -> list[ScoreSummary]:
        """Score ``candidates[start:stop]`` keeping their positions in the full list.

        One Python pass over the evidence writes each touched leaf's best *code* (see
        ``rules.codegen.leaf_code_values``) into a candidates x leaves byte matrix; the rest is
        numpy: each requirement's (satisfaction, points) is looked up in a table built by
        running its generated rule function on every combination of its leaves' codes, and the
        totals are summed exactly (see :func:`_exact_sums`) and rounded exactly like
        :func:`decide` (see :func:`_round6`). The cyclic garbage collector is paused meanwhile:
        scoring allocates many small acyclic objects, and each collection would otherwise walk
        every candidate object in memory.
        """
        stop = max(start, min(stop, len(candidates)))
        with gc_paused():
            return self._score_batch(candidates[start:stop], start)

    # batch path ----------------------------------------------------------------------------
    def _batch_plan(self) -> _BatchPlan:
        plan: _BatchPlan | None = getattr(self, "_plan", None)
        if plan is None:
            plan = self._plan = _BatchPlan(self)
        return plan

    def _score_batch(self, cands: Sequence[CandidateEvidence], offset: int) -> ScoreList:
        plan = self._batch_plan()
        m, width = len(cands), len(self.leaves)
        ids: list[str] = []
        applied: list[date | None] = []
        buf = bytearray(m * width)  # 0 = CODE_REJECT: what an untouched leaf has
        plan.fill(cands, buf, width, ids, applied)
        # leaves x candidates, so that each leaf's codes are contiguous
        codes = np.frombuffer(buf, dtype=np.uint8).reshape(m, width).T.copy()
        assessed = {check.idx: list(map(check.candidate_value, cands)) for check in self.checks}
        hi, lo = np.zeros(m), np.zeros(m)
        inexact = np.zeros(m, dtype=bool)
        columns: list[npt.NDArray[np.float64]] = []
        sats = np.empty((len(self.rules), m), dtype=np.int8)  # requirements x candidates
        for r in range(len(self.rules)):
            sats[r], points = plan.rule_columns(r, codes, assessed)
            columns.append(points)
            hi, lo = _two_sum_step(hi, lo, points, inexact)
        undecided = np.count_nonzero(sats == UNDECIDED, axis=0)
        musts = sats[[r.idx for r in self.rules if r.must]]
        must_failed = np.count_nonzero(musts == NOT_MET, axis=0)
        must_undecided = np.count_nonzero(musts == UNDECIDED, axis=0)
        total = hi + lo
        for i in np.flatnonzero(inexact).tolist():  # rare: fall back to fsum on that row
            total[i] = math.fsum(float(col[i]) for col in columns)
        knocked = must_failed > 0
        review = ~knocked & (must_undecided > 0)
        if self.max_total > 0:
            normalised = _round6(100.0 * total / self.max_total)
        else:
            normalised = np.where(knocked | review, 0.0, 100.0)
        th = self.rs.thresholds
        qualified = ~knocked & ~review & (normalised >= th.qualified)
        shortlisted = qualified & (normalised >= th.shortlist)
        tier = np.where(knocked, 3, np.where(shortlisted, 0, np.where(qualified, 1, 2)))
        day_of: dict[date | None, int] = {d: d.toordinal() for d in set(applied) if d is not None}
        day_of[None] = _NO_DATE
        days = list(map(day_of.__getitem__, applied))
        summaries = zip(
            range(offset, offset + m),
            ids,
            applied,
            _round6(total).tolist(),
            normalised.tolist(),
            qualified.tolist(),
            shortlisted.tolist(),
            knocked.tolist(),
            review.tolist(),
            undecided.tolist(),
            tier.tolist(),
            days,
            strict=True,
        )
        result = ScoreList(map(_NEW_SUMMARY, summaries))
        result.keep_rank_keys(ids, tier, normalised, undecided, np.array(days, dtype=np.int64))
        return result

    # explained path -------------------------------------------------------------------------
    def explain(self, cand: CandidateEvidence) -> Evaluation:
        """Explained path: every requirement with its evidence, points and sentence."""
        creds = {c.credential_id: c for c in cand.credentials}
        results: list[RuleResult] = []
        points: list[float] = []
        must_failed = must_undecided = undecided = 0
        for rule in self.rules:
            (sat, fraction), condition = rule.node.explain(cand, creds)
            earned = rule.weight * fraction
            if fraction > 0:
                points.append(earned)
            undecided += sat == UNDECIDED
            if rule.must:
                must_failed += sat == NOT_MET
                must_undecided += sat == UNDECIDED
            results.append(self._rule_result(rule, sat, fraction, earned, condition))
        d = decide(points, self.max_total, must_failed, must_undecided, self.rs.thresholds)
        return Evaluation(
            candidate_id=cand.candidate_id,
            candidate_name=cand.name,
            requirement_set_id=self.rs.id,
            version=self.version,
            reference_date=self.reference_date,
            total=d.total,
            max_total=round(self.max_total, 6),
            normalised=d.normalised,
            qualified=d.qualified,
            shortlisted=d.shortlisted,
            knocked_out=d.knocked_out,
            needs_review=d.needs_review,
            not_evaluable=undecided,
            summary=explain.summary_sentence(
                d.knocked_out, d.needs_review, d.qualified, d.shortlisted, d.normalised, results
            ),
            rules=results,
        )

    def _rule_result(
        self, rule: CompiledRule, sat: int, fraction: float, earned: float, cond: ConditionResult
    ) -> RuleResult:
        outcome = outcome_of(sat, fraction)
        return RuleResult(
            rule_id=rule.req.id,
            label=rule.label,
            must=rule.must,
            outcome=outcome,
            points=round(earned, 6),
            max_points=rule.weight,
            fraction=fraction,
            sentence=explain.rule_sentence(
                rule.label,
                outcome,
                cond,
                knocked=rule.must and sat == NOT_MET,
                review=rule.must and sat == UNDECIDED,
            ),
            evidence=explain.flatten_evidence(cond),
            condition=cond,
        )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC (re-enabled afterwards only if it was enabled before)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _BatchPlan:
    """What the batch path needs, built on first use: code functions routed by evidence key,
    and per requirement its leaves and (satisfaction, points) tables over their codes."""

    _TABLE_LIMIT = 6
    """Requirements with more leaves than this get their tables from the codes present."""
    _INLINE_CLASSES = 4
    """How many distinct skill checks the evidence loop runs inline."""

    def __init__(self, cs: CompiledRequirementSet) -> None:
        self.cs = cs
        code_fns = [_identity_checked(leaf) for leaf in cs.leaves]
        self.values = [codegen.leaf_code_values(leaf) for leaf in cs.leaves]

        def route(index: dict[str, list[Leaf]]) -> dict[str, tuple[_CodeHit, ...]]:
            return {
                key: tuple((lf.idx, code_fns[lf.idx]) for lf in lv) for key, lv in index.items()
            }

        # skill checks that generate the same code with the same filters share an inline
        # class in the evidence loop (the most common few; the others stay calls)
        inline: dict[tuple[Any, ...], int] = {}
        bound: dict[str, Any] = {}
        bodies: list[list[str]] = []
        counts: dict[tuple[Any, ...], int] = {}
        keyed: dict[int, tuple[tuple[Any, ...], list[str], dict[str, Any]]] = {}
        for lf in cs.leaves:
            if lf.is_skill and lf.level is None and lf.result is None:
                body, names = codegen.leaf_body(lf, codes=True)
                key = (tuple(body), lf.filters, lf.reference)
                keyed[lf.idx] = (key, body, names)
                counts[key] = counts.get(key, 0) + 1
        for key in sorted(counts, key=lambda k: -counts[k])[: self._INLINE_CLASSES]:
            inline[key] = len(inline)
        first: dict[tuple[Any, ...], tuple[list[str], dict[str, Any]]] = {}
        for key, body, names in keyed.values():
            first.setdefault(key, (body, names))
        for key, cls in sorted(inline.items(), key=lambda item: item[1]):
            body, names = first[key]
            bodies.append(body)
            bound.update({f"{name}_{cls}": value for name, value in names.items()})

        def skill_class(lf: Leaf) -> int:
            found = keyed.get(lf.idx)
            return -1 if found is None else inline.get(found[0], -1)

        def skill_route(
            index: dict[str, list[Leaf]],
        ) -> dict[str, tuple[float, tuple[tuple[int, int, Any], ...]]]:
            return {
                key: (
                    min(lf.filters.min_confidence for lf in lv),
                    tuple((lf.idx, skill_class(lf), code_fns[lf.idx]) for lf in lv),
                )
                for key, lv in index.items()
            }

        self.fill = codegen.leaf_codes_function(
            {
                **bound,
                "INLINE": bodies,
                "BY_ACH": route(cs.by_achievement),
                "BY_ISS": route(cs.by_issuer),
                "SCAN": tuple((lf.idx, code_fns[lf.idx]) for lf in cs.scan),
                "BY_URI": skill_route(cs.by_uri),
                "BY_LABEL": skill_route(cs.by_label),
                "CRED_ID": attrgetter("credential_id"),
            }
        )
        self.rule_leaves = [
            [i for i, r in enumerate(cs.leaf_rule) if r == rule.idx] for rule in cs.rules
        ]
        n_leaves = len(cs.leaves)
        self.judged = [any(k >= n_leaves for k in leaves) for leaves in self.rule_leaves]
        """Per requirement: it holds a candidate-level condition (computed per candidate)."""
        self.tables: list[tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]] | None] = [
            self._tables(r, [p[::-1] for p in itertools.product(range(4), repeat=len(leaves))])
            if len(leaves) <= self._TABLE_LIMIT and not self.judged[r]
            else None
            for r, leaves in enumerate(self.rule_leaves)
        ]

    def _tables(
        self, r: int, combos: Sequence[Sequence[int]]
    ) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]]:
        """(satisfaction, points) of requirement ``r`` for each combination of leaf codes.

        Runs the fast path's own rule function; a combination is indexed by its codes read as
        base-4 digits, the first leaf lowest. Points are 0 when the fraction is not positive
        (the fast path leaves those out of the total)."""
        leaves, rule_value = self.rule_leaves[r], self.cs._rule_value[r]
        weight = self.cs._rule_weight[r]
        sats, points = [], []
        for combo in combos:
            best = {k: self.values[k][code] for k, code in zip(leaves, combo, strict=True)}
            sat, fraction = rule_value(best)
            sats.append(sat)
            points.append(weight * fraction if fraction > 0 else 0.0)
        return np.array(sats, dtype=np.int8), np.array(points, dtype=np.float64)

    def rule_columns(
        self, r: int, codes: npt.NDArray[np.uint8], assessed: dict[int, list[float]]
    ) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]]:
        """Satisfaction and points of requirement ``r`` for every candidate (a column of
        ``codes``, which is leaves x candidates; ``assessed`` holds the candidate-level
        conditions' values per slot)."""
        if self.judged[r]:
            return self._judged_columns(r, codes, assessed)
        leaves, tables = self.rule_leaves[r], self.tables[r]
        if tables is not None:
            if len(leaves) == 1:
                key: npt.NDArray[Any] = codes[leaves[0]]
            else:
                key = codes[leaves[0]].astype(np.intp)
                for j, k in enumerate(leaves[1:], start=1):
                    key |= codes[k].astype(np.intp) << (2 * j)
            return tables[0][key], tables[1][key]
        present, inverse = np.unique(codes[leaves].T, axis=0, return_inverse=True)
        sats, points = self._tables(r, present.tolist())
        inverse = inverse.reshape(-1)
        return sats[inverse], points[inverse]

    def _judged_columns(
        self, r: int, codes: npt.NDArray[np.uint8], assessed: dict[int, list[float]]
    ) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float64]]:
        """A requirement with a candidate-level condition, one candidate at a time: its
        values are any fraction, not one of four codes, so there is no table to look up."""
        leaves, rule_value = self.rule_leaves[r], self.cs._rule_value[r]
        weight = self.cs._rule_weight[r]
        width = len(self.cs.leaves)
        columns = [
            assessed[k] if k >= width else [self.values[k][code] for code in codes[k].tolist()]
            for k in leaves
        ]
        sats, points = [], []
        for row in zip(*columns, strict=True):
            sat, fraction = rule_value(dict(zip(leaves, row, strict=True)))
            sats.append(sat)
            points.append(weight * fraction if fraction > 0 else 0.0)
        return np.array(sats, dtype=np.int8), np.array(points, dtype=np.float64)


_CodeHit = tuple[int, Callable[[Any, Any], float]]


def _identity_checked(leaf: Leaf) -> Callable[[Any, Any], float]:
    """The leaf's code function; for credentials the index key alone does not prove a match
    (issuer besides achievement, name pattern, or no key), it first checks the identity. A
    credential that is not a match yields CODE_REJECT, which is the untouched leaf's code."""
    code_of = codegen.leaf_value_function(leaf, codes=True)
    if leaf.is_skill:
        return code_of
    routed_alone = leaf.name_re is None and (
        (leaf.achievement_id is not None and leaf.issuer_id is None)
        or (leaf.achievement_id is None and leaf.issuer_id is not None)
    )
    if routed_alone:
        return code_of
    matches = leaf.is_credential_match
    return lambda c, s: code_of(c, s) if matches(c) else codegen.CODE_REJECT


def _two_sum_step(
    hi: npt.NDArray[np.float64],
    lo: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    inexact: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Add ``x`` to the exact running sum ``hi + lo`` (Knuth's TwoSum, error-free).

    ``hi`` takes the rounded sum and ``lo`` the rounding errors; when adding an error to
    ``lo`` is itself inexact the row is flagged. For unflagged rows ``hi + lo`` is exactly the
    sum of the terms, so the float ``hi + lo`` is the correctly rounded sum - which is what
    ``math.fsum`` returns. Flagged rows are recomputed with ``math.fsum``."""
    s = hi + x
    b = s - hi
    err = (hi - (s - b)) + (x - b)
    s2 = lo + err
    b2 = s2 - lo
    inexact |= ((lo - (s2 - b2)) + (err - b2)) != 0
    return s, s2


def _round6(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``round(v, 6)`` for each value, bit-identical to Python's correctly rounded ``round``.

    ``rint(v * 1e6) / 1e6`` is the float nearest to k / 10**6 where k is ``v * 1e6`` rounded to
    an integer - what Python returns - unless the product's rounding error moved it across a
    half-way point; values that close to a tie (or too large) are rounded by Python instead."""
    y = x * 1e6
    out: npt.NDArray[np.float64] = np.rint(y) / 1e6
    near_tie = np.abs(y - np.floor(y) - 0.5) <= 1e-6
    doubtful = near_tie | ~(np.abs(y) < 2.0**32)
    for i in np.flatnonzero(doubtful).tolist():
        out[i] = round(float(x[i]), 6)
    return out


_NEW_SUMMARY: Callable[[tuple[Any, ...]], ScoreSummary] = partial(_new_tuple, ScoreSummary)


def _offer(
    best: dict[int, float], leaves: list[Leaf], c: CredentialEvidence, s: SkillEvidence | None
) -> None:
    """Let each leaf assess one credential and keep the best value per leaf."""
    for leaf in leaves:
        if leaf.is_credential_match(c):
            value = leaf.value(c, s)
            if value > best.get(leaf.idx, -2.0):
                best[leaf.idx] = value


def compile_requirement_set(
    rs: RequirementSet,
    reference_date: date,
    *,
    version: int | None = None,
    narrower: Narrower | None = None,
    resolve_label: LabelResolver | None = None,
    context: CompileContext | None = None,
) -> CompiledRequirementSet:
    """Compile once per (requirement set version, reference date); reuse for every candidate.

    ``narrower(uri)`` lists a skill's narrower skills (used by ``include_narrower``);
    ``resolve_label(label)`` maps a skill label to its URI. Both come from the taxonomy and are
    optional: without them a label matches evidence labels case-insensitively. ``context``
    holds the organisation's pathways and skill families for ``stack`` and ``focus``.
    """
    return CompiledRequirementSet(
        rs,
        reference_date,
        version=version,
        narrower=narrower,
        resolve_label=resolve_label,
        context=context,
    )


def evaluate(
    rs: RequirementSet,
    candidate: CandidateEvidence,
    reference_date: date,
    *,
    version: int | None = None,
    narrower: Narrower | None = None,
    resolve_label: LabelResolver | None = None,
    context: CompileContext | None = None,
) -> Evaluation:
    """Explain one candidate against a requirement set (compiles the set; fine for one-offs)."""
    compiled = compile_requirement_set(
        rs,
        reference_date,
        version=version,
        narrower=narrower,
        resolve_label=resolve_label,
        context=context,
    )
    return compiled.explain(candidate)
