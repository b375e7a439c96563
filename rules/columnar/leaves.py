"""Leaf conditions over the evidence table: each leaf's best evidence *code* per candidate.

A piece of evidence has one of four values for a leaf (see :meth:`rules.leaf.Leaf.assess`):
does not count (-1), undecided (0), counts with the indeterminate penalty (``1 - penalty``),
counts (1). Their codes 0..3 are in the same order, so a candidate's best code is the code of
their best value. Every check of ``assess`` becomes a mask over the rows the leaf is about:

* the accept policy - judged once per distinct *profile* (combination of verification answers,
  tier and backing) by the oracle's own :meth:`Acceptance.judge`, then looked up per row;
* issuer allow/deny lists, levels, results, name globs - judged once per vocabulary entry;
* recency and validity - day-number comparisons with each candidate's reference day.

A row is code 0 when any check rejects it, else 1 when a fact is missing or the policy leaves it
undecided, else 2 or 3 by the policy's state: exactly ``assess``'s order of precedence.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

from rules.acceptance import ACCEPTED, REJECTED, UNDECIDED
from rules.columnar.table import NO_ISSUE_DAY, EvidenceTable, Ints
from rules.filters import recency_cutoff
from rules.leaf import Leaf

CODE_REJECT, CODE_PENDING, CODE_DISCOUNTED, CODE_COUNTS = 0, 1, 2, 3
Mask = npt.NDArray[np.bool_]
Small = npt.NDArray[np.uint8]

_OK, _LOW, _MISSING = 0, 1, 2


def code_values(leaf: Leaf) -> npt.NDArray[np.float64]:
    """The leaf value of each code (the discounted state always earns ``1 - penalty``)."""
    return np.array([-1.0, 0.0, 1.0 - leaf.filters.penalty, 1.0])


class DayContext:
    """Each candidate's reference day, and the recency cut-offs measured from it (per window,
    computed once per distinct reference day)."""

    def __init__(self, reference_day: Ints) -> None:
        self.reference_day = reference_day
        self._unique, self._inverse = np.unique(reference_day, return_inverse=True)
        self._cutoffs: dict[str, Ints] = {}

    def cutoff(self, window: str) -> Ints:
        found = self._cutoffs.get(window)
        if found is None:
            per_day = [
                recency_cutoff(window, date.fromordinal(int(d))).toordinal()
                for d in self._unique.tolist()
            ]
            found = np.array(per_day, dtype=np.int64)[self._inverse.reshape(-1)]
            self._cutoffs[window] = found
        return found


class LeafColumns:
    """One leaf compiled against a table's vocabularies."""

    def __init__(self, leaf: Leaf, table: EvidenceTable) -> None:
        self.leaf, self.table = leaf, table
        f = leaf.filters
        vocab = table.vocab
        self.state = np.array(
            [f.accept.judge(p)[0] for p in vocab["profile"].values], dtype=np.int8
        )
        # lookup tables are indexed by code + 1, so that code -1 (none) reads entry 0
        self.bad_issuer: Mask | None = None
        if f.allow is not None or f.deny:
            issuers = [None, *vocab["issuer"].values]
            self.bad_issuer = np.array([bool(leaf.issuer_reason(i)) for i in issuers])
        self.level: Small | None = None
        if leaf.level is not None:
            levels = [None, *vocab["level"].values]
            self.level = np.array([_finding(leaf.level_reason(v)) for v in levels], np.uint8)
        self.result: Small | None = None
        if leaf.result is not None:
            stated = [(), *vocab["results"].values]
            self.result = np.array([_finding(leaf.result_reason(r)) for r in stated], np.uint8)

    def credential_codes(self, rows: Ints, days: DayContext, level: npt.NDArray[np.int32]) -> Small:
        """The code of each credential row in ``rows`` (``level``: the level code each row is
        judged by - the skill's, else the credential's)."""
        t, f = self.table, self.leaf.filters
        state = self.state[t.cred_profile[rows]]
        reject = state == REJECTED
        pending = state == UNDECIDED
        if self.bad_issuer is not None:
            reject |= self.bad_issuer[t.cred_issuer[rows] + 1]
        reference = days.reference_day[t.cred_candidate[rows]]
        if f.window is not None:
            issued = t.cred_issued[rows]
            missing = issued == NO_ISSUE_DAY
            pending |= missing
            reject |= ~missing & (issued < days.cutoff(f.window)[t.cred_candidate[rows]])
        if f.still_valid:
            reject |= t.cred_valid_until[rows] < reference
            reject |= t.cred_valid_from[rows] > reference
        for finding in (
            None if self.level is None else self.level[level + 1],
            None if self.result is None else self.result[t.cred_results[rows] + 1],
        ):
            if finding is not None:
                reject |= finding == _LOW
                pending |= finding == _MISSING
        counts = np.where(state == ACCEPTED, CODE_COUNTS, CODE_DISCOUNTED)
        codes: Small = np.where(reject, CODE_REJECT, np.where(pending, CODE_PENDING, counts))
        return codes.astype(np.uint8)

    def best_codes(self, days: DayContext) -> Small:
        """The best code per candidate (0 for a candidate without evidence for the leaf)."""
        rows, codes = self.skill_rows(days) if self.leaf.is_skill else self.credential_rows(days)
        best = np.zeros(self.table.size, dtype=np.uint8)
        for code in (CODE_PENDING, CODE_DISCOUNTED, CODE_COUNTS):
            best[rows[codes >= code]] = code
        return best

    def credential_rows(self, days: DayContext) -> tuple[Ints, Small]:
        """(candidate, code) of the credential rows this leaf is about."""
        t, leaf = self.table, self.leaf
        vocab = t.vocab
        if leaf.achievement_id is not None:
            rows = t.index("cred_achievement").rows_for(
                [vocab["achievement"].get(leaf.achievement_id)]
            )
        elif leaf.issuer_id is not None:
            rows = t.index("cred_issuer").rows_for([vocab["issuer"].get(leaf.issuer_id)])
        else:
            rows = np.arange(len(t.cred_candidate), dtype=np.int64)
        if leaf.issuer_id is not None and leaf.achievement_id is not None:
            rows = rows[t.cred_issuer[rows] == vocab["issuer"].get(leaf.issuer_id)]
        if leaf.name_re is not None:
            names = [None, *vocab["name"].values]
            named = np.array([leaf.names_match(n) for n in names], dtype=bool)
            rows = rows[named[t.cred_name[rows] + 1]]
        codes = self.credential_codes(rows, days, t.cred_level[rows])
        return t.cred_candidate[rows], codes

    def skill_rows(self, days: DayContext) -> tuple[Ints, Small]:
        """(candidate, code) of the skill rows this leaf is about."""
        t, leaf = self.table, self.leaf
        uri = t.vocab["uri"]
        rows = t.index("skill_uri").rows_for(sorted(uri.get(u) for u in leaf.uris))
        if leaf.skill_label is not None:
            labelled = t.index("skill_label").rows_for([t.vocab["label"].get(leaf.skill_label)])
            rows = np.union1d(rows, labelled)  # a row matched both ways counts once
        low = t.skill_confidence[rows] < leaf.filters.min_confidence
        proof = t.skill_credential[rows]
        codes = np.full(len(rows), CODE_PENDING, dtype=np.uint8)  # no credential: undecided
        backed = proof >= 0
        if backed.any():
            level = t.skill_level[rows[backed]]
            level = np.where(level >= 0, level, t.cred_level[proof[backed]])
            codes[backed] = self.credential_codes(proof[backed], days, level)
        codes[low] = CODE_REJECT
        return t.skill_candidate[rows], codes


def _finding(reason: str) -> int:
    if reason in ("level_too_low", "result_too_low"):
        return _LOW
    return _MISSING if reason else _OK
