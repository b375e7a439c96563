"""Employer pathways compiled: which level of a track each credential is, and which levels a
candidate holds - directly, or by holding every part that composes one.

What: a :class:`~rules.schema.Pathway` lists levels lowest first; each level is any of its
``achievements``, or all of its ``parts`` together. CLR 2.0 associations add parts the issuer
states: ``A isChildOf T``, ``A isPartOf T`` and ``T isParentOf A`` make ``A`` a part of ``T``,
so holding every stated part of a level's achievement ``T`` counts as holding ``T``.

Why values, not booleans: a level is held with the best value of the credential that shows it
(a part-composed level with the worst of its parts), on the leaf scale (-1 does not count,
0 undecided, credit in (0, 1]) - so a stack is exactly as strict as the credential conditions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rules.inputs import Association, CandidateEvidence, CredentialEvidence
from rules.record_check import Judged, StepMatcher
from rules.schema import Pathway, PathwayStep

_PART_OF = frozenset({"isChildOf", "isPartOf"})
REJECT = -1.0


def _matcher(step: PathwayStep) -> StepMatcher:
    return StepMatcher(step.achievement_id, step.name_pattern)


@dataclass(frozen=True)
class Holding:
    """How a candidate holds one level: its value and the credentials that show it."""

    number: int
    label: str
    value: float
    shown_by: tuple[Judged, ...]
    composed: bool
    """Shown by its parts rather than by one credential."""


def stated_parts(associations: Sequence[Association]) -> dict[str, frozenset[str]]:
    """Achievement id -> the achievement ids the CLR associations say compose it."""
    parts: dict[str, set[str]] = {}
    for a in associations:
        if a.kind in _PART_OF:
            parts.setdefault(a.target, set()).add(a.source)
        elif a.kind == "isParentOf":
            parts.setdefault(a.source, set()).add(a.target)
    return {whole: frozenset(p) for whole, p in parts.items()}


def _best(judged: Sequence[tuple[Judged, frozenset[str]]], step: StepMatcher) -> Judged | None:
    """The best-valued credential matching a step (first on ties: the input is sorted)."""
    best: Judged | None = None
    for j, ids in judged:
        if step.matches(j.credential, ids) and (best is None or j.value > best.value):
            best = j
    return best


class CompiledPathway:
    """A pathway ready to read candidates."""

    def __init__(self, pathway: Pathway) -> None:
        self.source = pathway
        self.id = pathway.id
        self.label = pathway.label or pathway.id
        self.level_labels = [level.label for level in pathway.levels]
        self.achievements = [[_matcher(s) for s in lv.achievements] for lv in pathway.levels]
        self.parts = [[_matcher(s) for s in lv.parts] for lv in pathway.levels]
        self.level_ids = [
            [s.achievement_id for s in lv.achievements if s.achievement_id] for lv in pathway.levels
        ]
        steps = [m for level in (*self.achievements, *self.parts) for m in level]
        self.step_ids = frozenset(m.achievement_id for m in steps if m.achievement_id)
        self.patterned = [m for m in steps if m.name_re is not None]
        self.whole_ids = frozenset(i for ids in self.level_ids for i in ids)

    def on_track(
        self, candidate: CandidateEvidence, aliases: Mapping[str, frozenset[str]]
    ) -> list[CredentialEvidence]:
        """The credentials that may show a level: a step's achievement or name, or a part
        the CLR associations state of a level's achievement. Only these need judging."""
        wanted = self.step_ids
        if candidate.associations:
            stated = stated_parts(candidate.associations)
            wanted = wanted.union(*(stated.get(w, frozenset()) for w in self.whole_ids))
        found = []
        for c in candidate.credentials:
            ids = aliases.get(c.credential_id, frozenset())
            if not wanted.isdisjoint(ids) or any(m.matches(c, ids) for m in self.patterned):
                found.append(c)
        return found

    def level_name(self, number: int) -> str:
        return f"level {number} ({self.level_labels[number - 1]})"

    def levels_of(self, judged: Judged, ids: frozenset[str]) -> list[int]:
        """The 1-based levels the credential is, directly or as one of a level's parts."""
        c = judged.credential
        return [
            number
            for number, (whole, parts) in enumerate(
                zip(self.achievements, self.parts, strict=True), start=1
            )
            if any(m.matches(c, ids) for m in (*whole, *parts))
        ]

    def holdings(
        self,
        judged: Sequence[Judged],
        aliases: Mapping[str, frozenset[str]],
        candidate: CandidateEvidence,
    ) -> list[Holding]:
        """Each level, held or not, lowest first."""
        # sorted so that ties between equally valued credentials are settled the same way
        # whatever order the candidate's credentials came in
        ordered = sorted(judged, key=lambda j: j.credential.credential_id)
        with_ids = [(j, aliases.get(j.credential.credential_id, frozenset())) for j in ordered]
        stated = stated_parts(candidate.associations)
        return [self._holding(n, with_ids, stated) for n in range(1, len(self.level_labels) + 1)]

    def _holding(
        self,
        number: int,
        with_ids: Sequence[tuple[Judged, frozenset[str]]],
        stated: Mapping[str, frozenset[str]],
    ) -> Holding:
        label = self.level_labels[number - 1]
        best = Holding(number, label, REJECT, (), False)
        for step in self.achievements[number - 1]:
            found = _best(with_ids, step)
            if found is not None and found.value > best.value:
                best = Holding(number, label, found.value, (found,), False)
        compositions = [self.parts[number - 1]] if self.parts[number - 1] else []
        for whole in self.level_ids[number - 1]:
            if whole in stated:
                compositions.append([StepMatcher(p, None) for p in sorted(stated[whole])])
        for parts in compositions:
            shown = [_best(with_ids, p) for p in parts]
            if any(s is None for s in shown):
                continue
            held = tuple(s for s in shown if s is not None)
            value = min(s.value for s in held)
            if value > best.value:
                best = Holding(number, label, value, held, True)
        return best
