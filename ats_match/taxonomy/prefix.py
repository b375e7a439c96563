"""Skills whose label starts with what a person has typed so far: the editor's type-ahead
("pyth" finds "Python (computer programming)" before the word is complete)."""

from __future__ import annotations

from bisect import bisect_left

from ats_match.taxonomy.model import Taxonomy
from ats_match.taxonomy.text import normalise

_INDEXES: dict[int, tuple[Taxonomy, list[tuple[str, str]]]] = {}
_MAX_INDEXES = 8


def _index(taxonomy: Taxonomy) -> list[tuple[str, str]]:
    """(normalised label, uri) of every label and of every word suffix of it, sorted, built
    once per taxonomy object (the default one and each organisation's cached matcher)."""
    cached = _INDEXES.get(id(taxonomy))
    if cached is not None and cached[0] is taxonomy:
        return cached[1]
    rows: set[tuple[str, str]] = set()
    for skill in taxonomy:
        for label in skill.labels:
            words = normalise(label).split()
            rows.update((" ".join(words[i:]), skill.uri) for i in range(len(words)))
    index = sorted(rows)
    if len(_INDEXES) >= _MAX_INDEXES:
        _INDEXES.pop(next(iter(_INDEXES)))
    _INDEXES[id(taxonomy)] = (taxonomy, index)
    return index


def labels_starting(taxonomy: Taxonomy, typed: str, limit: int = 8) -> list[str]:
    """URIs of skills with a label (or a word of one) starting with ``typed``, preferred
    labels that start with it first, then shorter labels."""
    query = normalise(typed)
    if not query:
        return []
    index = _index(taxonomy)
    found: dict[str, str] = {}
    for label, uri in index[bisect_left(index, (query, "")) :]:
        if not label.startswith(query) or len(found) >= limit * 20:
            break
        found.setdefault(uri, label)

    def order(uri: str) -> tuple[bool, int, str]:
        skill = taxonomy.get(uri)
        preferred = normalise(skill.preferred_label) if skill else ""
        return (not preferred.startswith(query), len(preferred), preferred)

    return sorted(found, key=order)[:limit]
