"""An inverted index from stemmed label token to label ids, with typo-tolerant token lookup."""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import fuzz, process

from ats_match.taxonomy.model import Taxonomy
from ats_match.taxonomy.text import normalise, normalised_tokens, tokens

_SHORTLIST = 40
_COMMON_DF = 400  # tokens in more labels than this only re-rank, never add candidates


class LabelIndex:
    """Every label of a taxonomy, with an inverted index from stemmed token to label ids."""

    def __init__(self, taxonomy: Taxonomy, synonyms: Mapping[str, Iterable[str]]) -> None:
        self.texts: list[str] = []
        self.normed: list[str] = []
        self.uris: list[str] = []
        self.from_synonym: list[bool] = []
        self.weight: list[float] = []
        for skill in taxonomy:
            for label in skill.labels:
                self._add(label, skill.uri, synonym=False)
        for term, uris in synonyms.items():
            for uri in uris:
                if uri in taxonomy:
                    self._add(term, uri, synonym=True)
        self._build_postings()

    def _add(self, text: str, uri: str, *, synonym: bool) -> None:
        self.texts.append(text)
        self.normed.append(normalise(text))
        self.uris.append(uri)
        self.from_synonym.append(synonym)

    @classmethod
    def from_parts(
        cls,
        *,
        texts: list[str],
        normed: list[str],
        uris: list[str],
        postings: dict[str, list[int]],
        weight: list[float],
    ) -> LabelIndex:
        """An index from what :meth:`_build_postings` computed before (the shipped default's
        index, see :mod:`ats_match.taxonomy.index_store`), without re-tokenising any label."""
        index = cls.__new__(cls)
        index.texts, index.normed, index.uris = texts, normed, uris
        index.from_synonym = [False] * len(texts)
        index._set_postings(postings)
        index.weight = weight
        return index

    def extended(self, extra: Sequence[tuple[str, str, bool]]) -> LabelIndex:
        """This index with more labels (text, skill URI, from a synonym?) after its own: what
        ``LabelIndex(taxonomy, synonyms)`` builds for a taxonomy that appends skills to this
        one's, without tokenising this one's labels again (~0.1 s instead of ~0.5 s for the
        default's 100k labels). Every idf and weight is recomputed, as a fresh build would."""
        index = LabelIndex.from_parts(
            texts=[*self.texts, *(text for text, _, _ in extra)],
            normed=[*self.normed, *(normalise(text) for text, _, _ in extra)],
            uris=[*self.uris, *(uri for _, uri, _ in extra)],
            postings={tok: list(ids) for tok, ids in self.postings.items()},
            weight=[],
        )
        index.from_synonym = [*self.from_synonym, *(synonym for _, _, synonym in extra)]
        for i in range(len(self.normed), len(index.normed)):
            for tok in set(normalised_tokens(index.normed[i])):
                index.postings.setdefault(tok, []).append(i)
        index._set_postings(index.postings)
        # A label's weight sums its tokens' squared idf in sorted token order, as a fresh build
        # does per label: walking the tokens in that order adds the same floats in the same order.
        sums = [0.0] * len(index.normed)
        idf = index.idf
        for tok in sorted(index.postings):
            square = idf[tok] ** 2
            for i in index.postings[tok]:
                sums[i] += square
        index.weight = [math.sqrt(total) for total in sums]
        return index

    def _build_postings(self) -> None:
        postings: dict[str, list[int]] = defaultdict(list)
        token_lists = [normalised_tokens(text) for text in self.normed]
        for i, toks in enumerate(token_lists):
            for tok in set(toks):
                postings[tok].append(i)
        self._set_postings(dict(postings))
        self.weight = [
            math.sqrt(sum(self.idf[t] ** 2 for t in sorted(set(toks)))) for toks in token_lists
        ]

    def _set_postings(self, postings: dict[str, list[int]]) -> None:
        n = len(self.normed) or 1
        self.idf = {tok: math.log(n / len(ids)) + 1.0 for tok, ids in postings.items()}
        self.max_idf = math.log(n) + 1.0
        self.postings = postings
        self._sets: dict[str, frozenset[int]] = {}
        self.by_initial: dict[str, list[str]] = defaultdict(list)
        for tok in self.postings:
            self.by_initial[tok[0]].append(tok)

    def resolve(self, token: str) -> str | None:
        """The token itself if indexed, else the closest indexed spelling (typos), else None."""
        if token in self.postings:
            return token
        if len(token) < 4:
            return None
        # Typos rarely hit the first letter: comparing within its bucket is ~20x less work.
        bucket = self.by_initial.get(token[0], [])
        best = process.extractOne(token, bucket, scorer=fuzz.ratio, score_cutoff=85)
        return best[0] if best else None

    def candidates(self, query: str, limit: int = _SHORTLIST) -> list[tuple[int, float]]:
        """Label ids sharing weighted tokens with ``query``, best cosine-like overlap first.

        Rare tokens propose candidates; tokens in more than ``_COMMON_DF`` labels ("manage",
        "data") only add weight to candidates already proposed, which keeps the work per query
        small without losing labels that share a distinctive word.
        """
        wanted = sorted(set(tokens(query)))  # sorted: float sums must not depend on hash order
        resolved = {tok: self.resolve(tok) for tok in wanted}
        toks = {t for t in resolved.values() if t}
        if not toks:
            return []
        # A word the index has never seen still counts against the overlap, at the rarest idf.
        unseen = sum(1 for t in resolved.values() if t is None) * self.max_idf**2
        scores: dict[int, float] = {}
        for tok in sorted(toks, key=lambda t: (len(self.postings[t]), t)):  # deterministic ties
            idf = self.idf[tok] ** 2
            ids = self.postings[tok]
            if len(ids) > _COMMON_DF and scores:
                members = self._posting_set(tok)
                for i in scores.keys() & members:
                    scores[i] += idf
            else:
                get = scores.get
                for i in ids:
                    scores[i] = get(i, 0.0) + idf
        qnorm = math.sqrt(sum(self.idf[t] ** 2 for t in sorted(toks)) + unseen)
        weight = self.weight
        top = heapq.nlargest(limit, scores.items(), key=lambda p: p[1] / weight[p[0]])
        return [(i, s / (qnorm * weight[i])) for i, s in top]

    def _posting_set(self, token: str) -> frozenset[int]:
        found = self._sets.get(token)
        if found is None:
            found = self._sets[token] = frozenset(self.postings[token])
        return found


def appended_labels(
    base: Taxonomy, taxonomy: Taxonomy, synonyms: Mapping[str, Iterable[str]]
) -> list[tuple[str, str, bool]] | None:
    """The labels ``LabelIndex(taxonomy, synonyms)`` numbers after ``base``'s, when
    ``taxonomy`` starts with ``base``'s skills unchanged (as ``base.merged(new skills)`` does);
    None when it does not, and the index must be built afresh."""
    if len(taxonomy) < len(base):
        return None
    skills = list(taxonomy)
    for own, theirs in zip(skills, base, strict=False):  # base is the shorter
        if own is not theirs and (own.uri != theirs.uri or own.labels != theirs.labels):
            return None
    added = skills[len(base) :]
    extra = [(label, skill.uri, False) for skill in added for label in skill.labels]
    extra += [
        (term, uri, True) for term, uris in synonyms.items() for uri in uris if uri in taxonomy
    ]
    return extra
