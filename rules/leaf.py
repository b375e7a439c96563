"""A compiled ``skill`` or ``credential`` condition: what it matches and how it values evidence.

:meth:`Leaf.assess` is the oracle's per-evidence check: the explained path calls it for every
piece of evidence, and the columnar path (``rules.columnar.leaves``) computes the same values
for whole columns at once. Dates are compared with the candidate's own reference date, which the
caller passes in.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from datetime import date

from rules.acceptance import ACCEPTED, DISCOUNTED, REJECTED
from rules.filters import Filters
from rules.inputs import CredentialEvidence, ResultValue, SkillEvidence
from rules.schema import CredentialCheck, SkillCheck

REJECT = -1.0
"""Leaf value: no acceptable evidence."""
PENDING = 0.0
"""Leaf value: evidence exists but a needed fact is missing (undecided)."""


class Scale:
    """An ordinal comparison: position on an ordered word list, or numeric when there is none."""

    __slots__ = ("minimum", "ranks", "text")

    def __init__(self, levels: list[str] | None, minimum: str | float) -> None:
        self.ranks = {lv.casefold(): i for i, lv in enumerate(levels)} if levels else None
        self.text = str(minimum)
        rank = self.rank(self.text)
        assert rank is not None  # the schema checked the minimum is on the scale
        self.minimum = rank

    def rank(self, value: str) -> float | None:
        """Position of ``value`` on the scale; None when it is not on it (undecidable)."""
        if self.ranks is not None:
            found = self.ranks.get(value.strip().casefold())
            return None if found is None else float(found)
        try:
            return float(value)
        except ValueError:
            return None


def name_glob(pattern: str) -> re.Pattern[str]:
    """A case-insensitive glob on achievement names, as a compiled regular expression."""
    return re.compile(fnmatch.translate(pattern.casefold()))


class Leaf:
    """A compiled skill or credential condition: identity, filters and the per-evidence check."""

    __slots__ = (
        "achievement_id",
        "check",
        "filters",
        "idx",
        "is_skill",
        "issuer_cache",
        "issuer_id",
        "label",
        "level",
        "name_cache",
        "name_re",
        "result",
        "result_name",
        "skill_label",
        "uris",
    )

    def __init__(
        self,
        idx: int,
        check: SkillCheck | CredentialCheck,
        filters: Filters,
        uris: frozenset[str],
        label: str,
    ) -> None:
        self.idx, self.check, self.filters, self.label = idx, check, filters, label
        self.is_skill = isinstance(check, SkillCheck)
        self.uris = uris
        self.skill_label = (
            check.label.casefold() if isinstance(check, SkillCheck) and check.label else None
        )
        self.achievement_id = check.achievement_id if isinstance(check, CredentialCheck) else None
        self.issuer_id = check.issuer_id if isinstance(check, CredentialCheck) else None
        pattern = check.name_pattern if isinstance(check, CredentialCheck) else None
        self.name_re = name_glob(pattern) if pattern else None
        self.name_cache: dict[str | None, bool] = {}
        self.issuer_cache: dict[str | None, str] = {}
        self.level = Scale(check.levels, check.min_level) if check.min_level is not None else None
        spec = check.min_result if isinstance(check, CredentialCheck) else None
        self.result = Scale(spec.levels, spec.min) if spec else None
        self.result_name = spec.name.casefold() if spec and spec.name else None

    # identity -------------------------------------------------------------------------------
    def names_match(self, name: str | None) -> bool:
        """Glob match on the achievement name, memoised (names repeat across candidates)."""
        hit = self.name_cache.get(name)
        if hit is None:
            hit = self.name_re is None or (
                name is not None and self.name_re.match(name.casefold()) is not None
            )
            self.name_cache[name] = hit
        return hit

    def is_credential_match(self, c: CredentialEvidence) -> bool:
        """Whether the credential is the one this condition asks about (before any filter)."""
        if self.achievement_id is not None and c.achievement_id != self.achievement_id:
            return False
        if self.issuer_id is not None and c.issuer_id != self.issuer_id:
            return False
        return self.name_re is None or self.names_match(c.achievement_name)

    def is_skill_match(self, s: SkillEvidence) -> bool:
        """Whether the skill evidence is this condition's skill (or a narrower one)."""
        if s.skill_uri in self.uris:
            return True
        return self.skill_label is not None and (s.label or "").casefold() == self.skill_label

    # checks ---------------------------------------------------------------------------------
    def value(
        self, c: CredentialEvidence | None, s: SkillEvidence | None, reference: date
    ) -> float:
        """The value of :meth:`assess` alone."""
        return self.assess(c, s, reference)[0]

    def assess(
        self, c: CredentialEvidence | None, s: SkillEvidence | None, reference: date
    ) -> tuple[float, str]:
        """Value of one piece of evidence (REJECT, PENDING or credit in (0, 1]) and the reason.

        ``s`` is the skill evidence for skill conditions (``c`` is its source credential, or
        None when it has none); ``s`` is None for credential conditions. ``reference`` is the
        candidate's reference date. Failures that settle the question (failed verification,
        wrong issuer, too old, expired, too low) win over missing facts, which make the
        evidence undecided.
        """
        f = self.filters
        if s is not None and s.confidence < f.min_confidence:
            return REJECT, "low_confidence"
        if c is None:
            return PENDING, "no_credential"
        state, why = f.accept(c)
        if state == REJECTED:
            return REJECT, why
        if f.allow is not None or f.deny:
            issuer = self.issuer_reason(c.issuer_id)
            if issuer:
                return REJECT, issuer
        missing = ""
        cutoff = f.cutoff(reference)
        if cutoff is not None:
            if c.issued_at is None:
                missing = "issue_date_missing"
            elif c.issued_at < cutoff:
                return REJECT, "too_old"
        if f.still_valid:
            if c.valid_until is not None and c.valid_until < reference:
                return REJECT, "expired"
            if c.valid_from is not None and c.valid_from > reference:
                return REJECT, "not_yet_valid"
        if self.level is not None:
            level = (s.level if s is not None else None) or c.level
            found = self.level_reason(level)
            if found == "level_too_low":
                return REJECT, found
            missing = missing or found
        if self.result is not None:
            found = self.result_reason(c.results)
            if found == "result_too_low":
                return REJECT, found
            missing = missing or found
        if missing:
            return PENDING, missing
        if state == ACCEPTED:
            return 1.0, why
        if state == DISCOUNTED:
            return 1.0 - f.penalty, why
        return PENDING, why

    def issuer_reason(self, issuer_id: str | None) -> str:
        """Allow/deny-list finding, memoised per issuer id: issuers repeat a lot."""
        found = self.issuer_cache.get(issuer_id)
        if found is None:
            # the issuer's id only: a self-declared name is not an identity (anyone can claim it)
            keys = {issuer_id.casefold()} if issuer_id else set()
            found = ""
            if self.filters.deny & keys:
                found = "issuer_denied"
            elif self.filters.allow is not None and not self.filters.allow & keys:
                found = "issuer_not_allowed"
            self.issuer_cache[issuer_id] = found
        return found

    def level_reason(self, level: str | None) -> str:
        """ "" when the level is high enough, else why not (too low, missing, unknown)."""
        assert self.level is not None
        if level is None:
            return "level_missing"
        rank = self.level.rank(level)
        if rank is None:
            return "level_unknown"
        return "level_too_low" if rank < self.level.minimum else ""

    def result_reason(self, results: Sequence[ResultValue]) -> str:
        """ "" when a stated result is high enough, else why not (too low, missing, unknown)."""
        assert self.result is not None
        wanted = [
            r
            for r in results
            if self.result_name is None or (r.name or "").casefold() == (self.result_name)
        ]
        if not wanted:
            return "result_missing"
        ranks = [rk for rk in (self.result.rank(r.value) for r in wanted) if rk is not None]
        if not ranks:
            return "result_unknown"
        return "result_too_low" if max(ranks) < self.result.minimum else ""
