"""Loaders: the packaged ESCO default, the official ESCO CSV export, employer taxonomies,
synonym lists and crosswalks from other frameworks (CSV or YAML)."""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ats_match.taxonomy.model import Skill, Taxonomy
from ats_match.taxonomy.text import normalise

DEFAULT_DATA = "esco_default.json.gz"
_LIST_SPLIT = re.compile(r"\s*(?:\r?\n|\|)\s*")
_SKILL_TYPES = frozenset({"KnowledgeSkillCompetence", "", "Skill"})
_URI = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


class TaxonomyFileError(ValueError):
    """A taxonomy, synonym or crosswalk file is malformed; the message says where."""


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    """The packaged ESCO skills pillar with its hierarchy, loaded once on first use (~0.3 s)."""
    ref = resources.files("ats_match.taxonomy") / "data" / DEFAULT_DATA
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
        document = json.load(fh)
    prefix: str = document.get("uri_prefix", "")

    def full(uri: str) -> str:
        return uri if "://" in uri else prefix + uri

    skills = (
        Skill(full(uri), label, tuple(alts), desc, stype, tuple(map(full, broader)))
        for uri, label, alts, desc, stype, broader in document["skills"]
    )
    return Taxonomy.from_skills(skills, name=document.get("name", "esco-default"))


def split_list(value: Any) -> tuple[str, ...]:
    """A label list given as YAML list, or one string separated by newlines or '|'."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else _LIST_SPLIT.split(str(value))
    return tuple(s for s in (str(i).strip() for i in items) if s)


def read_csv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a CSV file (gzipped when its name ends in ``.gz``), keys stripped."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            yield {(k or "").strip(): (v or "") for k, v in row.items()}


def _field(row: Mapping[str, str], *names: str) -> str:
    """The first non-empty of several column names (ESCO renames columns across versions)."""
    for name in names:
        value = row.get(name, "").strip()
        if value:
            return value
    return ""


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _is_yaml(path: Path) -> bool:
    return path.suffix.lower() in {".yaml", ".yml"}


def load_esco_csv(
    skills_csv: str | Path,
    broader_csv: str | Path | None = None,
    *,
    include_hidden: bool = True,
) -> Taxonomy:
    """Read the official ESCO export (``skills_en.csv``, optional ``broaderRelationsSkillPillar``).

    Plain or gzipped. ``altLabels`` and ``hiddenLabels`` are newline-separated inside one CSV
    cell. Hidden labels are common misspellings and old names: useful for matching, so they join
    the alternative labels. ``skillType`` may be named ``skillType_v1.0`` (older exports); rows of
    another ``conceptType`` than a skill (a full-pillar export also lists skill groups) are skipped.
    """
    skills: list[Skill] = []
    for line, row in enumerate(read_csv(Path(skills_csv)), start=2):
        if row.get("conceptType", "KnowledgeSkillCompetence").strip() not in _SKILL_TYPES:
            continue
        uri, label = row.get("conceptUri", "").strip(), row.get("preferredLabel", "").strip()
        if not uri or not label:
            raise TaxonomyFileError(f"{skills_csv}:{line}: conceptUri and preferredLabel needed")
        alts = split_list(row.get("altLabels", "").replace("|", "\n"))
        if include_hidden:
            alts += split_list(row.get("hiddenLabels", ""))
        skills.append(
            Skill(
                uri=uri,
                preferred_label=label,
                alt_labels=tuple(a for a in dict.fromkeys(alts) if a != label),
                description=row.get("description", "").strip(),
                skill_type=_field(row, "skillType", "skillType_v1.0"),
            )
        )
    taxonomy = Taxonomy.from_skills(skills, name=Path(skills_csv).stem)
    if broader_csv is not None:
        taxonomy = taxonomy.with_broader(load_broader_relations(broader_csv))
    return taxonomy


def load_broader_relations(path: str | Path) -> dict[str, list[str]]:
    """``broaderRelationsSkillPillar.csv``: child ``conceptUri`` -> its ``broaderUri`` list."""
    relations: dict[str, list[str]] = {}
    for line, row in enumerate(read_csv(Path(path)), start=2):
        child, parent = row.get("conceptUri", "").strip(), row.get("broaderUri", "").strip()
        if not child or not parent:
            raise TaxonomyFileError(f"{path}:{line}: conceptUri and broaderUri needed")
        relations.setdefault(child, []).append(parent)
    return relations


def _employer_skill(entry: Mapping[str, Any], where: str) -> Skill:
    uri = str(entry.get("uri") or entry.get("id") or "").strip()
    label = str(entry.get("preferred_label") or entry.get("label") or "").strip()
    if not uri or not label:
        raise TaxonomyFileError(f"{where}: 'uri' and 'preferred_label' (or 'label') needed")
    return Skill(
        uri=uri,
        preferred_label=label,
        alt_labels=split_list(entry.get("alt_labels") or entry.get("synonyms")),
        description=str(entry.get("description") or "").strip(),
        skill_type=str(entry.get("skill_type") or "").strip(),
        broader=split_list(entry.get("broader")),
    )


def load_employer_taxonomy(path: str | Path, name: str | None = None) -> Taxonomy:
    """An employer's own skills: CSV with ``uri, preferred_label, alt_labels, description,
    skill_type, broader`` (lists separated by '|' or newlines) or YAML (a list of such mappings,
    or ``{skills: [...]}``)."""
    path = Path(path)
    if _is_yaml(path):
        return employer_taxonomy_from_data(_read_yaml(path), name or path.stem, str(path))
    skills = [_employer_skill(r, f"{path}:{i}") for i, r in enumerate(read_csv(path), 2)]
    return Taxonomy.from_skills(skills, name=name or path.stem)


def employer_taxonomy_from_data(data: Any, name: str, where: str = "taxonomy") -> Taxonomy:
    """An employer taxonomy from parsed data: a list of skills or ``{skills: [...]}``."""
    entries = data.get("skills", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise TaxonomyFileError(f"{where}: expected a list of skills")
    if any(not isinstance(e, Mapping) for e in entries):
        raise TaxonomyFileError(f"{where}: every skill must be a mapping")
    skills = [_employer_skill(e, f"{where}[{i}]") for i, e in enumerate(entries)]
    return Taxonomy.from_skills(skills, name=name)


def _resolve_target(target: str, taxonomy: Taxonomy | None, where: str) -> list[str]:
    target = target.strip()
    if _URI.match(target) or taxonomy is None:
        return [target]
    found = [s.uri for s in taxonomy.by_label(target)]
    if not found:
        raise TaxonomyFileError(f"{where}: no skill labelled {target!r}")
    return found


def load_synonyms(path: str | Path, taxonomy: Taxonomy | None = None) -> dict[str, list[str]]:
    """An employer's synonym list: term -> skill URIs.

    CSV columns ``term, skill`` (``skill`` is a URI, or a label looked up in ``taxonomy``); YAML is
    ``{skill: [term, ...]}``. "JS" -> JavaScript is the typical entry.
    """
    path = Path(path)
    if _is_yaml(path):
        return synonyms_from_data(_read_yaml(path) or {}, taxonomy, str(path))
    pairs: list[tuple[str, str, str]] = []
    for line, row in enumerate(read_csv(path), start=2):
        skill = row.get("skill") or row.get("uri") or row.get("label") or ""
        pairs.append((row.get("term", ""), skill, f"{path}:{line}"))
    return _synonym_pairs(pairs, taxonomy)


def synonyms_from_data(
    data: Any, taxonomy: Taxonomy | None = None, where: str = "synonyms"
) -> dict[str, list[str]]:
    """Synonyms from parsed data ``{skill URI or label: [term, ...]}``."""
    if not isinstance(data, dict):
        raise TaxonomyFileError(f"{where}: expected a mapping of skill -> terms")
    pairs: list[tuple[str, str, str]] = []
    for skill, terms in data.items():
        pairs += [(t, str(skill), f"{where}[{skill}]") for t in split_list(terms)]
    return _synonym_pairs(pairs, taxonomy)


def _synonym_pairs(
    pairs: list[tuple[str, str, str]], taxonomy: Taxonomy | None
) -> dict[str, list[str]]:
    synonyms: dict[str, list[str]] = {}
    for term, skill, where in pairs:
        if not term.strip() or not skill.strip():
            raise TaxonomyFileError(f"{where}: both a term and a skill are needed")
        uris = synonyms.setdefault(term.strip(), [])
        uris += [u for u in _resolve_target(skill, taxonomy, where) if u not in uris]
    return synonyms


_FRAMEWORK_ALIASES = {
    "onet": "onet",
    "onetsoc": "onet",
    "onetonline": "onet",
    "lightcast": "lightcast",
    "lightcastopenskills": "lightcast",
    "emsi": "lightcast",
    "emsiskills": "lightcast",
    "emsiburningglass": "lightcast",
    "osn": "osn",
    "openskillsnetwork": "osn",
    "rsd": "osn",
    "esco": "esco",
}


def framework_key(name: str) -> str:
    """A canonical framework name: 'O*NET-SOC' and 'onet' are the same framework."""
    key = re.sub(r"[^a-z0-9]", "", name.casefold())
    return _FRAMEWORK_ALIASES.get(key, key)


@dataclass
class Crosswalk:
    """Codes (or URLs) of other frameworks mapped to ESCO concept URIs."""

    entries: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, framework: str, code: str, uris: Iterable[str]) -> None:
        """Map ``framework``/``code`` to ``uris`` (added to any existing mapping)."""
        target = self.entries.setdefault((framework_key(framework), code.strip().casefold()), [])
        target += [u for u in uris if u not in target]

    def lookup(self, framework: str | None, code: str | None) -> list[str]:
        """ESCO URIs for the code; without a framework any framework's entry for it counts."""
        if not code:
            return []
        key = code.strip().casefold()
        if framework:
            return list(self.entries.get((framework_key(framework), key), []))
        return [u for (_, c), uris in self.entries.items() if c == key for u in uris]

    def __len__(self) -> int:
        return len(self.entries)


def load_crosswalk(path: str | Path, taxonomy: Taxonomy | None = None) -> Crosswalk:
    """A crosswalk file: CSV ``framework, code, esco_uri`` (one mapping a row) or YAML
    ``{framework: {code: uri or [uris]}}``. Codes may be URLs (Open Skills Network RSDs)."""
    path = Path(path)
    crosswalk = Crosswalk()
    if _is_yaml(path):
        data = _read_yaml(path) or {}
        if not isinstance(data, dict):
            raise TaxonomyFileError(f"{path}: expected {{framework: {{code: uri}}}}")
        for framework, codes in data.items():
            if not isinstance(codes, dict):
                raise TaxonomyFileError(f"{path}[{framework}]: expected {{code: uri}}")
            for code, target in codes.items():
                where = f"{path}[{framework}][{code}]"
                uris = [u for t in split_list(target) for u in _resolve_target(t, taxonomy, where)]
                crosswalk.add(str(framework), str(code), uris)
        return crosswalk
    for line, row in enumerate(read_csv(path), start=2):
        framework, code = row.get("framework", ""), row.get("code", "")
        target = row.get("esco_uri") or row.get("uri") or ""
        if not framework.strip() or not code.strip() or not target.strip():
            raise TaxonomyFileError(f"{path}:{line}: framework, code and esco_uri needed")
        crosswalk.add(framework, code, _resolve_target(target, taxonomy, f"{path}:{line}"))
    return crosswalk


def normalised_synonyms(synonyms: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Synonym terms keyed by their normalised form."""
    out: dict[str, list[str]] = {}
    for term, uris in synonyms.items():
        target = out.setdefault(normalise(term), [])
        target += [u for u in uris if u not in target]
    return out
