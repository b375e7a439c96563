"""Badge records in and mapping results out, as plain JSON: the shape ``normalise --batch`` and
the bulk-mapping API share (``{name, description, criteria?, alignments?}`` in, ``{skills,
suggestions, unmapped}`` out)."""

from __future__ import annotations

from typing import Any

from ats_match.formats.model import AchievementInfo, Alignment
from ats_match.taxonomy.results import NormalisationResult, SkillMatch

_ALIGNMENT_KEYS = {
    "targetName": "target_name",
    "targetUrl": "target_url",
    "targetFramework": "target_framework",
    "targetCode": "target_code",
    "targetDescription": "target_description",
    "targetType": "target_type",
}


def achievement_from_line(data: Any) -> AchievementInfo:
    """An achievement from one batch line (OB-style camelCase alignment keys are accepted)."""
    if not isinstance(data, dict):
        raise ValueError("each line must be a JSON object")
    criteria = data.get("criteria")
    if isinstance(criteria, dict):
        criteria = criteria.get("narrative")
    alignments = []
    for item in data.get("alignments") or data.get("alignment") or []:
        if not isinstance(item, dict):
            raise ValueError("alignments must be objects")
        fields = {_ALIGNMENT_KEYS.get(str(k), str(k)): v for k, v in item.items()}
        alignments.append(Alignment.model_validate(fields))
    return AchievementInfo(
        id=data.get("id"),
        name=data.get("name"),
        description=data.get("description"),
        criteria_narrative=criteria if isinstance(criteria, str) else None,
        tags=[str(t) for t in data.get("tags") or []],
        alignments=alignments,
    )


def _match_json(match: SkillMatch) -> dict[str, Any]:
    return {
        "uri": match.uri,
        "label": match.label,
        "confidence": match.confidence,
        "matched": {
            "method": match.method,
            "label": match.matched_label,
            "text": match.matched_text,
            **({"reason": match.reason} if match.reason else {}),
        },
    }


def result_json(result: NormalisationResult) -> dict[str, Any]:
    """One output line."""
    return {
        "skills": [_match_json(m) for m in result.skills],
        "suggestions": [_match_json(m) for m in result.suggestions],
        "unmapped": result.unmapped,
    }
