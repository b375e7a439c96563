"""The packaged ESCO default, the converter's heuristics, the eval harness and the CLI."""

from __future__ import annotations

import csv
import gzip
import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ats_match.cli.main import app
from ats_match.formats.model import AchievementInfo
from ats_match.taxonomy import SkillMatcher, default_taxonomy, load_esco_csv
from ats_match.taxonomy.ict import default_ict_skills
from ats_match.taxonomy.occupations import default_occupations
from tests.taxonomy.conftest import DATA_ANALYSIS, PYTHON

SOURCE = Path(__file__).parents[2] / ".." / "shared" / "taxonomy"
needs_source = pytest.mark.skipif(
    not (SOURCE / "esco_skills_en.csv.gz").exists(), reason="shared/taxonomy not beside the repo"
)
runner = CliRunner()


@pytest.fixture(scope="module")
def esco_matcher() -> SkillMatcher:
    return SkillMatcher(default_taxonomy())


def test_default_taxonomy_is_the_full_pillar_and_cached() -> None:
    default_taxonomy.cache_clear()
    start = time.perf_counter()
    taxonomy = default_taxonomy()
    assert time.perf_counter() - start < 2.0  # measured ~0.3 s; bench/normalise reports it
    assert default_taxonomy() is taxonomy
    assert len(taxonomy) == 13_939
    python = taxonomy.get(PYTHON)
    assert python is not None and python.preferred_label == "Python (computer programming)"
    assert python.skill_type == "knowledge" and python.description
    assert all(s.uri.startswith("http://data.europa.eu/esco/skill/") for s in taxonomy)


def _source_rows() -> dict[str, dict[str, str]]:
    with gzip.open(SOURCE / "esco_skills_en.csv.gz", "rt", encoding="utf-8") as fh:
        return {row["conceptUri"]: row for row in csv.DictReader(fh)}


@needs_source
def test_every_shipped_skill_is_esco_own_concept_with_its_own_labels() -> None:
    rows = _source_rows()
    taxonomy = default_taxonomy()
    assert set(taxonomy.skills) == set(rows)
    for skill in taxonomy:
        row = rows[skill.uri]
        assert skill.preferred_label == row["preferredLabel"]
        alts = [a.strip() for a in row["altLabels"].split("\n") if a.strip()]
        assert set(skill.alt_labels) == set(alts) - {row["preferredLabel"]}
        assert skill.description == row["description"].strip()


@needs_source
def test_ict_skills_are_esco_own_ict_collection() -> None:
    with gzip.open(SOURCE / "esco_ict_skills.json.gz", "rt", encoding="utf-8") as fh:
        collection = {row["uri"] for row in json.load(fh)}
    taxonomy = default_taxonomy()
    shipped = default_ict_skills()
    assert shipped == collection & set(taxonomy.skills)
    assert PYTHON in shipped and len(shipped) > 800


@needs_source
def test_hierarchy_comes_from_the_broader_relations_file() -> None:
    with gzip.open(SOURCE / "broaderRelationsSkillPillar_v1.0.csv.gz", "rt") as fh:
        pairs = {(r["conceptUri"], r["broaderUri"]) for r in csv.DictReader(fh)}
    taxonomy = default_taxonomy()
    shipped = {(s.uri, b) for s in taxonomy for b in s.broader}
    assert shipped and shipped <= pairs
    assert shipped == {(c, b) for c, b in pairs if c in taxonomy}
    programming = taxonomy.broader(PYTHON)[0]
    assert programming.preferred_label == "computer programming"
    assert PYTHON in {s.uri for s in taxonomy.narrower(programming.uri)}


@needs_source
def test_occupations_ship_for_job_title_search() -> None:
    with gzip.open(SOURCE / "occupations_en_v1.1.1.csv.gz", "rt", encoding="utf-8") as fh:
        uris = {r["conceptUri"] for r in csv.DictReader(fh)}
    occupations = default_occupations()
    assert set(occupations.occupations) == uris
    best, score = occupations.search("software developer", limit=3)[0]
    assert best.preferred_label == "software developer" and score == 1.0


def test_official_export_format_reads_gzipped_and_renamed_columns(tmp_path: Path) -> None:
    path = tmp_path / "skills_en.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.write("conceptUri,preferredLabel,altLabels,description,skillType_v1.0\n")
        fh.write(f'{PYTHON},Python (computer programming),"Python\nPython 3K",Code.,knowledge\n')
    taxonomy = load_esco_csv(path)
    skill = taxonomy.get(PYTHON)
    assert skill is not None and skill.alt_labels == ("Python", "Python 3K")
    assert skill.skill_type == "knowledge"


def test_default_ships_a_notice_crediting_esco() -> None:
    notice = (Path(__file__).parents[2] / "ats_match/taxonomy/data/NOTICE").read_text()
    assert "European Union" in notice and "CC BY 4.0" in notice and "2011/833/EU" in notice


def test_multi_skill_badge_on_full_esco(esco_matcher: SkillMatcher) -> None:
    ranked = esco_matcher.ranked(AchievementInfo(name="Python for data analysis"), top=5)
    uris = [m.uri for m in ranked]
    assert uris[0] == PYTHON
    assert DATA_ANALYSIS in uris


def test_cli_normalise_json() -> None:
    result = runner.invoke(app, ["normalise", "Python for data analysis", "--json", "--top", "3"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["unmapped"] is False
    assert payload["skills"][0]["uri"] == PYTHON
    assert {"confidence", "method", "matched_label", "matched_text"} <= payload["skills"][0].keys()


def test_cli_normalise_table_shows_unmapped() -> None:
    result = runner.invoke(app, ["normalise", "zzqx vvbn"])
    assert result.exit_code == 0, result.output
    assert "unmapped" in result.output


def test_cli_taxonomy_eval_json(tmp_path: Path) -> None:
    labelled = tmp_path / "set.jsonl"
    row = {"name": "PCEP \u2013 Certified Entry-Level Python Programmer", "expected": [PYTHON]}
    labelled.write_text(json.dumps(row) + "\n\n", encoding="utf-8")
    result = runner.invoke(app, ["taxonomy", "eval", str(labelled), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["total"], report["top1"], report["top5"]) == (1, 1.0, 1.0)
    assert report["top1_method"] == {"catalogue": 1}


def test_cli_taxonomy_eval_on_the_shipped_test_split() -> None:
    result = runner.invoke(app, ["taxonomy", "eval", "--json", "--no-catalogue"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["total"] >= 90 and report["calibration"] and report["domains"]
    assert report["top5"] >= report["top1"] > 0.4


def test_cli_taxonomy_eval_rejects_a_bad_file(tmp_path: Path) -> None:
    labelled = tmp_path / "set.jsonl"
    labelled.write_text('{"text": "x", "expected": []}\n', encoding="utf-8")
    result = runner.invoke(app, ["taxonomy", "eval", str(labelled)])
    assert result.exit_code == 2


def test_cli_taxonomy_info_and_show_with_an_esco_export(esco_files: tuple[Path, Path]) -> None:
    skills, broader = map(str, esco_files)
    info = runner.invoke(
        app, ["taxonomy", "info", "--json", "--esco-csv", skills, "--broader", broader]
    )
    assert info.exit_code == 0, info.output
    assert json.loads(info.output)["broader_links"] == 3
    show = runner.invoke(
        app, ["taxonomy", "show", PYTHON, "--esco-csv", skills, "--broader", broader]
    )
    assert show.exit_code == 0, show.output
    assert json.loads(show.output)["broader"] == [
        "http://data.europa.eu/esco/skill/21d2f96d-35f7-4e3f-9745-c533d2dd6e97"
    ]
