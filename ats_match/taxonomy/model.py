"""Skills and a taxonomy of them: lookup by concept URI and by (normalised) label."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from ats_match.taxonomy.text import normalise


@dataclass(frozen=True, slots=True)
class Skill:
    """One skill concept (ESCO or an employer's own)."""

    uri: str
    preferred_label: str
    alt_labels: tuple[str, ...] = ()
    description: str = ""
    skill_type: str = ""
    broader: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """Preferred label first, then the alternative labels."""
        return (self.preferred_label, *self.alt_labels)


@dataclass(slots=True)
class Taxonomy:
    """An immutable-by-convention set of skills with URI, label and hierarchy lookups."""

    skills: dict[str, Skill]
    name: str = "taxonomy"
    _by_label: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _narrower: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_skills(cls, skills: Iterable[Skill], name: str = "taxonomy") -> Taxonomy:
        """Build a taxonomy; a later skill with the same URI replaces an earlier one."""
        return cls(skills={s.uri: s for s in skills}, name=name)

    def __len__(self) -> int:
        return len(self.skills)

    def __iter__(self) -> Iterator[Skill]:
        return iter(self.skills.values())

    def __contains__(self, uri: object) -> bool:
        return uri in self.skills

    def get(self, uri: str) -> Skill | None:
        """The skill with this concept URI, or None."""
        return self.skills.get(uri)

    def by_label(self, label: str) -> list[Skill]:
        """Skills whose preferred or alternative label equals ``label`` after normalisation."""
        if not self._by_label:
            for skill in self.skills.values():
                for text in skill.labels:
                    uris = self._by_label.setdefault(normalise(text), [])
                    if skill.uri not in uris:
                        uris.append(skill.uri)
        return [self.skills[u] for u in self._by_label.get(normalise(label), [])]

    def narrower(self, uri: str) -> list[Skill]:
        """Skills whose ``broader`` names ``uri``."""
        if not self._narrower:
            for skill in self.skills.values():
                for parent in skill.broader:
                    self._narrower.setdefault(parent, []).append(skill.uri)
            self._narrower.setdefault("", [])  # marks the index built even when empty
        return [self.skills[u] for u in self._narrower.get(uri, []) if u in self.skills]

    def broader(self, uri: str) -> list[Skill]:
        """The skill's broader skills that this taxonomy holds."""
        skill = self.skills.get(uri)
        if skill is None:
            return []
        return [self.skills[u] for u in skill.broader if u in self.skills]

    def with_broader(self, relations: Mapping[str, Iterable[str]]) -> Taxonomy:
        """A copy whose skills gain the given broader URIs (child URI -> parent URIs)."""
        skills = dict(self.skills)
        for child, parents in relations.items():
            skill = skills.get(child)
            if skill is not None:
                merged = tuple(dict.fromkeys((*skill.broader, *parents)))
                skills[child] = replace(skill, broader=merged)
        return Taxonomy(skills=skills, name=self.name)

    def merged(self, other: Taxonomy, name: str | None = None) -> Taxonomy:
        """This taxonomy plus ``other``; on a shared URI, labels are united, other's fields win."""
        skills = dict(self.skills)
        for skill in other:
            old = skills.get(skill.uri)
            if old is not None:
                alts = tuple(
                    a
                    for a in dict.fromkeys(
                        (*skill.alt_labels, old.preferred_label, *old.alt_labels)
                    )
                    if a != skill.preferred_label
                )
                skill = replace(
                    skill,
                    alt_labels=alts,
                    description=skill.description or old.description,
                    skill_type=skill.skill_type or old.skill_type,
                    broader=tuple(dict.fromkeys((*old.broader, *skill.broader))),
                )
            skills[skill.uri] = skill
        return Taxonomy(skills=skills, name=name or f"{self.name}+{other.name}")

    def without_labels(self, removals: Mapping[str, Iterable[str]]) -> Taxonomy:
        """A copy with labels of given skills dropped (for held-out evaluation).

        Any label of the skill that contains a removed text (after normalisation) goes too, so a
        held-out label cannot leak back through a longer, imperfectly segmented label.
        """
        skills = dict(self.skills)
        for uri, texts in removals.items():
            skill = skills.get(uri)
            if skill is None:
                continue
            drop = [normalise(t) for t in texts]
            kept = [a for a in skill.alt_labels if not any(d in normalise(a) for d in drop)]
            skills[uri] = replace(skill, alt_labels=tuple(kept))
        return Taxonomy(skills=skills, name=self.name)
