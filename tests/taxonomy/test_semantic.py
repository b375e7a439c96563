"""The semantic path and the catalogue on the full ESCO default, traps, batch mapping and the
guarantee that matching never opens a network connection."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ats_match.cli.main import app
from ats_match.formats.model import AchievementInfo
from ats_match.taxonomy import SkillMatcher, default_taxonomy
from ats_match.taxonomy.catalogue import catalogue_from_data, default_catalogue
from ats_match.taxonomy.eval_set import DEV_SET, TEST_SET, load_credentials
from tests.taxonomy.conftest import PYTHON

ESCO = "http://data.europa.eu/esco/skill/"
JAVA = ESCO + "19a8293b-8e95-4de3-983f-77484079c389"
PROJECT_MANAGEMENT = ESCO + "7111b95d-0ce3-441a-9d92-4c75d05c4388"
runner = CliRunner()


@pytest.fixture(scope="module")
def esco() -> SkillMatcher:
    return SkillMatcher(default_taxonomy())


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to open a socket or resolve a name fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network used: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield


def test_matching_never_touches_the_network(no_network: None) -> None:
    from ats_match.taxonomy.scoring import default_model
    from ats_match.taxonomy.semantic import default_embedder, default_vectors

    for cached in (default_embedder, default_vectors, default_model, default_catalogue):
        cached.cache_clear()
    matcher = SkillMatcher(default_taxonomy())
    result = matcher.match_credential(
        AchievementInfo(name="Barista course", description="Espresso and milk texturing.")
    )
    assert result.skills or result.suggestions
    assert matcher.semantic


@pytest.mark.parametrize(
    ("name", "description", "decoy"),
    [
        (
            "Python Handling and Safety Course",
            "Safe capture, handling and transport of pythons and other large constricting "
            "snakes for zoo keepers and wildlife rescue staff.",
            PYTHON,
        ),
        (
            "Java Barista Certificate",
            "Coffee bar training: espresso extraction, milk steaming and latte art with "
            "Java-grown single-origin beans.",
            JAVA,
        ),
    ],
)
def test_the_description_overrules_a_misleading_name(
    esco: SkillMatcher, name: str, description: str, decoy: str
) -> None:
    ranked = esco.ranked(AchievementInfo(name=name, description=description))
    assert ranked[0].uri != decoy
    assert decoy not in {
        m.uri
        for m in esco.match_credential(AchievementInfo(name=name, description=description)).skills
    }


def test_the_same_name_alone_still_means_the_language(esco: SkillMatcher) -> None:
    assert esco.ranked(AchievementInfo(name="Python programming"))[0].uri == PYTHON


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("CAPM", "project management"),
        ("PMP®", "project management"),
        ("CompTIA A+", "hardware components"),
        ("ServSafe Food Handler", "comply with food safety and hygiene"),
        ("BLS Provider", "resuscitation"),
        ("OSHA 30-Hour Construction Safety and Health", "health and safety in the workplace"),
        ("Certified Kubernetes Administrator (CKA)", "cloud technologies"),
    ],
)
def test_catalogue_resolves_common_credentials_exactly(
    esco: SkillMatcher, name: str, label: str
) -> None:
    result = esco.match_credential(AchievementInfo(name=name))
    assert result.skills[0].method == "catalogue" and result.skills[0].confidence == 1.0
    assert label in {m.label for m in result.skills}
    assert all(m.reason for m in result.skills)


def test_catalogue_abbreviations_are_case_sensitive(esco: SkillMatcher) -> None:
    assert esco.catalogue.lookup("bls") == []
    assert [e.id for e in esco.catalogue.lookup("BLS")] == ["aha-bls"]


def test_vendor_skill_joins_an_employer_taxonomy() -> None:
    catalogue = default_catalogue()
    taxonomy = default_taxonomy().merged(catalogue.vendor_taxonomy())
    matcher = SkillMatcher(taxonomy, catalogue=catalogue)
    result = matcher.match_credential(AchievementInfo(name="Certified Kubernetes Administrator"))
    labels = {m.label for m in result.skills}
    assert {"cloud technologies", "Kubernetes"} <= labels
    vendor = taxonomy.get("urn:ats-match:skill:kubernetes")
    assert vendor is not None and vendor.skill_type == "employer" and vendor.broader


def test_an_organisation_extends_the_catalogue(esco: SkillMatcher) -> None:
    own = catalogue_from_data(
        [
            {
                "id": "acme-forklift",
                "name": "ACME Yard Driver Permit",
                "abbreviations": ["AYDP"],
                "skills": [{"uri": PROJECT_MANAGEMENT, "reason": "in-house rule"}],
            }
        ]
    )
    matcher = SkillMatcher(default_taxonomy(), catalogue=default_catalogue().merged(own))
    result = matcher.match_credential(AchievementInfo(name="AYDP"))
    assert [m.uri for m in result.skills] == [PROJECT_MANAGEMENT]


def test_catalogue_ships_300_sourced_entries_across_domains() -> None:
    catalogue = default_catalogue()
    taxonomy = default_taxonomy()
    assert len(catalogue) >= 300
    assert len({e.domain for e in catalogue.entries.values()}) >= 12
    for entry in catalogue.entries.values():
        assert entry.source.startswith("https://") and entry.skills
        for skill in entry.skills:
            found = taxonomy.get(skill.uri)
            assert found is not None and found.preferred_label == skill.label and skill.reason


def test_eval_splits_are_disjoint_and_labelled_with_esco_concepts() -> None:
    dev, test = load_credentials(DEV_SET), load_credentials(TEST_SET)
    taxonomy = default_taxonomy()
    assert len(dev) + len(test) >= 150
    assert not {e.name for e in dev} & {e.name for e in test}
    everything = dev + test
    assert sum(e.trap for e in everything) >= 20
    assert sum(e.domain not in {"it", "data"} for e in everything) >= len(everything) * 2 / 3
    assert all(u in taxonomy for e in everything for u in e.expected)


def test_batch_keeps_input_order_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        {"name": "PMP", "description": "Project Management Professional"},
        "not an object",
        {
            "name": "Summer school",
            "alignments": [{"targetUrl": PYTHON, "targetName": "Python"}],
        },
        {"name": "Java Barista Certificate", "description": "Espresso and latte art."},
    ]
    path = tmp_path / "badges.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["normalise", "--batch", str(path), "--json"])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(out) == 4
    assert out[0]["skills"][0]["matched"]["method"] == "catalogue"
    assert "error" in out[1]
    assert out[2]["skills"][0]["uri"] == PYTHON
    assert JAVA not in {s["uri"] for s in out[3]["skills"]}
    assert {"skills", "suggestions", "unmapped"} <= out[3].keys()


def test_short_names_that_still_name_the_vendor_resolve(esco: SkillMatcher) -> None:
    catalogue = esco.catalogue
    assert [e.id for e in catalogue.lookup("Google Data Analytics")] == ["g-da"]
    assert {e.id for e in catalogue.lookup("AWS Solutions Architect")} == {"aws-saa", "aws-sap"}
    assert catalogue.lookup("Project Management") == []  # a skill, not the PMP
    assert catalogue.lookup("Project Management Certificate") == []


def test_an_abbreviation_inside_a_name_yields_to_a_description_about_something_else(
    esco: SkillMatcher,
) -> None:
    cpr = esco.match_credential(AchievementInfo(name="CPR and AED Certification"))
    assert cpr.skills[0].method == "catalogue"
    other = esco.ranked(
        AchievementInfo(
            name="CPR Programming with Python",
            description="Learn Python programming: loops, functions and data structures.",
        )
    )
    assert other[0].method == "semantic" and other[0].uri == PYTHON
