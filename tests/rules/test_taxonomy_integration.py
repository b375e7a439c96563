"""The shipped examples against the real default taxonomy (ESCO), through taxonomy_hooks."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import load_requirement_set, validate_for_save
from rules.validation import taxonomy_hooks

EXAMPLES = Path(__file__).resolve().parents[2] / "rules" / "examples"


@pytest.fixture(scope="module")
def hooks():  # type: ignore[no-untyped-def]
    taxonomy = pytest.importorskip("ats_match.taxonomy")
    return taxonomy_hooks(taxonomy.default_taxonomy())


@pytest.mark.parametrize(
    "name",
    ["data_analyst", "cloud_engineer", "registered_nurse", "cloud_progressive", "nursing_evidence"],
)
def test_example_skill_uris_are_real_esco_concepts(hooks, name: str) -> None:  # type: ignore[no-untyped-def]
    rs = load_requirement_set(EXAMPLES / f"{name}.yaml")
    assert validate_for_save(rs, hooks.known_skill, hooks.resolve_label) == []


def test_unknown_uri_is_rejected_by_the_real_taxonomy(hooks) -> None:  # type: ignore[no-untyped-def]
    assert hooks.known_skill(
        "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742"
    )
    assert not hooks.known_skill("http://data.europa.eu/esco/skill/not-a-skill")
    # an unambiguous label resolves; an ambiguous one (several skills carry "SQL") does not
    assert hooks.resolve_label("PostgreSQL") == (
        "http://data.europa.eu/esco/skill/a8d07b5a-c1a1-42c6-9d53-db9c7a2ca996"
    )
    assert hooks.resolve_label("SQL") is None
