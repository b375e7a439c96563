"""``ats-match normalise --batch FILE.jsonl``: map a whole badge catalogue in one process.

Each input line is ``{name, description, criteria?, alignments?, tags?, id?}``; each output line
(stdout, same order) is ``{skills: [{uri, label, confidence, matched}], suggestions: [...],
unmapped}``, or ``{error}`` for a line that is not such an object. Progress goes to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ats_match.formats.model import AchievementInfo, Alignment

if TYPE_CHECKING:
    from ats_match.taxonomy import NormalisationResult, SkillMatch, SkillMatcher

CHUNK = 256
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


def _chunks(lines: list[str]) -> Iterator[list[tuple[AchievementInfo | None, str | None]]]:
    for start in range(0, len(lines), CHUNK):
        parsed: list[tuple[AchievementInfo | None, str | None]] = []
        for line in lines[start : start + CHUNK]:
            try:
                parsed.append((achievement_from_line(json.loads(line)), None))
            except (ValueError, ValidationError, TypeError) as exc:
                parsed.append((None, str(exc).splitlines()[0]))
        yield parsed


def run_batch(path: Path, matcher: SkillMatcher) -> int:
    """Map every line of ``path``; print results to stdout in order. The exit code is 2 when
    the file cannot be read, else 0 (bad lines give ``{"error": ...}`` lines)."""
    from rich.console import Console
    from rich.progress import Progress

    try:
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    errors = 0
    out = sys.stdout
    with Progress(console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task("mapping credentials", total=len(lines))
        for chunk in _chunks(lines):
            good = [a for a, _ in chunk if a is not None]
            results = iter(matcher.match_many(good))
            for achievement, error in chunk:
                if achievement is None:
                    errors += 1
                    payload: dict[str, Any] = {"error": error}
                else:
                    payload = result_json(next(results))
                out.write(json.dumps(payload, ensure_ascii=False) + "\n")
            progress.advance(task, len(chunk))
    out.flush()
    if errors:
        print(f"{errors} line(s) could not be read", file=sys.stderr)
    return 0
