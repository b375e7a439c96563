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

from ats_match.formats.model import AchievementInfo
from ats_match.taxonomy.records import achievement_from_line, result_json

if TYPE_CHECKING:
    from ats_match.taxonomy import SkillMatcher

CHUNK = 256


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
