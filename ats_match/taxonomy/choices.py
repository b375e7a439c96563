"""Choices for a label a person typed: every concept carrying it, with its description, so a
requirement editor can offer them ("SQL" is both the language and database management systems)
instead of refusing; near matches when no concept carries it exactly."""

from __future__ import annotations

from pydantic import BaseModel

from ats_match.taxonomy.matcher import SkillMatcher
from ats_match.taxonomy.model import Taxonomy


class SkillChoice(BaseModel):
    """One concept to choose, described."""

    uri: str
    label: str
    description: str = ""
    skill_type: str = ""
    confidence: float | None = None
    """For a near match: the matcher's calibrated confidence."""


class LabelChoices(BaseModel):
    """The concepts a label names exactly, and near matches when there is none."""

    label: str
    exact: list[SkillChoice]
    suggestions: list[SkillChoice]

    @property
    def ambiguous(self) -> bool:
        """Several concepts carry the label: a person must pick one."""
        return len(self.exact) > 1


def _choice(taxonomy: Taxonomy, uri: str, confidence: float | None = None) -> SkillChoice:
    skill = taxonomy.get(uri)
    if skill is None:
        return SkillChoice(uri=uri, label=uri, confidence=confidence)
    return SkillChoice(
        uri=uri,
        label=skill.preferred_label,
        description=skill.description,
        skill_type=skill.skill_type,
        confidence=confidence,
    )


def label_choices(matcher: SkillMatcher, label: str, limit: int = 5) -> LabelChoices:
    """Exact carriers of ``label`` (preferred or alternative label), else near matches."""
    taxonomy = matcher.taxonomy
    exact = [_choice(taxonomy, s.uri) for s in taxonomy.by_label(label)]
    suggestions: list[SkillChoice] = []
    if not exact and label.strip():
        suggestions = [
            _choice(taxonomy, m.uri, m.confidence) for m in matcher.match_text(label, top=limit)
        ]
    return LabelChoices(label=label, exact=exact, suggestions=suggestions)
