"""Skill normalisation: ESCO (or an employer's) taxonomy, loaders, and the credential matcher.

``default_taxonomy()`` loads the packaged ESCO skills pillar lazily (once, cached);
``SkillMatcher`` maps credentials and free text to its skills with an explanation for each.
ESCO data: (c) European Union, CC BY 4.0 (Commission Decision 2011/833/EU); see ``data/NOTICE``.
"""

from __future__ import annotations

from ats_match.taxonomy.loaders import (
    Crosswalk,
    TaxonomyFileError,
    default_taxonomy,
    load_broader_relations,
    load_crosswalk,
    load_employer_taxonomy,
    load_esco_csv,
    load_synonyms,
)
from ats_match.taxonomy.matcher import NormalisationResult, SkillMatch, SkillMatcher
from ats_match.taxonomy.model import Skill, Taxonomy

__all__ = [
    "Crosswalk",
    "NormalisationResult",
    "Skill",
    "SkillMatch",
    "SkillMatcher",
    "Taxonomy",
    "TaxonomyFileError",
    "default_taxonomy",
    "load_broader_relations",
    "load_crosswalk",
    "load_employer_taxonomy",
    "load_esco_csv",
    "load_synonyms",
]
