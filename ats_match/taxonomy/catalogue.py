"""The credential catalogue: widely held certifications mapped to the skills they certify.

Each entry names the vendor, the official name, common abbreviations and other names, a source
for the exam outline, and ESCO skills each with a reason; where ESCO has no specific skill (AWS,
Kubernetes, Scrum) the entry maps to the closest broader ESCO skill and also carries a
vendor-specific skill, which joins the taxonomy as an employer-taxonomy entry. The packaged file
is ``data/credentials.yaml``; an organisation extends it with its own file of the same shape.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ats_match.taxonomy.loaders import TaxonomyFileError
from ats_match.taxonomy.model import Skill, Taxonomy
from ats_match.taxonomy.text import credential_core, normalise

CATALOGUE_DATA = "credentials.yaml"
_ABBREVIATION = re.compile(r"[A-Za-z0-9+&/-]+")


@dataclass(frozen=True, slots=True)
class CatalogueSkill:
    """A skill a credential certifies, and why the catalogue says so."""

    uri: str
    label: str
    reason: str


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """One certification or certificate."""

    id: str
    vendor: str
    name: str
    abbreviations: tuple[str, ...]
    aliases: tuple[str, ...]
    domain: str
    source: str
    skills: tuple[CatalogueSkill, ...]
    vendor_skill: Skill | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """The official name and the other names it goes by."""
        return (self.name, *self.aliases)


def _entry(data: Mapping[str, Any], where: str) -> CatalogueEntry:
    if not isinstance(data, Mapping):
        raise TaxonomyFileError(f"{where}: each credential is a mapping with 'id' and 'name'")
    name, entry_id = str(data.get("name") or "").strip(), str(data.get("id") or "").strip()
    skills_data = data.get("skills") or []
    if not name or not entry_id or not isinstance(skills_data, list):
        raise TaxonomyFileError(f"{where}: 'id', 'name' and a list of 'skills' are needed")
    skills = []
    for i, s in enumerate(skills_data):
        if not isinstance(s, Mapping) or not s.get("uri"):
            raise TaxonomyFileError(f"{where}.skills[{i}]: a 'uri' is needed")
        skills.append(
            CatalogueSkill(str(s["uri"]), str(s.get("label") or ""), str(s.get("reason") or ""))
        )
    vendor_skill = None
    if isinstance(data.get("vendor_skill"), Mapping):
        vs = data["vendor_skill"]
        if not vs.get("uri") or not vs.get("label"):
            raise TaxonomyFileError(f"{where}.vendor_skill: a 'uri' and a 'label' are needed")
        vendor_skill = Skill(
            uri=str(vs["uri"]),
            preferred_label=str(vs["label"]),
            alt_labels=tuple(str(a) for a in vs.get("alt_labels") or ()),
            description=str(vs.get("description") or ""),
            skill_type="employer",
            broader=tuple(s.uri for s in skills[:1]),
        )
    return CatalogueEntry(
        id=entry_id,
        vendor=str(data.get("vendor") or ""),
        name=name,
        abbreviations=tuple(str(a) for a in data.get("abbreviations") or ()),
        aliases=tuple(str(a) for a in data.get("aliases") or ()),
        domain=str(data.get("domain") or ""),
        source=str(data.get("source") or ""),
        skills=tuple(skills),
        vendor_skill=vendor_skill,
    )


_GENERIC_VENDOR_WORDS = frozenset(
    [
        "project",
        "international",
        "american",
        "national",
        "association",
        "institute",
        "chartered",
        "society",
        "council",
        "board",
        "scrum",
        "lean",
        "state",
        "court",
        "university",
        "academy",
        "college",
        "school",
    ]
)


def _names_vendor(short: str, vendor: str) -> bool:
    """Two words or more, one of them an acronym ("AWS"), a brand written with an inner
    capital ("CompTIA") or the vendor's own first word ("Google"), unless that is a generic
    word ("Project Management Institute" does not make "Project Management" a PMP)."""
    words = short.split()
    brand = (re.findall(r"[A-Za-z]+", vendor) or [""])[0].casefold()

    def distinctive(word: str) -> bool:
        if len(word) >= 2 and word.isupper():
            return True
        if any(c.isupper() for c in word[1:]):
            return True
        return word.casefold() == brand and brand not in _GENERIC_VENDOR_WORDS

    return len(words) >= 2 and any(distinctive(w) for w in words)


class Catalogue:
    """Credentials by id, with lookup of a credential name by its names and abbreviations."""

    def __init__(self, entries: Iterable[CatalogueEntry]) -> None:
        self.entries = {e.id: e for e in entries}
        self._by_name: dict[str, list[str]] = {}
        self._by_abbreviation: dict[str, list[str]] = {}
        for entry in self.entries.values():
            for text in entry.names:
                self._by_name.setdefault(normalise(text), []).append(entry.id)
            for abbreviation in entry.abbreviations:
                self._by_abbreviation.setdefault(abbreviation, []).append(entry.id)
        # The names people shorten them to ("AWS Solutions Architect"): only as a whole name,
        # and only while they still name the vendor (so "Project Management" stays a skill).
        self._by_short: dict[str, list[str]] = {}
        for entry in self.entries.values():
            for text in entry.names:
                short = credential_core(text)
                key = normalise(short)
                if key not in self._by_name and _names_vendor(short, entry.vendor):
                    self._by_short.setdefault(key, []).append(entry.id)
        self._longest = max((len(k.split()) for k in self._by_name), default=0)

    def __len__(self) -> int:
        return len(self.entries)

    def merged(self, other: Catalogue) -> Catalogue:
        """This catalogue with ``other``'s entries added (same id: other's wins)."""
        return Catalogue([*self.entries.values(), *other.entries.values()])

    def lookup(self, name: str) -> list[CatalogueEntry]:
        """Entries that a credential name names: the whole name is an entry's name or
        abbreviation, or it contains one (a name of two or more words, or an abbreviation
        written exactly as the catalogue writes it, e.g. "BLS" but not "bls"). The longest
        contained name wins; several entries come back only when they tie."""
        return self.match(name)[0]

    def match(self, name: str) -> tuple[list[CatalogueEntry], bool]:
        """:meth:`lookup`, and whether the whole name matched (not a part of it)."""
        key = normalise(name)
        if not key:
            return [], False
        ids = (
            self._by_name.get(key)
            or self._by_abbreviation.get(name.strip())
            or self._by_short.get(key)
        )
        whole = bool(ids)
        if not ids:
            ids = self._contained_name(key) or self._contained_abbreviation(name)
        return [self.entries[i] for i in dict.fromkeys(ids or [])], whole

    def _contained_name(self, key: str) -> list[str]:
        words = key.split()
        for size in range(min(self._longest, len(words)), 1, -1):
            for start in range(len(words) - size + 1):
                ids = self._by_name.get(" ".join(words[start : start + size]))
                if ids:
                    return ids
        return []

    def _contained_abbreviation(self, name: str) -> list[str]:
        found: list[str] = []
        for token in _ABBREVIATION.findall(name):
            found += self._by_abbreviation.get(token, [])
        return found

    def vendor_taxonomy(self) -> Taxonomy:
        """The vendor-specific skills, as an employer taxonomy to merge over ESCO."""
        skills = [e.vendor_skill for e in self.entries.values() if e.vendor_skill]
        return Taxonomy.from_skills(skills, name="credential-catalogue")


def load_catalogue(path: str | Path) -> Catalogue:
    """A catalogue file: YAML or JSON, a list of entries or ``{credentials: [...]}``."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader (C or Python)
    return catalogue_from_data(data, str(path))


def catalogue_from_data(data: Any, where: str = "catalogue") -> Catalogue:
    """A catalogue from already parsed data (an organisation's stored extension)."""
    entries = data.get("credentials", []) if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise TaxonomyFileError(f"{where}: expected a list of credentials")
    return Catalogue(_entry(e, f"{where}[{i}]") for i, e in enumerate(entries))


_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The packaged catalogue of widely held credentials."""
    ref = resources.files("ats_match.taxonomy") / "data" / CATALOGUE_DATA
    with ref.open("r", encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=_Loader)  # noqa: S506 - a safe loader (C or Python)
    return catalogue_from_data(data, CATALOGUE_DATA)
