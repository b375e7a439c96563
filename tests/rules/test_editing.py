"""rules.editing: findings on their YAML lines, entries added and removed, an ambiguous label
settled by URI, stored versions shown tidily (and read back the same), numbered diffs."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import load_requirement_set, loads_requirement_set
from rules.editing import (
    EditError,
    add_requirement,
    check_text,
    entries,
    remove_requirement,
    set_skill_uri,
    stored_yaml,
    version_diff,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "rules" / "examples"
ANALYST = (EXAMPLES / "data_analyst.yaml").read_text()
SQL = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"


def _line(text: str, needle: str) -> int:
    return next(i for i, t in enumerate(text.splitlines(), 1) if needle in t)


def test_schema_errors_and_save_time_findings_carry_their_lines() -> None:
    broken = ANALYST.replace("min_confidence: 0.7}", "min_confidence: 7}")
    checked = check_text(broken)
    assert not checked.ok
    assert [(f.field, f.line) for f in checked.errors] == [
        ("requirements[2].skill.min_confidence", _line(broken, "min_confidence: 7}"))
    ]
    unknown = ANALYST.replace("skill/51586df8", "skill/00000000")
    found = check_text(unknown, known_skill=lambda uri: "00000000" not in uri)
    assert [(f.field, f.line) for f in found.errors] == [
        ("requirements[1].any_of[1].skill.uri", _line(unknown, "skill/00000000"))
    ]
    assert check_text(ANALYST, known_skill=lambda uri: True).ok


def test_entries_are_added_and_removed_and_the_text_still_parses() -> None:
    entry = {"id": "cloud", "must": True, "weight": 5, "credential": {"name_pattern": "*AWS*"}}
    added = add_requirement(ANALYST, entry)
    assert [e["id"] for e in entries(added)][-1] == "cloud"
    assert loads_requirement_set(added).requirements[-1].must
    with pytest.raises(EditError, match="already there"):
        add_requirement(added, entry)
    removed = remove_requirement(added, "cloud")
    assert loads_requirement_set(removed) == loads_requirement_set(ANALYST)
    with pytest.raises(EditError, match="no requirement"):
        remove_requirement(ANALYST, "nope")
    with pytest.raises(EditError, match="fix the YAML first"):
        add_requirement("requirements: [", entry)
    assert entries("requirements: [") == []


def test_an_ambiguous_label_is_settled_by_uri() -> None:
    draft = ANALYST.replace(f"skill: {{uri: {SQL}}}", "skill: {label: SQL}")
    settled = set_skill_uri(draft, "requirements[0].skill.label", SQL)
    skill = loads_requirement_set(settled).requirements[0].skill  # type: ignore[union-attr]
    assert skill.uri == SQL and skill.label is None
    with pytest.raises(EditError):
        set_skill_uri(draft, "requirements[9].skill.label", SQL)


@pytest.mark.parametrize("name", ["data_analyst", "cloud_engineer", "registered_nurse"])
def test_stored_versions_read_back_as_the_same_set(name: str) -> None:
    rs = load_requirement_set(EXAMPLES / f"{name}.yaml")
    shown = stored_yaml(rs.model_dump(mode="json", exclude_none=True))
    assert loads_requirement_set(shown) == rs
    assert "include_narrower: false" not in shown and ".0\n" not in shown
    assert stored_yaml({"name": "x"}) == "name: x\n"  # refused by the schema: shown as stored


def test_a_diff_numbers_each_line_in_its_own_version() -> None:
    new = ANALYST.replace("shortlist: 75", "shortlist: 80")
    lines = version_diff(ANALYST, new)
    changed = [
        (d.kind, d.text.strip(), d.old_line, d.new_line)
        for d in lines
        if d.kind in ("added", "removed")
    ]
    n = _line(ANALYST, "shortlist: 75")
    assert changed == [
        ("removed", "thresholds: {qualified: 50, shortlist: 75}", n, None),
        ("added", "thresholds: {qualified: 50, shortlist: 80}", None, n),
    ]
    assert version_diff(ANALYST, ANALYST) == []
