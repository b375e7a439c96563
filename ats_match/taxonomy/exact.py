"""The exact passes, in order of trust: explicit alignments (ESCO URIs, crosswalked codes of
O*NET, Lightcast or OSN), a recruiter's override, an employer's synonym. Each gives 1.0."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ats_match.formats.model import Alignment
from ats_match.taxonomy.loaders import Crosswalk, framework_key, normalised_synonyms
from ats_match.taxonomy.model import Taxonomy
from ats_match.taxonomy.results import Method, SkillMatch, keep_best
from ats_match.taxonomy.text import normalise

_ESCO_URI = re.compile(r"^https?://data\.europa\.eu/esco/skill/[0-9a-f-]{36}$", re.IGNORECASE)
_ESCO_SKILL = "http://data.europa.eu/esco/skill/"


class ExactMatcher:
    """Alignment, crosswalk, override and synonym matches for one taxonomy."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        synonyms: Mapping[str, Iterable[str]],
        crosswalks: Iterable[Crosswalk],
    ) -> None:
        self.taxonomy = taxonomy
        self.synonyms = normalised_synonyms(synonyms)
        self.crosswalks = list(crosswalks)

    def synonyms_of(self, piece: str) -> list[SkillMatch]:
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

    def alignments(self, alignments: Iterable[Alignment]) -> list[SkillMatch]:
        best: dict[str, SkillMatch] = {}
        for alignment in alignments:
            for match in self._alignment_match(alignment):
                keep_best(best, match)
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

    def overrides(self, uris: Iterable[str]) -> list[SkillMatch]:
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
