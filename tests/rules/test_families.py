"""Skill families from broader links, and focus using them through the taxonomy hooks."""

from __future__ import annotations

from rules.families import SkillFamilies

BROADER = {"sql": ["query languages"], "query languages": ["ict"], "ict": ["all"], "r": ["ict"]}


def test_families_go_up_to_the_depth_limit() -> None:
    families = SkillFamilies(lambda uri: BROADER.get(uri, []))
    assert families["sql"] == {"query languages", "ict"}
    assert families["r"] == {"ict", "all"}
    assert families["unknown"] == frozenset()
    assert SkillFamilies(lambda uri: BROADER.get(uri, []), depth=1)["sql"] == {"query languages"}


def test_the_default_taxonomy_places_sql_under_query_languages() -> None:
    from ats_match.taxonomy import default_taxonomy
    from rules.validation import taxonomy_hooks
    from tests.rules.helpers import SQL

    families = SkillFamilies(taxonomy_hooks(default_taxonomy()).broader)
    assert "http://data.europa.eu/esco/skill/9cf681c7-89ec-470c-b651-7fe03786f586" in families[SQL]
