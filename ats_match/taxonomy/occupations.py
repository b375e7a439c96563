"""ESCO occupations: job titles for the requirement editor's search (``occupations_en.csv``)."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rapidfuzz import fuzz, process

from ats_match.taxonomy.loaders import TaxonomyFileError, read_csv, split_list
from ats_match.taxonomy.text import normalise

OCCUPATIONS_DATA = "esco_occupations.json.gz"


@dataclass(frozen=True, slots=True)
class Occupation:
    """One ESCO occupation."""

    uri: str
    preferred_label: str
    alt_labels: tuple[str, ...] = ()
    isco_group: str = ""
    description: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        """Preferred label first, then the alternative labels."""
        return (self.preferred_label, *self.alt_labels)


def load_occupations_csv(path: str | Path) -> list[Occupation]:
    """The official ESCO ``occupations_en.csv`` export (plain or gzipped)."""
    out: list[Occupation] = []
    for line, row in enumerate(read_csv(Path(path)), start=2):
        uri, label = row.get("conceptUri", "").strip(), row.get("preferredLabel", "").strip()
        if not uri or not label:
            raise TaxonomyFileError(f"{path}:{line}: conceptUri and preferredLabel needed")
        alts = split_list(row.get("altLabels", ""))
        out.append(
            Occupation(
                uri=uri,
                preferred_label=label,
                alt_labels=tuple(a for a in dict.fromkeys(alts) if a != label),
                isco_group=row.get("iscoGroup", "").strip(),
                description=row.get("description", "").strip(),
            )
        )
    return out


class OccupationIndex:
    """Job-title search over occupations' preferred and alternative labels."""

    def __init__(self, occupations: list[Occupation]) -> None:
        self.occupations = {o.uri: o for o in occupations}
        self._labels: list[str] = []
        self._owners: list[str] = []
        for occupation in occupations:
            for label in occupation.labels:
                self._labels.append(normalise(label))
                self._owners.append(occupation.uri)

    def __len__(self) -> int:
        return len(self.occupations)

    def get(self, uri: str) -> Occupation | None:
        """The occupation with this URI, or None."""
        return self.occupations.get(uri)

    def search(self, title: str, limit: int = 10) -> list[tuple[Occupation, float]]:
        """Occupations whose labels best match ``title``, each once, best first (score 0..1)."""
        query = normalise(title)
        if not query:
            return []
        hits = process.extract(
            query, self._labels, scorer=fuzz.WRatio, processor=None, limit=limit * 5
        )
        best: dict[str, float] = {}
        for _, score, i in hits:
            uri = self._owners[i]
            best[uri] = max(best.get(uri, 0.0), score / 100.0)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:limit]
        return [(self.occupations[uri], score) for uri, score in ranked]


@lru_cache(maxsize=1)
def default_occupations() -> OccupationIndex:
    """The packaged ESCO occupations (v1.1.1), loaded once."""
    ref = resources.files("ats_match.taxonomy") / "data" / OCCUPATIONS_DATA
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        document = json.load(fh)
    prefix: str = document.get("uri_prefix", "")
    return OccupationIndex(
        [
            Occupation(prefix + uri, label, tuple(alts), isco, desc)
            for uri, label, alts, isco, desc in document["occupations"]
        ]
    )
