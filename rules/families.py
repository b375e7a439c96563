"""Skill families from a taxonomy's broader links: ``CompileContext.skill_families``.

What: :class:`SkillFamilies` maps a skill URI to the broader concepts it falls under, up to
``depth`` links up (ESCO: ``SQL`` -> ``query languages``). Two skills that share one are in the
same family. Computed on first use per skill and kept: a taxonomy holds thousands of skills and
a role looks at a few dozen.

Why a depth limit: the top of a hierarchy groups nearly everything; two or three links up is
where "related" still means related.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping

DEFAULT_DEPTH = 2


class SkillFamilies(Mapping[str, frozenset[str]]):
    """Skill URI -> its broader concepts (empty for a skill the taxonomy does not place)."""

    def __init__(self, broader: Callable[[str], Iterable[str]], depth: int = DEFAULT_DEPTH) -> None:
        self._broader, self._depth = broader, depth
        self._known: dict[str, frozenset[str]] = {}

    def __getitem__(self, uri: str) -> frozenset[str]:
        found = self._known.get(uri)
        if found is None:
            seen: set[str] = set()
            frontier = [uri]
            for _ in range(self._depth):
                frontier = [b for u in frontier for b in self._broader(u) if b not in seen]
                seen.update(frontier)
            found = self._known[uri] = frozenset(seen - {uri})
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._known))

    def __len__(self) -> int:
        return len(self._known)
