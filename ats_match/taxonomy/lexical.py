"""The lexical-only path: fuzzy matching of a text's segments against every label.

Kept as the fallback when no embedding model is installed, and as the baseline the benchmark
and the evaluation compare the semantic path with.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from rapidfuzz import fuzz

from ats_match.formats.model import AchievementInfo
from ats_match.taxonomy.index import LabelIndex
from ats_match.taxonomy.model import Taxonomy
from ats_match.taxonomy.results import NormalisationResult, SkillMatch, keep_best
from ats_match.taxonomy.text import normalise, segments, tokens

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_FUZZY_WEIGHT = 0.6  # the rest of the confidence is weighted token overlap
_SEGMENT_FLOOR = 0.8
_SEGMENT_SPAN = 0.15  # a segment's score is scaled by FLOOR + SPAN * its share of the text
_DESCRIPTION_WEIGHT = 0.9  # a match found only in the long description is less certain
LEXICAL_THRESHOLD = 0.75  # the lexical path's own scale (not calibrated)


class LexicalMatcher:
    """Token-index shortlist, then rapidfuzz WRatio blended with weighted token overlap."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        index: LabelIndex,
        exact_synonyms: Callable[[str], list[SkillMatch]],
        threshold: float = LEXICAL_THRESHOLD,
    ) -> None:
        self.taxonomy = taxonomy
        self.index = index
        self.exact_synonyms = exact_synonyms
        self.threshold = threshold

    def match_text(self, text: str, top: int = 5) -> list[SkillMatch]:
        """The ``top`` skills for ``text``: the whole text and each of its segments are matched,
        so a multi-skill title yields each skill it names."""
        best: dict[str, SkillMatch] = {}
        scored: dict[str, tuple[float, int, str]] = {}
        whole = len(tokens(text)) or 1
        for piece in dict.fromkeys([text, *segments(text)]):
            exact = self.exact_synonyms(piece)
            for match in exact:
                keep_best(best, match)
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

    def match_credential(self, achievement: AchievementInfo) -> NormalisationResult:
        best: dict[str, SkillMatch] = {}
        short_texts = [achievement.name or "", *achievement.tags]
        short_texts += [a.target_name or "" for a in achievement.alignments]
        for text in filter(None, (t.strip() for t in short_texts)):
            for match in self.match_text(text, top=10):
                keep_best(best, match)
        for sentence in _SENTENCE.split(achievement.description or "")[:5]:
            for match in self.match_text(sentence, top=5):
                weighted = match.model_copy(
                    update={"confidence": round(match.confidence * _DESCRIPTION_WEIGHT, 4)}
                )
                keep_best(best, weighted)
        ranked = sorted(best.values(), key=lambda m: -m.confidence)
        skills = [m for m in ranked if m.confidence >= self.threshold]
        if skills:
            return NormalisationResult(skills=skills)
        return NormalisationResult(unmapped=True, suggestions=ranked[:5])
