"""The compiled condition tree: leaves, candidate-level checks and groups.

Each node gives its (satisfaction, fraction) two ways: ``value`` from the best evidence value
per leaf slot (the per-candidate score), and ``explain`` with every piece of evidence it looked
at (the oracle). Both use the combination functions of :mod:`rules.combine`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, cast

from rules import explain
from rules.candidate_level import CandidateLevelCheck, ValueOnlyCheck
from rules.combine import (
    MET,
    NOT_MET,
    UNDECIDED,
    combine_all,
    combine_any,
    combine_at_least,
    outcome_of,
    state_of,
)
from rules.inputs import CandidateEvidence, CredentialEvidence
from rules.leaf import PENDING, REJECT, Leaf
from rules.reference import ReferenceDate
from rules.results import ConditionResult, EvidenceItem

State = tuple[int, float]


class CNode:
    """A compiled condition."""

    kind: str
    label: str

    def value(self, best: dict[int, float]) -> State:
        raise NotImplementedError

    def explain(
        self,
        cand: CandidateEvidence,
        creds: dict[str, CredentialEvidence],
        reference: ReferenceDate,
    ) -> tuple[State, ConditionResult]:
        raise NotImplementedError


class LeafNode(CNode):
    def __init__(self, leaf: Leaf) -> None:
        self.leaf, self.label, self.idx = leaf, leaf.label, leaf.idx
        self.kind = "skill" if leaf.is_skill else "credential"

    def value(self, best: dict[int, float]) -> State:
        v = best.get(self.idx, REJECT)
        return (MET, v) if v > 0 else (UNDECIDED, 0.0) if v == PENDING else (NOT_MET, 0.0)

    def explain(
        self,
        cand: CandidateEvidence,
        creds: dict[str, CredentialEvidence],
        reference: ReferenceDate,
    ) -> tuple[State, ConditionResult]:
        found = leaf_evidence(self.leaf, cand, creds, reference)
        best = max((value for value, _ in found), default=REJECT)
        state = state_of(best)
        result = ConditionResult(
            kind="skill" if self.leaf.is_skill else "credential",
            label=self.label,
            outcome=outcome_of(*state),
            fraction=state[1],
            evidence=[item for _, item in found],
        )
        return state, result


class CheckNode(LeafNode):
    """A condition judged on the whole candidate (``stack``, ``focus``): its value takes a
    leaf slot, filled once per candidate from the same :meth:`CandidateLevelCheck.assess`."""

    def __init__(self, check: CandidateLevelCheck, label: str) -> None:
        self.check, self.label, self.kind = check, label, check.kind
        self.idx = -1
        """Its slot, after every leaf's (set when the set's compilation is done)."""
        value_only = check.value if isinstance(check, ValueOnlyCheck) else None
        self.candidate_value: Callable[[CandidateEvidence, date], float] = (
            value_only
            if value_only is not None
            else lambda cand, reference: check.assess(cand, reference).value
        )
        """The value alone (equal to ``assess(...).value``)."""

    def explain(
        self,
        cand: CandidateEvidence,
        creds: dict[str, CredentialEvidence],
        reference: ReferenceDate,
    ) -> tuple[State, ConditionResult]:
        found = self.check.assess(cand, reference.day)
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

    def combine(self, parts: Sequence[State]) -> State:
        if self.kind == "all_of":
            return combine_all(parts)
        if self.kind == "any_of":
            return combine_any(parts)
        assert self.n is not None
        return combine_at_least(self.n, parts)

    def value(self, best: dict[int, float]) -> State:
        return self.combine([p.value(best) for p in self.parts])

    def explain(
        self,
        cand: CandidateEvidence,
        creds: dict[str, CredentialEvidence],
        reference: ReferenceDate,
    ) -> tuple[State, ConditionResult]:
        done = [p.explain(cand, creds, reference) for p in self.parts]
        state = self.combine([d[0] for d in done])
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
    leaf: Leaf,
    cand: CandidateEvidence,
    creds: dict[str, CredentialEvidence],
    reference: ReferenceDate,
) -> list[tuple[float, EvidenceItem]]:
    """Every piece of the candidate's evidence this leaf is about, with its value and finding."""
    items: list[tuple[float, EvidenceItem]] = []
    if leaf.is_skill:
        for s in cand.skills:
            if leaf.is_skill_match(s):
                c = creds.get(s.credential_id) if s.credential_id else None
                value, reason = leaf.assess(c, s, reference.day)
                item = explain.evidence_item(leaf, c, s, value, reason, *_dated(reference))
                items.append((value, item))
    else:
        for c in cand.credentials:
            if leaf.is_credential_match(c):
                value, reason = leaf.assess(c, None, reference.day)
                item = explain.evidence_item(leaf, c, None, value, reason, *_dated(reference))
                items.append((value, item))
    return items


def _dated(reference: ReferenceDate) -> tuple[date, str]:
    return reference.day, reference.basis
