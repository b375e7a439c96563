"""The entry points the web API, the worker and the CLI call. Pure: no database, no clock.

* :func:`rank_candidates` - score many candidates (fast path), rank them, explain the top N
  (or all, for storing in the Score table).
* :func:`what_if` - validate a draft requirement set and rank candidates with it, saving nothing.
* :func:`evaluate` (re-exported from :mod:`rules.compiled`) - explain one candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rules.candidate_level import CompileContext
from rules.compiled import LabelResolver, Narrower, compile_requirement_set
from rules.inputs import CandidateEvidence
from rules.loader import loads_requirement_set, parse_requirement_set
from rules.ranking import rank
from rules.results import Evaluation
from rules.schema import Pathway, RequirementSet
from rules.summary import ScoreSummary
from rules.validation import Issue, KnownSkill, OrganisationPathways, validate_for_save


@dataclass(frozen=True)
class RankedCandidate:
    """One row of a ranking: 1-based rank, the score, and the explanation when requested."""

    rank: int
    score: ScoreSummary
    evaluation: Evaluation | None


def rank_candidates(
    rs: RequirementSet,
    candidates: Sequence[CandidateEvidence],
    reference_date: date,
    *,
    explain_top: int | None = None,
    version: int | None = None,
    narrower: Narrower | None = None,
    resolve_label: LabelResolver | None = None,
    context: CompileContext | None = None,
) -> list[RankedCandidate]:
    """Score every candidate, rank them, and explain the first ``explain_top`` (None = all).

    Explaining is the slow part; scores are identical either way (tested property).
    """
    compiled = compile_requirement_set(
        rs,
        reference_date,
        version=version,
        narrower=narrower,
        resolve_label=resolve_label,
        context=context,
    )
    ranked = rank(compiled.score_all(candidates))
    limit = len(ranked) if explain_top is None else explain_top
    return [
        RankedCandidate(
            i + 1,
            s,
            compiled.explain(candidates[s.position]) if i < limit else None,
        )
        for i, s in enumerate(ranked)
    ]


@dataclass(frozen=True)
class WhatIf:
    """A draft's ranking plus the save-time warnings it would get."""

    requirement_set: RequirementSet
    warnings: list[Issue]
    ranking: list[RankedCandidate]


def what_if(
    draft: dict[str, Any] | str,
    candidates: Sequence[CandidateEvidence],
    reference_date: date,
    *,
    known_skill: KnownSkill | None = None,
    explain_top: int | None = 20,
    narrower: Narrower | None = None,
    resolve_label: LabelResolver | None = None,
    context: CompileContext | None = None,
) -> WhatIf:
    """Score a draft (dict body or YAML/JSON text) without saving; raises RequirementSetError."""
    rs = loads_requirement_set(draft) if isinstance(draft, str) else parse_requirement_set(draft)
    warnings = validate_for_save(rs, known_skill, resolve_label, pathways_of(context))
    ranking = rank_candidates(
        rs,
        candidates,
        reference_date,
        explain_top=explain_top,
        narrower=narrower,
        resolve_label=resolve_label,
        context=context,
    )
    return WhatIf(rs, warnings, ranking)


def pathways_of(context: CompileContext | None) -> OrganisationPathways:
    """The context's pathways as schema pathways (it may hold their plain-data form)."""
    if context is None:
        return {}
    return {
        key: value if isinstance(value, Pathway) else Pathway.model_validate(value)
        for key, value in context.pathways.items()
    }
