"""A requirement set to start from, for an ESCO occupation.

The shipped occupations (``esco_occupations.json.gz``) carry labels, ISCO group and
description but not ESCO's occupation-to-skill relations (essential / optional), so the
template takes the skills the matcher finds for the occupation's label and description: all
of them are weighted ``should`` requirements, none a ``must``; the hiring manager decides which
are knock-outs.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from ats_match.taxonomy.occupations import Occupation

TEMPLATE_SKILLS = 6
MIN_CONFIDENCE = 0.05
"""Calibrated confidence below which a match is left out (the best one is always kept)."""


class TextMatcher(Protocol):
    """What the template needs from ``SkillMatcher``."""

    def match_text(self, text: str, top: int = 5) -> list[Any]: ...

    @property
    def taxonomy(self) -> Any: ...


def slug(text: str) -> str:
    """A requirement id from a label: lower case, letters and digits joined by ``-``."""
    words = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return (words or "requirement")[:60].rstrip("-")


def occupation_skills(occupation: Occupation, matcher: TextMatcher) -> list[tuple[str, str]]:
    """(uri, preferred label) of the skills best matching the occupation, best first."""
    best: dict[str, float] = {}
    for text in (occupation.preferred_label, occupation.description):
        if text.strip():
            for match in matcher.match_text(text, top=TEMPLATE_SKILLS):
                best[match.uri] = max(best.get(match.uri, 0.0), float(match.confidence))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    kept = [uri for uri, score in ranked if score >= MIN_CONFIDENCE][:TEMPLATE_SKILLS]
    kept = kept or [uri for uri, _ in ranked[:1]]
    out = []
    for uri in kept:
        skill = matcher.taxonomy.get(uri)
        out.append((uri, skill.preferred_label if skill is not None else uri))
    return out


def occupation_template(occupation: Occupation, matcher: TextMatcher) -> dict[str, Any]:
    """A requirement set body for the occupation: one weighted ``should`` per skill."""
    requirements: list[dict[str, Any]] = []
    for uri, label in occupation_skills(occupation, matcher):
        rule_id, n = slug(label), 2
        while any(r["id"] == rule_id for r in requirements):
            rule_id, n = f"{slug(label)}-{n}", n + 1
        requirements.append({"id": rule_id, "label": label, "weight": 10, "skill": {"uri": uri}})
    return {
        "id": slug(occupation.preferred_label),
        "name": occupation.preferred_label,
        "description": f"Started from the ESCO occupation {occupation.preferred_label} "
        f"({occupation.uri}), with the skills matched to its label and description.",
        "requirements": requirements,
    }
