"""Fixtures: a tiny ESCO-export-format taxonomy written to disk, and matchers over it.

The Python and data-analysis URIs are ESCO's real ones; the others are made up for the tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ats_match.taxonomy import SkillMatcher, Taxonomy, load_esco_csv

ESCO = "http://data.europa.eu/esco/skill/"
PYTHON = ESCO + "ccd0a1d9-afda-43d9-b901-96344886e14d"
DATA_ANALYSIS = ESCO + "2b92a5b2-6758-4ee3-9fb4-b6387a55cc8f"
JAVASCRIPT = ESCO + "0c4ea5e6-38c0-4b10-9b1b-6f7a1e5b2f01"
PROGRAMMING = ESCO + "21d2f96d-35f7-4e3f-9745-c533d2dd6e97"
WELDING = ESCO + "7d3f0b8a-1111-4a4a-9b9b-222233334444"
TEAMWORK = ESCO + "b6b1c3a2-5555-4d4d-8e8e-666677778888"

SKILLS_CSV = f"""conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,scopeNote,definition,inScheme,description
KnowledgeSkillCompetence,{PYTHON},knowledge,sector-specific,Python (computer programming),"Python
Python programming
Python language",pyhton,released,2023-01-01,,,x,"The techniques and principles of software development in Python."
KnowledgeSkillCompetence,{DATA_ANALYSIS},skill/competence,cross-sector,perform data analysis,"data analysis
analyse data
analysing data",,released,2023-01-01,,,x,"Collect and evaluate numerical data, in order to discover patterns."
KnowledgeSkillCompetence,{JAVASCRIPT},knowledge,sector-specific,JavaScript,"JS programming
ECMAScript",,released,2023-01-01,,,x,"Software development in JavaScript."
KnowledgeSkillCompetence,{PROGRAMMING},knowledge,cross-sector,computer programming,"software coding
programming paradigms",,released,2023-01-01,,,x,"Programming principles."
KnowledgeSkillCompetence,{WELDING},skill/competence,sector-specific,operate welding equipment,"use welding equipment
arc welding",,released,2023-01-01,,,x,"Use welding equipment to melt and join metal."
KnowledgeSkillCompetence,{TEAMWORK},skill/competence,transversal,work in teams,"teamwork
collaborate with colleagues",,released,2023-01-01,,,x,"Work confidently within a group."
"""

BROADER_CSV = f"""conceptType,conceptUri,conceptLabel,broaderType,broaderUri,broaderLabel
KnowledgeSkillCompetence,{PYTHON},Python (computer programming),KnowledgeSkillCompetence,{PROGRAMMING},computer programming
KnowledgeSkillCompetence,{JAVASCRIPT},JavaScript,KnowledgeSkillCompetence,{PROGRAMMING},computer programming
KnowledgeSkillCompetence,{PROGRAMMING},computer programming,SkillGroup,http://data.europa.eu/esco/isced-f/0613,software and applications development and analysis
"""


@pytest.fixture
def esco_files(tmp_path: Path) -> tuple[Path, Path]:
    """skills_en.csv and broaderRelationsSkillPillar.csv in the official export's format."""
    skills = tmp_path / "skills_en.csv"
    broader = tmp_path / "broaderRelationsSkillPillar.csv"
    skills.write_text(SKILLS_CSV, encoding="utf-8")
    broader.write_text(BROADER_CSV, encoding="utf-8")
    return skills, broader


@pytest.fixture
def tiny(esco_files: tuple[Path, Path]) -> Taxonomy:
    return load_esco_csv(*esco_files)


@pytest.fixture
def matcher(tiny: Taxonomy) -> SkillMatcher:
    """The lexical path (the fallback without embeddings) over the tiny taxonomy."""
    return SkillMatcher(tiny, semantic=False)


@pytest.fixture
def semantic_tiny(tiny: Taxonomy) -> SkillMatcher:
    """The semantic path over the tiny taxonomy (its skills embedded on the fly)."""
    return SkillMatcher(tiny)
