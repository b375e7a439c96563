"""The pure rules engine: requirement sets, evaluation with explanations, stable ranking.

Nothing here touches a database, the network or the clock; callers pass the reference date.
See docs/rules.md for the language and the semantics.
"""

from rules.api import RankedCandidate, WhatIf, rank_candidates, what_if
from rules.compiled import CompiledRequirementSet, compile_requirement_set, evaluate
from rules.inputs import CandidateEvidence, CredentialEvidence, ResultValue, SkillEvidence
from rules.loader import (
    RequirementSetError,
    SchemaError,
    load_requirement_set,
    loads_requirement_set,
    parse_requirement_set,
)
from rules.ranking import rank, rank_evaluations
from rules.results import ConditionResult, Evaluation, EvidenceItem, RuleResult
from rules.schema import RequirementSet, requirement_set_json_schema
from rules.summary import ScoreSummary
from rules.validation import Issue, check_requirement_set, validate_for_save

__all__ = [
    "CandidateEvidence",
    "CompiledRequirementSet",
    "ConditionResult",
    "CredentialEvidence",
    "Evaluation",
    "EvidenceItem",
    "Issue",
    "RankedCandidate",
    "RequirementSet",
    "RequirementSetError",
    "ResultValue",
    "RuleResult",
    "SchemaError",
    "ScoreSummary",
    "SkillEvidence",
    "WhatIf",
    "check_requirement_set",
    "compile_requirement_set",
    "evaluate",
    "load_requirement_set",
    "loads_requirement_set",
    "parse_requirement_set",
    "rank",
    "rank_candidates",
    "rank_evaluations",
    "requirement_set_json_schema",
    "validate_for_save",
    "what_if",
]
