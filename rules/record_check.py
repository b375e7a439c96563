"""What candidate-level conditions share: judging each credential like a leaf would, and
knowing which achievements a credential stands for.

What: :class:`CredentialJudge` gives each of a candidate's credentials the value and reason a
credential condition with the same inherited filters would give it (verification answers,
accept policy, recency, validity, issuer lists) - one :class:`rules.leaf.Leaf` does the work,
measured from the candidate's reference date, so a stack or a focus never counts a credential
that a ``credential`` condition would refuse. :func:`aliases` lists the achievement ids a credential
counts as: its own, OB 3.0 ``related`` ids, and CLR ``exactMatchOf`` / ``replacedBy`` links.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rules import explain
from rules.filters import resolve_filters
from rules.inputs import CandidateEvidence, CredentialEvidence
from rules.leaf import Leaf
from rules.results import EvidenceItem
from rules.schema import CredentialCheck, EvidenceFilters

_ANY = CredentialCheck(name_pattern="*")


@dataclass(frozen=True, slots=True)
class Judged:
    """One credential's value (REJECT -1, PENDING 0, credit in (0, 1]) and finding."""

    credential: CredentialEvidence
    value: float
    reason: str
    item: EvidenceItem | None
    """What the explanation shows (None on the value-only path)."""


class CredentialJudge:
    """Judges credentials under a condition's inherited evidence filters."""

    def __init__(self, layers: Sequence[EvidenceFilters | None]) -> None:
        self.layers = list(layers)
        self.leaf = Leaf(0, _ANY, resolve_filters(self.layers), frozenset(), "")

    def judge(
        self, credentials: Sequence[CredentialEvidence], reference: date, explained: bool = True
    ) -> list[Judged]:
        """Each credential judged (in the given order); with its reason and evidence item
        when ``explained``, else by the leaf's value-only twin."""
        leaf = self.leaf
        if not explained:
            value_of = leaf.value
            return [Judged(c, value_of(c, None, reference), "", None) for c in credentials]
        judged = []
        for c in credentials:
            value, reason = leaf.assess(c, None, reference)
            item = explain.evidence_item(leaf, c, None, value, reason, reference)
            judged.append(Judged(c, value, reason, item))
        return judged


_EQUIVALENT = frozenset({"exactMatchOf"})
_NONE: frozenset[str] = frozenset()


def aliases(candidate: CandidateEvidence) -> dict[str, frozenset[str]]:
    """Credential id -> the achievement ids it counts as.

    A credential is its own achievement and each OB 3.0 ``related`` one (the same achievement
    in another version or language); CLR ``exactMatchOf`` makes two achievements one, and
    ``X replacedBy Y`` lets a holder of Y count as holding X (not the other way round)."""
    links: dict[str, set[str]] = {}
    for a in candidate.associations:
        if a.kind in _EQUIVALENT:
            links.setdefault(a.source, set()).add(a.target)
            links.setdefault(a.target, set()).add(a.source)
        elif a.kind == "replacedBy":
            links.setdefault(a.target, set()).add(a.source)
    found: dict[str, frozenset[str]] = {}
    if not links:  # the common case, on the fast path: fields read from __dict__ (no hook)
        for c in candidate.credentials:
            d = c.__dict__
            own, related = d["achievement_id"], d["related"]
            mine = frozenset((own,)) if own is not None else _NONE
            found[d["credential_id"]] = mine.union(related) if related else mine
        return found
    for c in candidate.credentials:
        ids = {c.achievement_id, *c.related} - {None}
        todo = list(ids)
        while todo:  # links chain: A replacedBy B replacedBy C
            for other in links.get(str(todo.pop()), ()):
                if other not in ids:
                    ids.add(other)
                    todo.append(other)
        found[c.credential_id] = frozenset(str(i) for i in ids)
    return found


class StepMatcher:
    """An achievement id or a name glob (a pathway step), tested against a credential."""

    __slots__ = ("achievement_id", "label", "name_re")

    def __init__(self, achievement_id: str | None, name_pattern: str | None) -> None:
        self.achievement_id = achievement_id
        self.name_re = (
            re.compile(fnmatch.translate(name_pattern.casefold())) if name_pattern else None
        )
        self.label = name_pattern.strip("*") if name_pattern else str(achievement_id)

    def matches(self, c: CredentialEvidence, ids: frozenset[str]) -> bool:
        if self.achievement_id is not None and self.achievement_id in ids:
            return True
        name = c.achievement_name
        return (
            self.name_re is not None
            and name is not None
            and bool(self.name_re.match(name.casefold()))
        )
