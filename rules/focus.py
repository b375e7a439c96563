"""The ``focus`` condition: depth over breadth.

``focus: {min_related: 3, progressive: true, within_years: 5}`` counts the candidate's
credentials that fall within the role's skill families - a credential is related when a skill
mapped from it, or an OB alignment it states, is one of the role's skills or shares an ESCO
skill group with them (``CompileContext.skill_families``) - and that a credential condition with
the same filters would count. ``progressive`` asks that they build on each other: a higher level
(pathway step, or credential level on ``levels``) issued no earlier than a lower one, or a CLR
``precedes`` link between two of them. Three related credentials that build on each other prove
more than fifteen scattered ones, and the explanation says so.

The value is on the leaf scale: 1 when the fully verified related credentials suffice, the
indeterminate credit when discounted ones are needed, 0 when undecided ones could make it, else
-1. Adding a credential can only add to these sets, so it never lowers the value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rules.acceptance import AcceptPolicy
from rules.candidate_level import CandidateAssessment, CompileContext
from rules.inputs import CandidateEvidence, CredentialEvidence
from rules.record_check import CredentialJudge, Judged, aliases
from rules.schema import EvidenceFilters, FocusNode
from rules.stacks import pathway_from

REJECT, PENDING = -1.0, 0.0
HISTORY_COUNTS = EvidenceFilters(
    still_valid=False, accept=AcceptPolicy(validity=["current", "expired"])
)
"""A track's history is depth: an expired credential still shows the step it took (a revoked
or suspended one does not). Set ``still_valid`` or ``accept.validity`` on the focus or its
requirement to differ; only the set's defaults come after this."""


@dataclass(frozen=True, slots=True)
class Progression:
    """The pair that shows the related credentials build on each other."""

    start: Judged
    end: Judged
    words: str
    """e.g. ``from Foundational to Professional``."""


class FocusCondition:
    """A compiled ``focus`` condition (a :class:`rules.candidate_level.CandidateLevelCheck`)."""

    kind = "focus"

    def __init__(self, node: FocusNode, context: CompileContext) -> None:
        spec = node.focus
        self.min_related, self.progressive = spec.min_related, spec.progressive
        recency = (
            EvidenceFilters(issued_within=f"{spec.within_years} years")
            if spec.within_years
            else None
        )
        # the set's defaults (the last layer) yield to HISTORY_COUNTS; the requirement's do not
        layers = [*context.layers[:-1], HISTORY_COUNTS, *context.layers[-1:]]
        self.judge = CredentialJudge([spec, recency, *layers])
        self.families = _role_families(spec.families, context)
        self.skill_families = context.skill_families
        self._known: dict[str, bool] = {}
        self.pathway = pathway_from(context, spec.pathway) if spec.pathway else None
        self.scale = {lv.casefold(): i for i, lv in enumerate(spec.levels)} if spec.levels else None
        building = ", building on each other" if spec.progressive else ""
        recent = f" (last {spec.within_years} years)" if spec.within_years else ""
        self.label = f"{spec.min_related} related credentials{building}{recent}"

    # relatedness ------------------------------------------------------------------------------
    def _is_related(self, uri: str) -> bool:
        """Whether a skill or alignment URI is within the role's families (memoised: the same
        few hundred URIs recur across candidates)."""
        found = self._known.get(uri)
        if found is None:
            found = uri in self.families or not self.families.isdisjoint(
                self.skill_families.get(uri, frozenset())
            )
            self._known[uri] = found
        return found

    def related_credentials(
        self, candidate: CandidateEvidence, min_confidence: float
    ) -> tuple[list[CredentialEvidence], list[CredentialEvidence]]:
        """(related, unrelated), each sorted by credential id."""
        is_related = self._is_related
        shown = {
            s.credential_id
            for s in candidate.skills
            if s.credential_id and s.confidence >= min_confidence and is_related(s.skill_uri)
        }
        related: list[CredentialEvidence] = []
        unrelated: list[CredentialEvidence] = []
        for c in sorted(candidate.credentials, key=lambda c: c.credential_id):
            hit = c.credential_id in shown or any(map(is_related, c.alignments))
            (related if hit else unrelated).append(c)
        return related, unrelated

    # progression ------------------------------------------------------------------------------
    def _rank(self, j: Judged, ids: frozenset[str]) -> tuple[float, str] | None:
        """Where the credential stands (higher = more advanced) and its name for that."""
        if self.pathway is not None:
            levels = self.pathway.levels_of(j, ids)
            if levels:
                return float(max(levels)), self.pathway.level_labels[max(levels) - 1]
        level = j.credential.level
        if level is None:
            return None
        if self.scale is not None:
            found = self.scale.get(level.strip().casefold())
            return None if found is None else (float(found), level)
        try:
            return float(level), f"level {level}"
        except ValueError:
            return None

    def progression(
        self, chosen: Sequence[Judged], candidate: CandidateEvidence
    ) -> Progression | None:
        """The widest step up among ``chosen`` (first by credential id on ties), if any."""
        known = aliases(candidate)
        ids = {
            j.credential.credential_id: known.get(j.credential.credential_id, frozenset())
            for j in chosen
        }
        ranked = [(j, r) for j in chosen if (r := self._rank(j, ids[j.credential.credential_id]))]
        return _widest_step(ranked) or _precedes_link(chosen, ids, candidate)

    def _enough(self, chosen: list[Judged], candidate: CandidateEvidence) -> bool:
        if len(chosen) < self.min_related:
            return False
        return not self.progressive or self.progression(chosen, candidate) is not None

    # assessment -------------------------------------------------------------------------------
    def _decide(
        self, candidate: CandidateEvidence, reference: date, explained: bool
    ) -> tuple[float, list[Judged], list[Judged], list[Judged]]:
        """(value, the credentials that decided it, related, unrelated)."""
        leaf = self.judge.leaf
        near, far = self.related_credentials(candidate, leaf.filters.min_confidence)
        related = self.judge.judge(near, reference, explained)
        # the unrelated are judged only to be shown; they never count
        unrelated = self.judge.judge(far, reference) if explained else []
        full = [j for j in related if j.value >= 1.0]
        counted = [j for j in related if j.value > 0]
        possible = [j for j in related if j.value >= 0]
        for level_value, group in (
            (1.0, full),
            (1.0 - leaf.filters.penalty, counted),
            (PENDING, possible),
        ):
            if self._enough(group, candidate):
                return level_value, group, related, unrelated
        return REJECT, counted, related, unrelated

    def value(self, candidate: CandidateEvidence, reference: date) -> float:
        return self._decide(candidate, reference, explained=False)[0]

    def assess(self, candidate: CandidateEvidence, reference: date) -> CandidateAssessment:
        value, chosen, related, unrelated = self._decide(candidate, reference, explained=True)
        items = [j.item for j in related if j.item is not None] + [
            j.item.model_copy(
                update={
                    "check": "unrelated",
                    "accepted": False,
                    "value": REJECT,
                    "note": f"'{_title(j)}' is outside the role's skill families: not counted",
                }
            )
            for j in unrelated
            if j.item is not None
        ]
        return CandidateAssessment(
            value=value,
            evidence=tuple(items),
            reason=self._reason(value, chosen, related, unrelated, candidate),
        )

    def _reason(
        self,
        value: float,
        chosen: list[Judged],
        related: list[Judged],
        unrelated: list[Judged],
        candidate: CandidateEvidence,
    ) -> str:
        counted = [j for j in related if j.value > 0]
        n = len(counted)
        head = f"{n} related credential{'s' if n != 1 else ''}"
        step = self.progression(counted, candidate) if counted else None
        if step is not None:
            head += f" building {step.words}"
        elif self.progressive and n > 1:
            head += " that do not build on each other"
        elif self.progressive and n == 1:
            head += ", nothing to build on"
        parts = [head]
        if value == PENDING:
            parts.append(f"{len(chosen) - n} more could count once verified")
        elif value == REJECT:
            parts.append(
                f"{self.min_related} needed" + (", progressing" if self.progressive else "")
            )
        dropped = [j for j in related if j.value <= 0 and j not in chosen]
        if dropped:
            why = ", ".join(sorted({j.reason.replace("_", " ") for j in dropped}))
            parts.append(f"{len(dropped)} related not counted ({why})")
        if unrelated:
            parts.append(f"{len(unrelated)} unrelated not counted")
        return "; ".join(parts)


def _widest_step(ranked: list[tuple[Judged, tuple[float, str]]]) -> Progression | None:
    """The pair with the biggest rise in rank, the higher issued no earlier than the lower."""
    best: tuple[float, Progression] | None = None
    for a, (ra, name_a) in ranked:
        for b, (rb, name_b) in ranked:
            day_a, day_b = a.credential.issued_at, b.credential.issued_at
            rises = rb > ra and day_a is not None and day_b is not None and day_a <= day_b
            if rises and (best is None or rb - ra > best[0]):
                best = (rb - ra, Progression(a, b, f"from {name_a} to {name_b}"))
    return best[1] if best is not None else None


def _precedes_link(
    chosen: Sequence[Judged], ids: dict[str, frozenset[str]], candidate: CandidateEvidence
) -> Progression | None:
    """Two of the chosen credentials joined by a CLR ``precedes`` association."""
    for link in sorted(candidate.associations, key=lambda a: (a.source, a.target)):
        if link.kind != "precedes":
            continue
        for a in chosen:
            for b in chosen:
                a_id, b_id = a.credential.credential_id, b.credential.credential_id
                if a_id != b_id and link.source in ids[a_id] and link.target in ids[b_id]:
                    return Progression(a, b, f"from '{_title(a)}' on to '{_title(b)}'")
    return None


def _role_families(families: list[str] | None, context: CompileContext) -> frozenset[str]:
    """What makes a credential related: the explicit families, else the role's skills and
    the skill groups they fall under."""
    if families:
        return frozenset(families)
    groups: set[str] = set(context.role_skills)
    for uri in context.role_skills:
        groups |= context.skill_families.get(uri, frozenset())
    return frozenset(groups)


def _title(j: Judged) -> str:
    c = j.credential
    return c.achievement_name or c.achievement_id or c.credential_id


def compile_focus(node: FocusNode, context: CompileContext) -> FocusCondition:
    return FocusCondition(node, context)
