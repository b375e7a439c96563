"""Matching in order of trust: overrides, alignments/crosswalks, synonyms; the lexical path."""

from __future__ import annotations

from ats_match.formats.model import AchievementInfo, Alignment
from ats_match.taxonomy import Crosswalk, SkillMatcher, Taxonomy
from tests.taxonomy.conftest import (
    DATA_ANALYSIS,
    JAVASCRIPT,
    PROGRAMMING,
    PYTHON,
    TEAMWORK,
    WELDING,
)


def test_esco_uri_alignment_is_exact(matcher: SkillMatcher) -> None:
    badge = AchievementInfo(
        name="Totally unrelated title",
        alignments=[Alignment(target_name="Python", target_url=PYTHON.replace("http", "https"))],
    )
    result = matcher.match_credential(badge)
    assert not result.unmapped
    [match] = result.skills
    assert (match.uri, match.confidence, match.method) == (PYTHON, 1.0, "alignment")
    assert match.label == "Python (computer programming)"


def test_esco_framework_code_as_bare_uuid(matcher: SkillMatcher) -> None:
    code = PYTHON.rsplit("/", 1)[1].upper()
    badge = AchievementInfo(alignments=[Alignment(target_framework="ESCO", target_code=code)])
    [match] = matcher.match_credential(badge).skills
    assert (match.uri, match.confidence, match.method) == (PYTHON, 1.0, "alignment")


def test_esco_alignment_to_a_concept_outside_the_taxonomy_is_kept(matcher: SkillMatcher) -> None:
    uri = "http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000"
    badge = AchievementInfo(alignments=[Alignment(target_name="newer skill", target_url=uri)])
    [match] = matcher.match_credential(badge).skills
    assert (match.uri, match.label, match.method) == (uri, "newer skill", "alignment")


def test_crosswalk_code_is_exact(tiny: Taxonomy) -> None:
    crosswalk = Crosswalk()
    crosswalk.add("O*NET", "15-1252.00", [PROGRAMMING])
    matcher = SkillMatcher(tiny, crosswalks=crosswalk)
    badge = AchievementInfo(
        name="Welding basics",
        alignments=[Alignment(target_framework="onet", target_code="15-1252.00")],
    )
    [match] = matcher.match_credential(badge).skills
    assert (match.uri, match.confidence, match.method) == (PROGRAMMING, 1.0, "crosswalk")


def test_alignment_without_crosswalk_entry_falls_back_to_its_name(matcher: SkillMatcher) -> None:
    badge = AchievementInfo(
        alignments=[Alignment(target_name="arc welding", target_framework="O*NET", target_code="x")]
    )
    result = matcher.match_credential(badge)
    assert [m.uri for m in result.skills][:1] == [WELDING]
    assert result.skills[0].method == "fuzzy"


def test_override_applies_to_the_achievement_id(matcher: SkillMatcher) -> None:
    badge = AchievementInfo(id="urn:badge:42", name="Python for data analysis")
    result = matcher.match_credential(badge, overrides={"urn:badge:42": [TEAMWORK]})
    assert [(m.uri, m.method, m.confidence) for m in result.skills] == [(TEAMWORK, "override", 1.0)]
    other = AchievementInfo(id="urn:badge:43", name="Python for data analysis")
    assert TEAMWORK not in {m.uri for m in matcher.match_credential(other).skills}


def test_a_recruiters_override_outranks_the_issuers_alignment(matcher: SkillMatcher) -> None:
    badge = AchievementInfo(id="b", alignments=[Alignment(target_url=WELDING)])
    result = matcher.match_credential(badge, overrides={"b": [TEAMWORK]})
    assert [(m.uri, m.method) for m in result.skills] == [(TEAMWORK, "override")]
    assert [m.method for m in matcher.match_credential(badge).skills] == ["alignment"]


def test_synonym_exact_and_explained(tiny: Taxonomy) -> None:
    matcher = SkillMatcher(tiny, synonyms={"Node": [JAVASCRIPT]}, semantic=False)
    [top, *_] = matcher.match_text("node")
    assert (top.uri, top.method, top.confidence, top.matched_label) == (
        JAVASCRIPT,
        "synonym",
        1.0,
        "node",
    )


def test_synonym_inside_a_longer_title(tiny: Taxonomy) -> None:
    matcher = SkillMatcher(tiny, synonyms={"Node": [JAVASCRIPT]}, semantic=False)
    result = matcher.match_credential(AchievementInfo(name="Node and teamwork"))
    methods = {m.uri: m.method for m in result.skills}
    assert methods[JAVASCRIPT] == "synonym"
    assert TEAMWORK in methods


def test_multi_skill_badge_maps_to_each_skill(matcher: SkillMatcher) -> None:
    result = matcher.match_credential(AchievementInfo(name="Python for data analysis"))
    uris = [m.uri for m in result.skills]
    assert set(uris[:2]) == {PYTHON, DATA_ANALYSIS}
    python = next(m for m in result.skills if m.uri == PYTHON)
    assert (python.method, python.matched_text) == ("fuzzy", "Python")
    assert 0.8 <= python.confidence <= 1.0


def test_tags_contribute(matcher: SkillMatcher) -> None:
    badge = AchievementInfo(name="Summer school 2024", tags=["teamwork", "ECMAScript"])
    uris = {m.uri for m in matcher.match_credential(badge).skills}
    assert {TEAMWORK, JAVASCRIPT} <= uris


def test_typo_still_matches(matcher: SkillMatcher) -> None:
    assert matcher.match_text("Pythn programing")[0].uri == PYTHON


def test_unmapped_with_suggestions(matcher: SkillMatcher) -> None:
    result = matcher.match_credential(AchievementInfo(name="welding art history"))
    assert result.unmapped and result.skills == []
    assert result.suggestions and result.suggestions[0].uri == WELDING
    assert result.suggestions[0].confidence < matcher.threshold


def test_nothing_in_common_is_unmapped_without_suggestions(matcher: SkillMatcher) -> None:
    result = matcher.match_credential(AchievementInfo(name="Underwater basket weaving"))
    assert result.unmapped and result.suggestions == []
    assert matcher.match_text("") == []


def test_threshold_is_configurable(tiny: Taxonomy) -> None:
    badge = AchievementInfo(name="welding art history")
    assert not SkillMatcher(tiny, threshold=0.3, semantic=False).match_credential(badge).unmapped


def test_description_counts_but_weighs_less(matcher: SkillMatcher) -> None:
    badge = AchievementInfo(name="Level 2", description="Arc welding with a mentor. Eight weeks.")
    result = matcher.match_credential(badge)
    assert result.skills and result.skills[0].uri == WELDING
    assert result.skills[0].confidence < 1.0


def test_match_text_respects_top(matcher: SkillMatcher) -> None:
    assert len(matcher.match_text("programming", top=2)) <= 2
