"""The ``stack`` condition: a credential at or above a pathway level, or every part of one.

``stack: {pathway: aws, min_level: 2}`` is met by any credential of level 2 or higher of the
``aws`` pathway, or by holding every part that composes such a level (the employer's ``parts``
of the level, or the parts CLR associations state): a completed stack counts as the larger
qualification it composes. Its value is the best held level's at or above the minimum, on the
leaf scale, so the explained and the fast paths read the same number.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rules.candidate_level import CandidateAssessment, CompileContext
from rules.inputs import CandidateEvidence
from rules.pathways import REJECT, CompiledPathway, Holding
from rules.record_check import CredentialJudge, Judged, aliases
from rules.schema import Pathway, StackNode


def pathway_from(context: CompileContext, pathway_id: str) -> CompiledPathway:
    """The named pathway of the context (a schema Pathway or its plain-data form)."""
    found = context.pathways.get(pathway_id)
    if found is None:
        raise ValueError(f"unknown pathway {pathway_id!r}")
    return CompiledPathway(found if isinstance(found, Pathway) else Pathway.model_validate(found))


class StackCondition:
    """A compiled ``stack`` condition (a :class:`rules.candidate_level.CandidateLevelCheck`)."""

    kind = "stack"

    def __init__(self, node: StackNode, context: CompileContext) -> None:
        self.pathway = pathway_from(context, node.stack.pathway)
        minimum = self.pathway.source.level_number(node.stack.min_level)
        if minimum is None:
            raise ValueError(f"pathway {self.pathway.id!r} has no level {node.stack.min_level!r}")
        self.minimum = minimum
        above = " or above" if minimum < len(self.pathway.level_labels) else ""
        self.label = f"{self.pathway.label}: {self.pathway.level_name(minimum)}{above}"
        self.judge = CredentialJudge([node.stack, *context.layers])

    def value(self, candidate: CandidateEvidence, reference: date) -> float:
        known = aliases(candidate)
        track = self.pathway.on_track(candidate, known)
        if not track:
            return REJECT
        judged = self.judge.judge(track, reference, explained=False)
        holdings = self.pathway.holdings(judged, known, candidate)
        return max(h.value for h in holdings[self.minimum - 1 :])

    def assess(self, candidate: CandidateEvidence, reference: date) -> CandidateAssessment:
        known = aliases(candidate)
        judged = self.judge.judge(self.pathway.on_track(candidate, known), reference)
        holdings = self.pathway.holdings(judged, known, candidate)
        wanted = holdings[self.minimum - 1 :]
        best = max(wanted, key=lambda h: (h.value, h.number))
        on_track = sorted(judged, key=lambda j: j.credential.credential_id)
        return CandidateAssessment(
            value=best.value,
            evidence=tuple(j.item for j in on_track if j.item is not None),
            reason=self._reason(best, holdings, on_track),
        )

    def _reason(self, best: Holding, holdings: Sequence[Holding], on_track: list[Judged]) -> str:
        name = self.pathway.level_name
        if best.value > REJECT:
            shown = ", ".join(f"'{_title(j)}'" for j in best.shown_by)
            how = f"completed from its parts {shown}" if best.composed else f"shown by {shown}"
            state = "held" if best.value > 0 else "claimed but not yet decided"
            return f"{name(best.number)} of {self.pathway.label} {state}, {how}"
        below = [h for h in holdings[: self.minimum - 1] if h.value > 0]
        needed = name(self.minimum)
        if below:
            top = below[-1]
            return f"highest level held is {name(top.number)}; {needed} or above is needed"
        if on_track:
            return (
                f"{len(on_track)} credential(s) on {self.pathway.label} considered, none counts; "
                f"{needed} or above is needed"
            )
        return f"no credential on {self.pathway.label}; {needed} or above is needed"


def _title(j: Judged) -> str:
    c = j.credential
    return c.achievement_name or c.achievement_id or c.credential_id


def compile_stack(node: StackNode, context: CompileContext) -> StackCondition:
    return StackCondition(node, context)
