"""The label index shipped in package data is the one a fresh build makes, and is refused for
any other taxonomy's labels."""

from __future__ import annotations

import time
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


def test_loading_the_shipped_index_is_fast() -> None:
    taxonomy = default_taxonomy()
    shipped_index(taxonomy)  # warm the file cache
    cpu = time.process_time()
    shipped_index(taxonomy)
    # Building it costs ~0.5 s CPU; loading must stay a small part of the < 1 s start-up.
    assert time.process_time() - cpu < 0.4
