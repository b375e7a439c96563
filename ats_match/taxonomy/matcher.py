"""Credential -> skills matching, in order of trust: explicit alignments and crosswalks, recruiter
overrides, the credential catalogue, employer synonyms, then the calibrated semantic + lexical
scorer (:mod:`ats_match.taxonomy.scoring`); the lexical-only path is the fallback.

Nothing here touches the network: the embedding model's files come from its installed wheel and
the taxonomy's vectors from package data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import numpy as np

from ats_match.formats.model import AchievementInfo
from ats_match.taxonomy.catalogue import Catalogue, CatalogueEntry, default_catalogue
from ats_match.taxonomy.exact import ExactMatcher
from ats_match.taxonomy.index import LabelIndex, appended_labels
from ats_match.taxonomy.lexical import LEXICAL_THRESHOLD, LexicalMatcher
from ats_match.taxonomy.loaders import Crosswalk, default_taxonomy
from ats_match.taxonomy.model import Taxonomy
from ats_match.taxonomy.results import NormalisationResult, SkillMatch, keep_best
from ats_match.taxonomy.scoring import (
    Candidate,
    CandidateFinder,
    Query,
    ScoringModel,
    default_model,
)
from ats_match.taxonomy.text import credential_core, segments

__all__ = ["DEFAULT_THRESHOLD", "LabelIndex", "NormalisationResult", "SkillMatch", "SkillMatcher"]

DEFAULT_THRESHOLD = 0.5
"""Calibrated: a skill is given when it is more likely right than wrong (docs/taxonomy.md)."""
_MAX_SKILLS = 5
_CONTEXT_CHARS = 600
_CATALOGUE_AGREEMENT = 0.22
"""Below this meaning similarity a catalogue hit inside a longer name is ignored: on dev every
real hit is >= 0.29, the made-up misfires are 0.14-0.15 (docs/taxonomy.md)."""


def achievement_query(achievement: AchievementInfo) -> Query:
    """The credential's name, and as context its description, criteria, tags and alignments."""
    parts = [achievement.description or "", achievement.criteria_narrative or ""]
    parts += achievement.tags
    parts += [a.target_name or "" for a in achievement.alignments]
    parts += [a.target_description or "" for a in achievement.alignments]
    context = " ".join(p.strip() for p in parts if p and p.strip())
    return Query(name=(achievement.name or "").strip(), context=context[:_CONTEXT_CHARS])


class SkillMatcher:
    """Maps credentials and free text to skills of one taxonomy (see module docstring)."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        *,
        synonyms: Mapping[str, Iterable[str]] | None = None,
        crosswalks: Crosswalk | Iterable[Crosswalk] | None = None,
        threshold: float | None = None,
        catalogue: Catalogue | None = None,
        semantic: bool = True,
        model: ScoringModel | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        if crosswalks is None:
            crosswalks = []
        walks = [crosswalks] if isinstance(crosswalks, Crosswalk) else list(crosswalks)
        self.crosswalks = walks
        self.exact = ExactMatcher(taxonomy, synonyms or {}, walks)
        self.synonyms = self.exact.synonyms
        self.index = _index(taxonomy, synonyms or {})
        self.catalogue = default_catalogue() if catalogue is None else catalogue
        self.finder = _finder(taxonomy, self.index) if semantic else None
        self.model = model or (default_model() if self.finder else None)
        default = DEFAULT_THRESHOLD if self.finder else LEXICAL_THRESHOLD
        self.threshold = default if threshold is None else threshold
        self.lexical = LexicalMatcher(
            taxonomy, self.index, self.exact.synonyms_of, threshold=self.threshold
        )

    @property
    def semantic(self) -> bool:
        """Whether the semantic scorer is on (off without the embedding model)."""
        return self.finder is not None

    # -- free text -------------------------------------------------------------------------

    def match_text(self, text: str, top: int = 5) -> list[SkillMatch]:
        """The ``top`` skills for ``text`` (a badge name or a skill phrase), best first."""
        if self.finder is None:
            return self.lexical.match_text(text, top=top)
        best: dict[str, SkillMatch] = {}
        entries = self.catalogue.lookup(text)
        if entries:
            entry = self._pick_entry(entries, AchievementInfo(name=text))
            for match in self._catalogue_matches(entry, text):
                keep_best(best, match)
        for match in self.exact.synonyms_of(text):
            keep_best(best, match)
        for match in self._scored(Query(name=text), self._find([Query(name=text)])[0]):
            keep_best(best, match)
        return sorted(best.values(), key=lambda m: -m.confidence)[:top]

    # -- credentials -----------------------------------------------------------------------

    def match_credential(
        self,
        achievement: AchievementInfo,
        *,
        overrides: Mapping[str, list[str]] | None = None,
    ) -> NormalisationResult:
        """Skills for one achievement: a recruiter's stored override for its id, then exact
        alignments and crosswalk hits (1.0), then the catalogue, synonyms and the scorer."""
        return self.match_many([achievement], overrides=overrides)[0]

    def match_many(
        self,
        achievements: Sequence[AchievementInfo],
        *,
        overrides: Mapping[str, list[str]] | None = None,
    ) -> list[NormalisationResult]:
        """:meth:`match_credential` for many achievements, in order; the semantic work of all
        of them is batched (one embedding call, one matrix product)."""
        results: list[NormalisationResult | None] = []
        pending: list[int] = []
        for i, achievement in enumerate(achievements):
            exact = self._exact_result(achievement, overrides)
            results.append(exact)
            if exact is None:
                pending.append(i)
        if self.finder is None:
            for i in pending:
                results[i] = self.lexical.match_credential(achievements[i])
        else:
            queries = [achievement_query(achievements[i]) for i in pending]
            for i, query, candidates in zip(pending, queries, self._find(queries), strict=True):
                results[i] = self._result(query, candidates)
        return [r if r is not None else NormalisationResult(unmapped=True) for r in results]

    def ranked(self, achievement: AchievementInfo, top: int = 5) -> list[SkillMatch]:
        """The ``top`` skills for an achievement regardless of the threshold, best first (for
        evaluation and for the suggestions a recruiter picks from)."""
        return self.ranked_many([achievement], top=top)[0]

    def ranked_many(
        self, achievements: Sequence[AchievementInfo], top: int = 5
    ) -> list[list[SkillMatch]]:
        """:meth:`ranked` for many achievements, batched."""
        out: list[list[SkillMatch]] = []
        pending: list[int] = []
        for i, achievement in enumerate(achievements):
            exact = self._exact_result(achievement, None)
            out.append(exact.skills[:top] if exact else [])
            if exact is None:
                pending.append(i)
        if self.finder is None:
            for i in pending:
                result = self.lexical.match_credential(achievements[i])
                out[i] = (result.skills + result.suggestions)[:top]
            return out
        queries = [achievement_query(achievements[i]) for i in pending]
        for i, query, candidates in zip(pending, queries, self._find(queries), strict=True):
            out[i] = self._scored(query, candidates)[:top]
        return out

    def _exact_result(
        self, achievement: AchievementInfo, overrides: Mapping[str, list[str]] | None
    ) -> NormalisationResult | None:
        # A recruiter's correction is the employer's own decision: it wins over the issuer's
        # alignments too (an issuer may align a badge to a concept this employer reads otherwise).
        if overrides and achievement.id and achievement.id in overrides:
            return NormalisationResult(skills=self.exact.overrides(overrides[achievement.id]))
        exact = self.exact.alignments(achievement.alignments)
        if exact:
            return NormalisationResult(skills=exact)
        name = (achievement.name or "").strip()
        entries, whole = self.catalogue.match(name) if name else ([], False)
        if entries:
            entry = self._pick_entry(entries, achievement)
            if whole or self._agrees(entry, achievement):
                return NormalisationResult(skills=self._catalogue_matches(entry, name))
        synonyms = self.exact.synonyms_of(name) if name else []
        return NormalisationResult(skills=synonyms) if synonyms else None

    def _pick_entry(
        self, entries: list[CatalogueEntry], achievement: AchievementInfo
    ) -> CatalogueEntry:
        """One entry for an abbreviation several credentials share ("CMA"): the one whose
        name and skills are nearest in meaning to the credential's text."""
        if len(entries) == 1 or self.finder is None:
            return entries[0]
        query = achievement_query(achievement)
        embed = self.finder.embedder.embed
        text = embed([f"{query.name} {query.context}"])[0]
        options = embed([f"{e.name} {' '.join(s.label for s in e.skills)}" for e in entries])
        return entries[int(np.argmax(options @ text))]

    def _agrees(self, entry: CatalogueEntry, achievement: AchievementInfo) -> bool:
        """A catalogue name or abbreviation found inside a longer name counts unless the
        description says something else entirely ("CPR Programming with Python")."""
        query = achievement_query(achievement)
        if self.finder is None or not query.context:
            return True
        embed = self.finder.embedder.embed
        text, option = embed(
            [
                f"{credential_core(query.name)}. {query.context}",
                f"{entry.name} {' '.join(s.label for s in entry.skills)}",
            ]
        )
        return float(text @ option) >= _CATALOGUE_AGREEMENT

    def _catalogue_matches(self, entry: CatalogueEntry, name: str) -> list[SkillMatch]:
        matches = [
            SkillMatch(
                uri=s.uri,
                label=(found.preferred_label if (found := self.taxonomy.get(s.uri)) else s.label),
                confidence=1.0,
                method="catalogue",
                matched_label=entry.name,
                matched_text=name,
                reason=s.reason or None,
            )
            for s in entry.skills
        ]
        vendor = entry.vendor_skill
        if vendor is not None and vendor.uri in self.taxonomy:
            matches.append(
                SkillMatch(
                    uri=vendor.uri,
                    label=vendor.preferred_label,
                    confidence=1.0,
                    method="catalogue",
                    matched_label=entry.name,
                    matched_text=name,
                    reason=f"vendor-specific skill of {entry.vendor}",
                )
            )
        return matches

    # -- the scorer ------------------------------------------------------------------------

    def _find(self, queries: Sequence[Query]) -> list[list[Candidate]]:
        assert self.finder is not None
        return self.finder.find(queries)

    def _scored(self, query: Query, candidates: list[Candidate]) -> list[SkillMatch]:
        """Candidates as matches with calibrated confidence, best first."""
        if not candidates or self.model is None:
            return []
        features = np.array([c.features for c in candidates], dtype=np.float64)
        confidence = self.model.confidence(features)
        raw = self.model.raw(features)
        order = np.lexsort((-raw, -confidence))
        out = []
        for i in order[: _MAX_SKILLS * 2]:
            candidate = candidates[int(i)]
            skill = self.taxonomy.skills[candidate.uri]
            out.append(
                SkillMatch(
                    uri=candidate.uri,
                    label=skill.preferred_label,
                    confidence=round(float(confidence[i]), 4),
                    method="semantic",
                    matched_label=candidate.matched_label or skill.preferred_label,
                    matched_text=query.name,
                )
            )
        return out

    def _result(self, query: Query, candidates: list[Candidate]) -> NormalisationResult:
        ranked = self._scored(query, candidates)
        skills = [m for m in ranked if m.confidence >= self.threshold][:_MAX_SKILLS]
        synonyms = self._segment_synonyms(query.name)
        if synonyms:
            best = {m.uri: m for m in synonyms}
            for match in skills:
                keep_best(best, match)
            skills = list(best.values())
        if skills:
            return NormalisationResult(skills=skills)
        return NormalisationResult(unmapped=True, suggestions=ranked[:5])

    def _segment_synonyms(self, name: str) -> list[SkillMatch]:
        """Synonyms named by a part of a longer title ("Node and teamwork")."""
        best: dict[str, SkillMatch] = {}
        for piece in segments(name):
            for match in self.exact.synonyms_of(piece):
                keep_best(best, match)
        return list(best.values())


@lru_cache(maxsize=1)
def _default_index() -> LabelIndex:
    from ats_match.taxonomy.index_store import shipped_index

    taxonomy = default_taxonomy()
    return shipped_index(taxonomy) or LabelIndex(taxonomy, {})


def _index(taxonomy: Taxonomy, synonyms: Mapping[str, Iterable[str]]) -> LabelIndex:
    """The default taxonomy's index comes from package data (built by ``taxonomy build``); one
    that only adds skills or synonyms to it (vendor skills, an organisation's own) extends it;
    any other is built here (~0.5 s CPU for ~100k labels)."""
    default = default_taxonomy()
    if not synonyms and taxonomy is default:
        return _default_index()
    extra = appended_labels(default, taxonomy, synonyms)
    if extra is None:
        return LabelIndex(taxonomy, synonyms)
    return _default_index().extended(extra)


def _finder(taxonomy: Taxonomy, index: LabelIndex) -> CandidateFinder | None:
    from ats_match.taxonomy.semantic import (
        EmbedderUnavailable,
        SkillVectors,
        default_embedder,
    )

    try:
        embedder = default_embedder()
    except EmbedderUnavailable:
        return None
    return CandidateFinder(SkillVectors.for_taxonomy(taxonomy, embedder), embedder, index)
