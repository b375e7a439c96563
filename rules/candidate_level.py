"""Conditions judged on a candidate's whole record rather than on one piece of evidence.

What: a ``stack`` (holds a pathway's level N, or every part that composes it) or a ``focus``
(how many genuine credentials fall within the role's skill families, whether they progress)
cannot be answered credential by credential the way a ``skill`` or ``credential`` leaf is: they
look at how the candidate's credentials relate to each other. A schema node of such a kind
is compiled (``rules.candidate_checks``) into a :class:`CandidateLevelCheck`, which
every evaluation path (the explained oracle and the fast ranking path) calls once per candidate.

Why a protocol of its own: the evaluators stay ignorant of what a stack or a focus is; a new
candidate-level condition is added to ``rules.candidate_checks`` without touching them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from rules.inputs import CandidateEvidence
from rules.results import EvidenceItem

if TYPE_CHECKING:
    from rules.schema import EvidenceFilters


@dataclass(frozen=True)
class CandidateAssessment:
    """What a candidate-level condition found for one candidate."""

    value: float
    """Like a leaf's best value: 1 met, 0 < v < 1 partly met (the fraction), 0 undecided
    (needs review), -1 unmet."""
    evidence: tuple[EvidenceItem, ...]
    """The credentials it counted and those it did not, each with its reason."""
    reason: str
    """One sentence a recruiter understands, e.g. "3 related credentials building from
    foundation to advanced; 9 unrelated not counted"."""


@runtime_checkable
class CandidateLevelCheck(Protocol):
    """A compiled candidate-level condition. Must be pure and deterministic: adding evidence
    never lowers its value, and the order of credentials never matters."""

    kind: str
    """The condition's key in the requirement set (``stack``, ``focus``)."""
    label: str
    """What recruiters see for the condition."""

    def assess(self, candidate: CandidateEvidence, reference: date) -> CandidateAssessment: ...


@runtime_checkable
class ValueOnlyCheck(Protocol):
    """A candidate-level check that can also give its value alone, without building the
    evidence and the sentence; the fast and batch paths call it when it is there. Must equal
    ``assess(candidate, reference).value``."""

    def value(self, candidate: CandidateEvidence, reference: date) -> float: ...


@dataclass(frozen=True)
class CompileContext:
    """Organisation data a requirement set refers to by id (an employer's pathways, the skill
    families of the taxonomy), handed to compilation. Evaluators pass it through unread; the
    candidate-level conditions own what its fields hold."""

    pathways: Mapping[str, object] = field(default_factory=dict)
    skill_families: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Skill URI -> the ESCO skill-family URIs it falls under."""
    layers: tuple[EvidenceFilters | None, ...] = ()
    """The evidence filters of the levels enclosing the condition (its requirement's, then
    the set's defaults): a candidate-level condition judges credentials like a leaf does.
    Set by the evaluator for each condition."""
    role_skills: frozenset[str] = frozenset()
    """The skill URIs the set's skill conditions ask for (narrower ones included); what a
    ``focus`` without explicit families measures against. Set by the evaluator."""
