"""Loaders: official ESCO export, employer taxonomies, synonyms, crosswalks."""

from __future__ import annotations

from pathlib import Path

import pytest

from ats_match.taxonomy import (
    TaxonomyFileError,
    load_crosswalk,
    load_employer_taxonomy,
    load_esco_csv,
    load_synonyms,
)
from ats_match.taxonomy.model import Skill, Taxonomy
from tests.taxonomy.conftest import DATA_ANALYSIS, JAVASCRIPT, PROGRAMMING, PYTHON


def test_esco_export_reads_multiline_alt_labels_and_hidden_labels(tiny: Taxonomy) -> None:
    python = tiny.get(PYTHON)
    assert python is not None
    assert python.preferred_label == "Python (computer programming)"
    assert python.alt_labels == ("Python", "Python programming", "Python language", "pyhton")
    assert python.skill_type == "knowledge"
    assert python.description.startswith("The techniques")
    assert len(tiny) == 6


def test_esco_export_without_hidden_labels(esco_files: tuple[Path, Path]) -> None:
    taxonomy = load_esco_csv(esco_files[0], include_hidden=False)
    python = taxonomy.get(PYTHON)
    assert python is not None and "pyhton" not in python.alt_labels


def test_broader_relations_give_hierarchy_both_ways(tiny: Taxonomy) -> None:
    python = tiny.get(PYTHON)
    assert python is not None and python.broader == (PROGRAMMING,)
    assert {s.uri for s in tiny.narrower(PROGRAMMING)} == {PYTHON, JAVASCRIPT}
    assert [s.uri for s in tiny.broader(PYTHON)] == [PROGRAMMING]
    programming = tiny.get(PROGRAMMING)
    # A broader concept outside the skills file (a skill group) is kept as a reference.
    assert programming is not None
    assert programming.broader == ("http://data.europa.eu/esco/isced-f/0613",)
    assert tiny.broader(PROGRAMMING) == []


def test_lookup_by_label_is_normalised(tiny: Taxonomy) -> None:
    assert [s.uri for s in tiny.by_label("  python PROGRAMMING ")] == [PYTHON]
    assert [s.uri for s in tiny.by_label("Analysing data")] == [DATA_ANALYSIS]
    assert tiny.by_label("basket weaving") == []


def test_esco_export_missing_columns_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "skills_en.csv"
    bad.write_text("conceptUri,preferredLabel\nhttp://x/1,\n", encoding="utf-8")
    with pytest.raises(TaxonomyFileError, match=r"skills_en\.csv:2"):
        load_esco_csv(bad)


def test_employer_taxonomy_csv(tmp_path: Path) -> None:
    path = tmp_path / "acme.csv"
    path.write_text(
        "uri,preferred_label,alt_labels,description,skill_type,broader\n"
        "acme:forklift,forklift operation,fork-lift driving|reach truck,Drive forklifts.,skill,"
        f"{PROGRAMMING}\n",
        encoding="utf-8",
    )
    taxonomy = load_employer_taxonomy(path)
    skill = taxonomy.get("acme:forklift")
    assert skill == Skill(
        "acme:forklift",
        "forklift operation",
        ("fork-lift driving", "reach truck"),
        "Drive forklifts.",
        "skill",
        (PROGRAMMING,),
    )
    assert taxonomy.name == "acme"


def test_employer_taxonomy_yaml_merges_over_esco(tmp_path: Path, tiny: Taxonomy) -> None:
    path = tmp_path / "acme.yaml"
    path.write_text(
        "skills:\n"
        "  - uri: acme:forklift\n"
        "    label: forklift operation\n"
        "    alt_labels: [reach truck]\n"
        f"  - uri: {PYTHON}\n"
        "    label: Python\n"
        "    alt_labels: [Py]\n",
        encoding="utf-8",
    )
    merged = tiny.merged(load_employer_taxonomy(path))
    assert "acme:forklift" in merged and len(merged) == 7
    python = merged.get(PYTHON)
    assert python is not None and python.preferred_label == "Python"
    assert "Py" in python.alt_labels and "Python (computer programming)" in python.alt_labels
    assert python.broader == (PROGRAMMING,)  # ESCO's hierarchy survives the override


def test_employer_taxonomy_yaml_needs_uri_and_label(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text("- label: no uri\n", encoding="utf-8")
    with pytest.raises(TaxonomyFileError, match=r"\[0\]"):
        load_employer_taxonomy(path)


def test_synonyms_csv_resolves_labels_and_uris(tmp_path: Path, tiny: Taxonomy) -> None:
    path = tmp_path / "synonyms.csv"
    path.write_text(f"term,skill\nJS,JavaScript\nPandas,{PYTHON}\n", encoding="utf-8")
    assert load_synonyms(path, tiny) == {"JS": [JAVASCRIPT], "Pandas": [PYTHON]}


def test_synonyms_yaml(tmp_path: Path, tiny: Taxonomy) -> None:
    path = tmp_path / "synonyms.yaml"
    path.write_text("JavaScript: [JS, Node]\nperform data analysis: number crunching\n")
    assert load_synonyms(path, tiny) == {
        "JS": [JAVASCRIPT],
        "Node": [JAVASCRIPT],
        "number crunching": [DATA_ANALYSIS],
    }


def test_synonym_for_unknown_label_is_an_error(tmp_path: Path, tiny: Taxonomy) -> None:
    path = tmp_path / "synonyms.csv"
    path.write_text("term,skill\nJS,Javascript frameworks\n", encoding="utf-8")
    with pytest.raises(TaxonomyFileError, match="no skill labelled"):
        load_synonyms(path, tiny)


def test_crosswalk_csv_and_framework_aliases(tmp_path: Path) -> None:
    path = tmp_path / "crosswalk.csv"
    path.write_text(
        "framework,code,esco_uri\n"
        f"O*NET,15-1252.00,{PROGRAMMING}\n"
        f"Lightcast,KS1200364C9C1LK3V5Q1,{PYTHON}\n"
        f"OSN,https://osn.example/rsd/123,{DATA_ANALYSIS}\n",
        encoding="utf-8",
    )
    crosswalk = load_crosswalk(path)
    assert len(crosswalk) == 3
    assert crosswalk.lookup("onet-soc", "15-1252.00") == [PROGRAMMING]
    assert crosswalk.lookup("EMSI", "ks1200364c9c1lk3v5q1") == [PYTHON]
    assert crosswalk.lookup("Open Skills Network", "https://osn.example/rsd/123") == [DATA_ANALYSIS]
    assert crosswalk.lookup(None, "15-1252.00") == [PROGRAMMING]
    assert crosswalk.lookup("Lightcast", "15-1252.00") == []


def test_crosswalk_yaml_with_lists_and_labels(tmp_path: Path, tiny: Taxonomy) -> None:
    path = tmp_path / "crosswalk.yaml"
    path.write_text(
        "onet:\n  15-2051.00: [perform data analysis, " + PYTHON + "]\n", encoding="utf-8"
    )
    assert load_crosswalk(path, tiny).lookup("O*NET", "15-2051.00") == [DATA_ANALYSIS, PYTHON]


def test_crosswalk_row_without_target_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "crosswalk.csv"
    path.write_text("framework,code,esco_uri\nonet,15-1252.00,\n", encoding="utf-8")
    with pytest.raises(TaxonomyFileError, match=r"crosswalk\.csv:2"):
        load_crosswalk(path)
