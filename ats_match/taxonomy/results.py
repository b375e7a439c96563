"""What matching returns: skills with the explanation a recruiter sees."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Method = Literal["alignment", "crosswalk", "override", "catalogue", "synonym", "semantic", "fuzzy"]


class SkillMatch(BaseModel):
    """One skill a credential maps to, with the explanation a recruiter sees."""

    uri: str
    label: str
    confidence: float = Field(ge=0.0, le=1.0)
    method: Method
    matched_label: str | None = None
    """The taxonomy label (or synonym / alignment / catalogue name) that matched."""
    matched_text: str | None = None
    """The piece of the credential that matched it."""
    reason: str | None = None
    """Why, where a curated source says so (the credential catalogue)."""


class NormalisationResult(BaseModel):
    """A credential's skills; ``unmapped`` when none reached the threshold."""

    skills: list[SkillMatch] = Field(default_factory=list)
    unmapped: bool = False
    suggestions: list[SkillMatch] = Field(default_factory=list)


def keep_best(best: dict[str, SkillMatch], match: SkillMatch) -> None:
    """Keep ``match`` unless ``best`` already holds the same skill with a higher confidence."""
    old = best.get(match.uri)
    if old is None or match.confidence > old.confidence:
        best[match.uri] = match
