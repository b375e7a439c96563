"""The label index shipped in package data is the one a fresh build makes, and is refused for
any other taxonomy's labels."""

from __future__ import annotations

from dataclasses import replace

from ats_match.taxonomy import default_taxonomy
from ats_match.taxonomy.index import LabelIndex
from ats_match.taxonomy.index_store import shipped_index
from ats_match.taxonomy.model import Taxonomy


def test_shipped_index_matches_a_fresh_build() -> None:
    taxonomy = default_taxonomy()
    shipped = shipped_index(taxonomy)
    assert shipped is not None, "run `ats-match taxonomy build` to regenerate esco_index.npz"
    fresh = LabelIndex(taxonomy, {})
    assert shipped.texts == fresh.texts
    assert shipped.normed == fresh.normed
    assert shipped.uris == fresh.uris
    assert shipped.from_synonym == fresh.from_synonym
    assert shipped.postings == fresh.postings
    assert shipped.idf == fresh.idf
    assert shipped.weight == fresh.weight
    query = "python programming for data analysis"
    assert shipped.candidates(query) == fresh.candidates(query)


def test_shipped_index_is_refused_for_other_labels() -> None:
    taxonomy = default_taxonomy()
    first = next(iter(taxonomy))
    changed = dict(taxonomy.skills)
    changed[first.uri] = replace(first, alt_labels=(*first.alt_labels, "a label ESCO lacks"))
    assert shipped_index(Taxonomy(skills=changed, name=taxonomy.name)) is None


def test_an_index_that_adds_skills_and_synonyms_extends_the_shipped_one() -> None:
    from ats_match.taxonomy.catalogue import default_catalogue
    from ats_match.taxonomy.index import appended_labels
    from ats_match.taxonomy.matcher import _index
    from ats_match.taxonomy.model import Skill

    default = default_taxonomy()
    own = Taxonomy.from_skills(
        [Skill("urn:acme:skill:widgets", "widget wrangling", ("wrangle widgets",))]
    )
    taxonomy = default.merged(default_catalogue().vendor_taxonomy()).merged(own)
    python = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
    synonyms = {"snake code": [python], "widgetry": ["urn:acme:skill:widgets"]}
    extra = appended_labels(default, taxonomy, synonyms)
    assert extra is not None and ("snake code", python, True) in extra
    extended = _index(taxonomy, synonyms)
    fresh = LabelIndex(taxonomy, synonyms)
    assert extended.texts == fresh.texts and extended.uris == fresh.uris
    assert extended.normed == fresh.normed and extended.from_synonym == fresh.from_synonym
    assert extended.postings == fresh.postings
    assert extended.idf == fresh.idf and extended.weight == fresh.weight
    for query in ("wrangle widgets", "kubernetes administration", "snake code"):
        assert extended.candidates(query) == fresh.candidates(query)


def test_a_taxonomy_that_changes_an_esco_skill_is_indexed_afresh() -> None:
    from ats_match.taxonomy.index import appended_labels
    from ats_match.taxonomy.model import Skill

    default = default_taxonomy()
    first = next(iter(default))
    relabelled = Taxonomy.from_skills([Skill(first.uri, "a label of our own")])
    assert appended_labels(default, default.merged(relabelled), {}) is None
