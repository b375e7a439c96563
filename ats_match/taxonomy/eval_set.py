"""The labelled credential sets: real credential names with descriptions, each labelled with
the ESCO skills it certifies, split into dev (tuning) and test (held out, reported)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field

EVAL_DIR = Path(__file__).parent / "data" / "eval"
DEV_SET = EVAL_DIR / "credentials_dev.jsonl"
TEST_SET = EVAL_DIR / "credentials_test.jsonl"


class LabelledCredential(BaseModel):
    """One labelled credential: what a badge says, and the skill URIs that count as right."""

    name: str
    description: str = ""
    domain: str = "other"
    trap: bool = False
    expected: list[str] = Field(min_length=1)
    expected_labels: list[str] = Field(default_factory=list)
    decoys: list[str] = Field(default_factory=list)
    """For a trap: the concept its name tempts a matcher into (the programming language)."""
    decoy_labels: list[str] = Field(default_factory=list)


def load_credentials(path: str | Path) -> list[LabelledCredential]:
    """Read a JSON Lines labelled credential set; blank lines are skipped."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [LabelledCredential.model_validate(json.loads(line)) for line in lines if line.strip()]
