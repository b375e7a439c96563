"""An organisation's matcher: ESCO plus its own taxonomy, synonyms and credential catalogue.

The server keeps these as three JSON documents per organisation (``SkillFile`` rows); this
module turns them into a :class:`SkillMatcher`, raising :class:`TaxonomyFileError` for a
document that does not parse, so a bad upload is refused before it is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ats_match.taxonomy.catalogue import catalogue_from_data, default_catalogue
from ats_match.taxonomy.loaders import (
    default_taxonomy,
    employer_taxonomy_from_data,
    synonyms_from_data,
)
from ats_match.taxonomy.matcher import SkillMatcher

TAXONOMY, SYNONYMS, CATALOGUE = "taxonomy", "synonyms", "catalogue"


def organisation_matcher(files: Mapping[str, Any]) -> SkillMatcher:
    """The matcher for an organisation's documents (any of taxonomy / synonyms / catalogue)."""
    taxonomy = default_taxonomy()
    catalogue = default_catalogue()
    if CATALOGUE in files:
        catalogue = catalogue.merged(catalogue_from_data(files[CATALOGUE], CATALOGUE))
    vendor = catalogue.vendor_taxonomy()
    if len(vendor):
        taxonomy = taxonomy.merged(vendor, name=taxonomy.name)
    if TAXONOMY in files:
        own = employer_taxonomy_from_data(files[TAXONOMY], "organisation", TAXONOMY)
        taxonomy = taxonomy.merged(own, name=f"{taxonomy.name}+organisation")
    synonyms = synonyms_from_data(files[SYNONYMS], taxonomy, SYNONYMS) if SYNONYMS in files else {}
    return SkillMatcher(taxonomy, synonyms=synonyms, catalogue=catalogue)
