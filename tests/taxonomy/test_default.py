"""The packaged ESCO default, the converter's heuristics, the eval harness and the CLI."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ats_match.cli.main import app
from ats_match.formats.model import AchievementInfo
from ats_match.taxonomy import SkillMatcher, default_taxonomy
from ats_match.taxonomy.build_default import LabelSegmenter, split_description
from ats_match.taxonomy.evaluate import LabelledText, evaluate, holdout_taxonomy, load_labelled
from tests.taxonomy.conftest import DATA_ANALYSIS, PYTHON

HELDOUT = Path(__file__).parents[2] / "ats_match/taxonomy/data/eval/esco_heldout.jsonl"
runner = CliRunner()


@pytest.fixture(scope="module")
def esco_matcher() -> SkillMatcher:
    return SkillMatcher(default_taxonomy())


def test_default_taxonomy_is_the_full_pillar_and_cached() -> None:
    default_taxonomy.cache_clear()
    start = time.perf_counter()
    taxonomy = default_taxonomy()
    assert time.perf_counter() - start < 5.0  # generous sanity bound; the target is < 1 s
    assert default_taxonomy() is taxonomy
    assert len(taxonomy) == 13_945
    python = taxonomy.get(PYTHON)
    assert python is not None and python.preferred_label == "Python (computer programming)"
    assert python.skill_type == "knowledge" and python.description
    assert all(s.uri.startswith("http://data.europa.eu/esco/skill/") for s in taxonomy)


def test_default_ships_a_notice_crediting_esco() -> None:
    notice = (Path(__file__).parents[2] / "ats_match/taxonomy/data/NOTICE").read_text()
    assert "European Union" in notice and "CC BY 4.0" in notice and "2011/833/EU" in notice


def test_description_split_skips_repeated_proper_nouns() -> None:
    words, description = split_description(
        "Haskell Haskell techniques The techniques and principles of programming in Haskell."
    )
    assert words == ["Haskell", "Haskell", "techniques"]
    assert description.startswith("The techniques")


def test_segmenter_cuts_before_label_opening_words() -> None:
    regions = [["manage", "staff"], ["apply", "rules"], ["manage", "budgets"], ["apply", "x"]] * 2
    segmenter = LabelSegmenter(regions)
    text = "manage musical staff apply music rules manage music staff"
    assert segmenter.segment(text.split()) == [
        "manage musical staff",
        "apply music rules",
        "manage music staff",
    ]


def test_multi_skill_badge_on_full_esco(esco_matcher: SkillMatcher) -> None:
    result = esco_matcher.match_credential(AchievementInfo(name="Python for data analysis"))
    uris = [m.uri for m in result.skills]
    assert uris[0] == PYTHON
    assert DATA_ANALYSIS in uris[:3]


def test_holdout_removes_the_label_and_labels_containing_it() -> None:
    taxonomy = default_taxonomy()
    example = LabelledText(text="Python", expected=[PYTHON], holdout=True)
    reduced = holdout_taxonomy(taxonomy, [example])
    python = reduced.get(PYTHON)
    assert python is not None
    assert not any("python" in a.casefold() for a in python.alt_labels)
    assert python.preferred_label == "Python (computer programming)"


def test_eval_on_a_slice_of_the_heldout_set() -> None:
    examples = load_labelled(HELDOUT)
    assert len(examples) > 500 and all(e.holdout for e in examples)
    report = evaluate(examples[:40], default_taxonomy())
    assert report.total == 40
    assert 0.0 < report.top1 <= report.top5 <= 1.0


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
    labelled.write_text(
        json.dumps({"text": "Python programming", "expected": [PYTHON]}) + "\n\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["taxonomy", "eval", str(labelled), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "total": 1,
        "top1": 1.0,
        "top5": 1.0,
        "unmapped_rate": 0.0,
        "threshold": 0.75,
    }


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
