"""Credential -> skills matching, in order of trust: explicit alignments and crosswalks, recruiter
overrides, employer synonyms, then fuzzy matching on an inverted token index plus rapidfuzz."""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Literal

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from ats_match.formats.model import AchievementInfo, Alignment
from ats_match.taxonomy.loaders import Crosswalk, framework_key, normalised_synonyms
from ats_match.taxonomy.model import Taxonomy
from ats_match.taxonomy.text import normalise, segments, tokens

Method = Literal["alignment", "crosswalk", "override", "fuzzy", "synonym"]
_ESCO_URI = re.compile(r"^https?://data\.europa\.eu/esco/skill/[0-9a-f-]{36}$", re.IGNORECASE)
_ESCO_SKILL = "http://data.europa.eu/esco/skill/"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SHORTLIST = 40
_FUZZY_WEIGHT = 0.6  # the rest of the confidence is weighted token overlap
_SEGMENT_FLOOR = 0.8
_SEGMENT_SPAN = 0.15  # a segment's score is scaled by FLOOR + SPAN * its share of the text
DEFAULT_THRESHOLD = 0.75  # chosen on the held-out set: see docs/taxonomy.md
_COMMON_DF = 400  # tokens in more labels than this only re-rank, never add candidates
_DESCRIPTION_WEIGHT = 0.9  # a match found only in the long description is less certain


class SkillMatch(BaseModel):
    """One skill a credential maps to, with the explanation a recruiter sees."""

    uri: str
    label: str
    confidence: float = Field(ge=0.0, le=1.0)
    method: Method
    matched_label: str | None = None
    """The taxonomy label (or synonym / alignment name) that matched."""
    matched_text: str | None = None
    """The piece of the credential that matched it."""


class NormalisationResult(BaseModel):
    """A credential's skills; ``unmapped`` when none reached the threshold."""

    skills: list[SkillMatch] = Field(default_factory=list)
    unmapped: bool = False
    suggestions: list[SkillMatch] = Field(default_factory=list)


class LabelIndex:
    """Every label of a taxonomy, with an inverted index from stemmed token to label ids."""

    def __init__(self, taxonomy: Taxonomy, synonyms: Mapping[str, Iterable[str]]) -> None:
        self.texts: list[str] = []
        self.normed: list[str] = []
        self.uris: list[str] = []
        self.from_synonym: list[bool] = []
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

    def _build_postings(self) -> None:
        postings: dict[str, list[int]] = defaultdict(list)
        self.weight: list[float] = []
        token_lists = [tokens(text) for text in self.normed]
        for i, toks in enumerate(token_lists):
            for tok in set(toks):
                postings[tok].append(i)
        n = len(self.normed) or 1
        self.idf = {tok: math.log(n / len(ids)) + 1.0 for tok, ids in postings.items()}
        self.max_idf = math.log(n) + 1.0
        self.postings = dict(postings)
        self._sets: dict[str, frozenset[int]] = {}
        self.by_initial: dict[str, list[str]] = defaultdict(list)
        for tok in self.postings:
            self.by_initial[tok[0]].append(tok)
        self.weight = [
            math.sqrt(sum(self.idf[t] ** 2 for t in sorted(set(toks)))) for toks in token_lists
        ]

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


class SkillMatcher:
    """Maps credentials and free text to skills of one taxonomy (see module docstring)."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        *,
        synonyms: Mapping[str, Iterable[str]] | None = None,
        crosswalks: Crosswalk | Iterable[Crosswalk] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> None:
        self.taxonomy = taxonomy
        self.threshold = threshold
        self.synonyms = normalised_synonyms(synonyms or {})
        if crosswalks is None:
            crosswalks = []
        self.crosswalks = [crosswalks] if isinstance(crosswalks, Crosswalk) else list(crosswalks)
        self.index = LabelIndex(taxonomy, synonyms or {})

    # -- free text -------------------------------------------------------------------------

    def match_text(self, text: str, top: int = 5) -> list[SkillMatch]:
        """The ``top`` skills for ``text``: the whole text and each of its segments are matched,
        so a multi-skill title yields each skill it names."""
        best: dict[str, SkillMatch] = {}
        scored: dict[str, tuple[float, int, str]] = {}
        whole = len(tokens(text)) or 1
        for piece in dict.fromkeys([text, *segments(text)]):
            exact = self._synonym_matches(piece)
            for match in exact:
                self._keep_best(best, match)
            if not exact:
                # A segment names only part of the text: the less of it, the lower its ceiling.
                share = min(len(tokens(piece)) / whole, 1.0)
                factor = 1.0 if piece == text else _SEGMENT_FLOOR + _SEGMENT_SPAN * share
                self._score_piece(piece, scored, factor=factor)
        ranked = sorted(scored.items(), key=lambda kv: -kv[1][0])[: top + len(best)]
        for uri, (score, i, piece) in ranked:
            if uri not in best:
                best[uri] = self._fuzzy_match(i, score, piece)
        return sorted(best.values(), key=lambda m: -m.confidence)[:top]

    def _score_piece(
        self, piece: str, scored: dict[str, tuple[float, int, str]], *, factor: float
    ) -> None:
        """Fuzzy-score one piece's shortlist into ``scored`` (uri -> best (score, label, piece))."""
        query = normalise(piece)
        if not query:
            return
        index = self.index
        for i, overlap in index.candidates(query):
            fuzzy = fuzz.WRatio(query, index.normed[i], processor=None) / 100.0
            score = factor * (_FUZZY_WEIGHT * fuzzy + (1 - _FUZZY_WEIGHT) * min(overlap, 1.0))
            uri = index.uris[i]
            old = scored.get(uri)
            if old is None or score > old[0]:
                scored[uri] = (score, i, piece)

    def _fuzzy_match(self, i: int, score: float, piece: str) -> SkillMatch:
        uri = self.index.uris[i]
        skill = self.taxonomy.skills[uri]
        return SkillMatch(
            uri=uri,
            label=skill.preferred_label,
            confidence=round(min(max(score, 0.0), 1.0), 4),
            method="synonym" if self.index.from_synonym[i] else "fuzzy",
            matched_label=self.index.texts[i],
            matched_text=piece,
        )

    def _synonym_matches(self, piece: str) -> list[SkillMatch]:
        out = []
        for uri in self.synonyms.get(normalise(piece), []):
            skill = self.taxonomy.get(uri)
            label = skill.preferred_label if skill else uri
            out.append(
                SkillMatch(
                    uri=uri,
                    label=label,
                    confidence=1.0,
                    method="synonym",
                    matched_label=piece,
                    matched_text=piece,
                )
            )
        return out

    @staticmethod
    def _keep_best(best: dict[str, SkillMatch], match: SkillMatch) -> None:
        old = best.get(match.uri)
        if old is None or match.confidence > old.confidence:
            best[match.uri] = match

    # -- credentials -----------------------------------------------------------------------

    def match_credential(
        self,
        achievement: AchievementInfo,
        *,
        overrides: Mapping[str, list[str]] | None = None,
    ) -> NormalisationResult:
        """Skills for one achievement: exact alignments and crosswalk hits (1.0), then a
        recruiter's stored override for its id, then synonyms and fuzzy matching of its text."""
        exact = self._alignment_matches(achievement.alignments)
        if exact:
            return NormalisationResult(skills=exact)
        if overrides and achievement.id and achievement.id in overrides:
            return NormalisationResult(skills=self._override_matches(overrides[achievement.id]))
        return self._fuzzy_credential(achievement)

    def _alignment_matches(self, alignments: Iterable[Alignment]) -> list[SkillMatch]:
        best: dict[str, SkillMatch] = {}
        for alignment in alignments:
            for match in self._alignment_match(alignment):
                self._keep_best(best, match)
        return list(best.values())

    def _alignment_match(self, alignment: Alignment) -> list[SkillMatch]:
        shown = alignment.target_name or alignment.target_code or alignment.target_url
        for ref in (alignment.target_url, alignment.target_code):
            if ref and _ESCO_URI.match(ref.strip()):
                uri = "http://" + ref.strip().split("://", 1)[1]
                return [self._exact(uri, "alignment", shown, alignment.target_name)]
        framework = alignment.target_framework or ""
        if framework_key(framework) == "esco" and alignment.target_code:
            code = alignment.target_code.strip()
            # ESCO codes are sometimes given as the bare UUID of the concept URI.
            found = self.taxonomy.get(code) or self.taxonomy.get(_ESCO_SKILL + code.lower())
            if found:
                return [self._exact(found.uri, "alignment", shown, alignment.target_name)]
        uris: list[str] = []
        for crosswalk in self.crosswalks:
            for ref in (alignment.target_code, alignment.target_url):
                uris += crosswalk.lookup(framework or None, ref)
        return [self._exact(u, "crosswalk", shown, None) for u in dict.fromkeys(uris)]

    def _exact(
        self, uri: str, method: Method, shown: str | None, fallback: str | None
    ) -> SkillMatch:
        skill = self.taxonomy.get(uri)
        label = skill.preferred_label if skill else (fallback or uri)
        return SkillMatch(
            uri=uri,
            label=label,
            confidence=1.0,
            method=method,
            matched_label=label,
            matched_text=shown,
        )

    def _override_matches(self, uris: Iterable[str]) -> list[SkillMatch]:
        out = []
        for uri in dict.fromkeys(uris):
            skill = self.taxonomy.get(uri)
            label = skill.preferred_label if skill else uri
            out.append(
                SkillMatch(
                    uri=uri,
                    label=label,
                    confidence=1.0,
                    method="override",
                    matched_label=label,
                    matched_text="recruiter override",
                )
            )
        return out

    def _fuzzy_credential(self, achievement: AchievementInfo) -> NormalisationResult:
        best: dict[str, SkillMatch] = {}
        short_texts = [achievement.name or "", *achievement.tags]
        short_texts += [a.target_name or "" for a in achievement.alignments]
        for text in filter(None, (t.strip() for t in short_texts)):
            for match in self.match_text(text, top=10):
                self._keep_best(best, match)
        for sentence in _SENTENCE.split(achievement.description or "")[:5]:
            for match in self.match_text(sentence, top=5):
                weighted = match.model_copy(
                    update={"confidence": round(match.confidence * _DESCRIPTION_WEIGHT, 4)}
                )
                self._keep_best(best, weighted)
        ranked = sorted(best.values(), key=lambda m: -m.confidence)
        skills = [m for m in ranked if m.confidence >= self.threshold]
        if skills:
            return NormalisationResult(skills=skills)
        return NormalisationResult(unmapped=True, suggestions=ranked[:5])
