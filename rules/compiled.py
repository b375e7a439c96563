"""A requirement set compiled once and used for many candidates.

``compile_requirement_set`` resolves inherited filters, expands narrower skills, builds the
condition tree (:mod:`rules.conditions`) and indexes its leaves by evidence key. The compiled
set then evaluates candidates three ways, all giving the same numbers (tested properties):

* :meth:`CompiledRequirementSet.explain` - the oracle: every requirement, every piece of
  evidence considered and why, a sentence per requirement, as an :class:`Evaluation`;
* :meth:`CompiledRequirementSet.score` - one candidate, without explanations;
* :meth:`CompiledRequirementSet.score_all` - many candidates at once through the columnar
  evaluator (:mod:`rules.columnar`): an evidence table, numpy masks and reductions.

Each candidate is measured from their own reference date (:mod:`rules.reference`): the
application date when set, else the ``as_of`` date the set is compiled with.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date

from rules import explain
from rules.candidate_checks import compile_candidate_check, is_candidate_level
from rules.candidate_level import CompileContext
from rules.columnar.engine import ColumnarPlan
from rules.columnar.table import build_table
from rules.combine import NOT_MET, UNDECIDED, decide, outcome_of
from rules.conditions import CheckNode, CNode, GroupNode, LeafNode
from rules.filters import resolve_filters
from rules.inputs import CandidateEvidence
from rules.leaf import Leaf
from rules.reference import ReferenceDate, reference_of
from rules.results import ConditionResult, Evaluation, RuleResult
from rules.schema import (
    AllOfNode,
    AnyNode,
    AnyOfNode,
    AnyRequirement,
    AtLeastNode,
    CredentialNode,
    EvidenceFilters,
    RequirementSet,
    SkillCheck,
    SkillNode,
    walk,
)
from rules.summary import NO_DATE, ScoreList, ScoreSummary

Narrower = Callable[[str], Iterable[str]]
LabelResolver = Callable[[str], "str | None"]


class CompiledRule:
    __slots__ = ("idx", "label", "must", "node", "req", "weight")

    def __init__(self, idx: int, req: AnyRequirement, node: CNode) -> None:
        self.idx, self.req, self.node = idx, req, node
        self.must, self.weight = req.must, float(req.weight)
        self.label = req.label or node.label


class CompiledRequirementSet:
    """A requirement set ready to score many candidates (``reference_date`` is the as-of date
    for candidates without an application date)."""

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
        self.rules: list[CompiledRule] = []
        self.checks: list[CheckNode] = []
        """Candidate-level conditions; their slots follow the leaves'."""
        self._context = self._base_context(context or CompileContext())
        for req in rs.requirements:
            node = self._compile(req, [req.filters, rs.defaults])
            self.rules.append(CompiledRule(len(self.rules), req, node))
        for slot, check in enumerate(self.checks, start=len(self.leaves)):
            check.idx = slot
        self.max_total = math.fsum(r.weight for r in self.rules)
        self._index()
        self._plan: ColumnarPlan | None = None

    # compilation ----------------------------------------------------------------------------
    def _compile(self, node: AnyNode, layers: list[EvidenceFilters | None]) -> CNode:
        if is_candidate_level(node):
            judged = compile_candidate_check(node, replace(self._context, layers=tuple(layers)))
            cnode = CheckNode(judged, node.label or judged.label)
            self.checks.append(cnode)
            return cnode
        if isinstance(node, SkillNode | CredentialNode):
            check = node.skill if isinstance(node, SkillNode) else node.credential
            leaf = Leaf(
                len(self.leaves),
                check,
                resolve_filters([check, *layers]),
                self._uris(check) if isinstance(check, SkillCheck) else frozenset(),
                node.label or explain.check_label(check),
            )
            self.leaves.append(leaf)
            return LeafNode(leaf)
        if isinstance(node, AllOfNode):
            kind, parts, n = "all_of", node.all_of, None
        elif isinstance(node, AnyOfNode):
            kind, parts, n = "any_of", node.any_of, None
        else:
            assert isinstance(node, AtLeastNode)
            kind, parts, n = "at_least", node.at_least.of, node.at_least.n
        compiled = [self._compile(p, layers) for p in parts]
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
        """Route evidence keys to leaves for the per-candidate score."""
        self.by_uri: dict[str, list[Leaf]] = {}
        self.by_label: dict[str, list[Leaf]] = {}
        self.credential_leaves = [leaf for leaf in self.leaves if not leaf.is_skill]
        for leaf in self.leaves:
            if leaf.is_skill:
                for uri in leaf.uris:
                    self.by_uri.setdefault(uri, []).append(leaf)
                if leaf.skill_label is not None:
                    self.by_label.setdefault(leaf.skill_label, []).append(leaf)

    def reference_for(self, candidate: CandidateEvidence) -> ReferenceDate:
        """The date this candidate's evidence is measured from."""
        return reference_of(candidate, self.reference_date)

    # one candidate, no explanations ---------------------------------------------------------
    def leaf_values(self, cand: CandidateEvidence, reference: date) -> dict[int, float]:
        """Best evidence value per leaf slot, for the leaves some evidence touched."""
        best: dict[int, float] = {}
        for c in cand.credentials:
            for leaf in self.credential_leaves:
                if leaf.is_credential_match(c):
                    value = leaf.value(c, None, reference)
                    if value > best.get(leaf.idx, -2.0):
                        best[leaf.idx] = value
        creds = {c.credential_id: c for c in cand.credentials}
        for s in cand.skills:
            leaves = list(self.by_uri.get(s.skill_uri, ()))
            if self.by_label and s.label:
                leaves += [
                    lf for lf in self.by_label.get(s.label.casefold(), ()) if lf not in leaves
                ]
            proof = creds.get(s.credential_id) if s.credential_id else None
            for leaf in leaves:
                value = leaf.value(proof, s, reference)
                if value > best.get(leaf.idx, -2.0):
                    best[leaf.idx] = value
        for check in self.checks:
            best[check.idx] = check.candidate_value(cand, reference)
        return best

    def score(self, cand: CandidateEvidence, position: int = 0) -> ScoreSummary:
        """One candidate's score and flags, without explanations."""
        best = self.leaf_values(cand, self.reference_for(cand).day)
        points: list[float] = []
        must_failed = must_undecided = undecided = 0
        for rule in self.rules:
            sat, fraction = rule.node.value(best)
            if fraction > 0:
                points.append(rule.weight * fraction)
            undecided += sat == UNDECIDED
            if rule.must:
                must_failed += sat == NOT_MET
                must_undecided += sat == UNDECIDED
        d = decide(points, self.max_total, must_failed, must_undecided, self.rs.thresholds)
        tier = 3 if d.knocked_out else 0 if d.shortlisted else 1 if d.qualified else 2
        applied = cand.applied_at
        day = applied.toordinal() if applied is not None else NO_DATE
        return ScoreSummary(position, cand.candidate_id, applied, *d, undecided, tier, day)

    # many candidates: the columnar evaluator ------------------------------------------------
    def columnar(self) -> ColumnarPlan:
        """The set compiled into array operations (built on first use)."""
        if self._plan is None:
            self._plan = ColumnarPlan(
                self.leaves,
                self.checks,
                [(r.node, r.weight, r.must) for r in self.rules],
                self.max_total,
                self.rs.thresholds,
                self.reference_date,
            )
        return self._plan

    def score_all(self, candidates: Sequence[CandidateEvidence]) -> ScoreList:
        """Every candidate's summary, in input order (rank with :func:`rules.ranking.rank`,
        which reuses the order the columnar evaluator computed)."""
        return self.score_range(candidates, 0, len(candidates))

    def score_range(
        self, candidates: Sequence[CandidateEvidence], start: int, stop: int
    ) -> ScoreList:
        """Score ``candidates[start:stop]`` keeping their positions in the full list."""
        stop = max(start, min(stop, len(candidates)))
        chosen = candidates[start:stop]
        scores = self.columnar().evaluate(build_table(chosen))
        return scores.summaries(chosen, offset=start)

    # explained path -------------------------------------------------------------------------
    def explain(self, cand: CandidateEvidence) -> Evaluation:
        """The oracle: every requirement with its evidence, points and sentence."""
        reference = self.reference_for(cand)
        creds = {c.credential_id: c for c in cand.credentials}
        results: list[RuleResult] = []
        points: list[float] = []
        must_failed = must_undecided = undecided = 0
        for rule in self.rules:
            (sat, fraction), condition = rule.node.explain(cand, creds, reference)
            earned = rule.weight * fraction
            if fraction > 0:
                points.append(earned)
            undecided += sat == UNDECIDED
            if rule.must:
                must_failed += sat == NOT_MET
                must_undecided += sat == UNDECIDED
            results.append(self._rule_result(rule, sat, fraction, earned, condition))
        d = decide(points, self.max_total, must_failed, must_undecided, self.rs.thresholds)
        verdict = explain.summary_sentence(
            d.knocked_out, d.needs_review, d.qualified, d.shortlisted, d.normalised, results
        )
        return Evaluation(
            candidate_id=cand.candidate_id,
            candidate_name=cand.name,
            requirement_set_id=self.rs.id,
            version=self.version,
            reference_date=reference.day,
            reference_basis=reference.basis,
            total=d.total,
            max_total=round(self.max_total, 6),
            normalised=d.normalised,
            qualified=d.qualified,
            shortlisted=d.shortlisted,
            knocked_out=d.knocked_out,
            needs_review=d.needs_review,
            not_evaluable=undecided,
            summary=f"{verdict} {explain.reference_sentence(reference.day, reference.basis)}",
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


def compile_requirement_set(
    rs: RequirementSet,
    reference_date: date,
    *,
    version: int | None = None,
    narrower: Narrower | None = None,
    resolve_label: LabelResolver | None = None,
    context: CompileContext | None = None,
) -> CompiledRequirementSet:
    """Compile once per (requirement set version, as-of date); reuse for every candidate.

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
