"""The name's words checked against the description: awarding bodies carry no skill, a tool that
only the name's words propose is not given for a text about something else, and the trap part
of both eval splits is large enough to measure."""

from __future__ import annotations

import numpy as np
import pytest

from ats_match.formats.model import AchievementInfo
from ats_match.taxonomy import SkillMatcher, default_taxonomy
from ats_match.taxonomy.catalogue import Catalogue
from ats_match.taxonomy.eval_set import DEV_SET, TEST_SET, load_credentials
from ats_match.taxonomy.scoring import OFF_SENSE_CAP, ScoringModel, default_model
from ats_match.taxonomy.text import skill_core

ESCO = "http://data.europa.eu/esco/skill/"
CHEF_TOOL = ESCO + "49f85a99-086c-45b6-a6fa-eb90305af7b1"
SMALLTALK = ESCO + "42ed3bfb-1a01-4c8b-9758-fc6438865734"
JENKINS = ESCO + "f47a1998-0beb-43be-9f46-380aa4d183da"


@pytest.fixture(scope="module")
def scorer_alone() -> SkillMatcher:
    return SkillMatcher(default_taxonomy(), catalogue=Catalogue([]))


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("Microsoft Certified: Azure Fundamentals (AZ-900)", "Azure"),
        ("Red Hat Certified System Administrator (RHCSA)", "System Administrator"),
        ("Cisco Certified Network Associate (CCNA)", "Cisco Network"),  # Cisco is an ESCO label
        ("Google Certified", "Google"),  # nothing else left: the name stays
    ],
)
def test_awarding_bodies_are_left_out_of_the_scored_name(name: str, core: str) -> None:
    assert skill_core(name) == core


@pytest.mark.parametrize(
    ("name", "description", "decoy"),
    [
        (
            "Chef Skills for Restaurant Kitchens",
            "Kitchen course for line cooks: knife skills, preparing sauces, grilling meat and "
            "cooking fish dishes during a busy service.",
            CHEF_TOOL,
        ),
        (
            "Smalltalk for Sales Teams",
            "Open conversations with prospects at trade fairs, build rapport and turn small "
            "talk into lasting business relationships.",
            SMALLTALK,
        ),
    ],
)
def test_a_tool_named_only_by_the_name_is_not_given_for_another_subject(
    scorer_alone: SkillMatcher, name: str, description: str, decoy: str
) -> None:
    achievement = AchievementInfo(name=name, description=description)
    given = scorer_alone.match_credential(achievement).skills
    assert given, "the description names skills: some must be given"
    assert decoy not in {m.uri for m in given}
    assert scorer_alone.ranked(achievement)[0].uri != decoy


def test_the_same_tool_named_for_its_own_subject_is_given(scorer_alone: SkillMatcher) -> None:
    achievement = AchievementInfo(
        name="Chef Infra Automation",
        description="Automate server configuration management with Chef cookbooks and recipes.",
    )
    ranked = scorer_alone.ranked(achievement, top=3)
    assert CHEF_TOOL in {m.uri for m in ranked}


def test_a_tool_named_again_in_a_description_about_something_else_is_not_given(
    scorer_alone: SkillMatcher,
) -> None:
    # The description repeats the word, so its meaning alone does not rule the tool out; the
    # description's nearest skills are no ICT skills, so the tool is off the domain.
    achievement = AchievementInfo(
        name="Jenkins Valley Walking Guide",
        description="Lead guided walks along the Jenkins Valley footpaths: route planning, "
        "group safety and pointing out local wildlife.",
    )
    ranked = scorer_alone.ranked(achievement, top=5)
    assert ranked[0].uri != JENKINS
    assert all(m.confidence <= OFF_SENSE_CAP for m in ranked if m.uri == JENKINS)
    assert JENKINS not in {m.uri for m in scorer_alone.match_credential(achievement).skills}


def test_the_tool_is_given_when_the_description_is_about_software(
    scorer_alone: SkillMatcher,
) -> None:
    achievement = AchievementInfo(
        name="Jenkins Pipelines for Continuous Integration",
        description="Build, test and deploy software automatically with Jenkins pipelines, "
        "agents and plugins.",
    )
    assert JENKINS in {m.uri for m in scorer_alone.match_credential(achievement).skills}


def test_confidence_reads_each_candidate_against_the_best() -> None:
    model = default_model()
    again = ScoringModel.from_dict(model.as_dict())
    assert again.margin == model.margin > 0
    features = [[0.6, 0.5, 0.5, 0.0, 0, 0, 0, 0, 0, 0], [0.5, 0.4, 0.4, -0.1, 0, 0, 0, 0, -0.1, 0]]
    best, second = again.confidence(np.array(features))
    assert best > second


def test_both_splits_hold_at_least_twenty_labelled_traps() -> None:
    for split in (DEV_SET, TEST_SET):
        traps = [e for e in load_credentials(split) if e.trap]
        assert len(traps) >= 20
        assert all(e.decoys and not set(e.decoys) & set(e.expected) for e in traps)


def test_a_name_alone_is_trusted_less_than_a_name_with_its_description(
    scorer_alone: SkillMatcher,
) -> None:
    assert default_model().name_only is not None
    name = "Food Allergen Awareness"
    described = AchievementInfo(
        name=name, description="Identify the 14 major allergens and prevent cross-contact."
    )
    alone = scorer_alone.ranked(AchievementInfo(name=name))[0]
    assert alone.confidence < scorer_alone.ranked(described)[0].confidence
