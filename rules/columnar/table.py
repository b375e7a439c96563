"""The evidence table: many candidates' evidence as integer-coded numpy columns.

Two kinds of row, both sorted by candidate:

* credential rows - one per (candidate, credential): achievement, issuer and name codes, the
  issue / validity day numbers, a *profile* code (the combination of verification answers,
  tier and backing that the accept policy reads), level and results codes;
* skill rows - one per (candidate, skill mapping): skill URI and label codes, mapping
  confidence, level code and the credential row that proves it (-1: none).

Strings are interned into vocabularies (``table.vocab``); per-key row indexes (rows by skill
URI, by achievement, by issuer) let a leaf touch only the rows it is about. Building the table
from ``CandidateEvidence`` objects is one Python pass (:func:`build_table`); evaluating it is
numpy only (``rules.columnar.engine``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from rules.acceptance import ACCEPTANCE_FIELDS
from rules.inputs import CandidateEvidence
from rules.summary import NO_DATE

Ints = npt.NDArray[np.int64]
Codes = npt.NDArray[np.int32]

NO_ISSUE_DAY = -1
"""Issue day of a credential without an issue date."""
OPEN_START, OPEN_END = -(1 << 40), 1 << 40
"""Validity bounds of a credential that states none (valid from always, until forever)."""


class Vocabulary:
    """Strings (or other hashable values) interned to dense codes 0, 1, 2, ..."""

    __slots__ = ("codes", "values")

    def __init__(self) -> None:
        self.codes: dict[Any, int] = {}
        self.values: list[Any] = []

    def code(self, value: Any) -> int:
        found = self.codes.get(value)
        if found is None:
            found = self.codes[value] = len(self.values)
            self.values.append(value)
        return found

    def get(self, value: Any) -> int:
        """The code of ``value``, or -1 when no row has it."""
        return self.codes.get(value, -1)

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class RowIndex:
    """Rows grouped by a code column: ``rows[starts[k]:starts[k + 1]]`` have code ``k``."""

    rows: Ints
    starts: Ints

    @classmethod
    def of(cls, column: Codes, size: int) -> RowIndex:
        shifted = column.astype(np.int64) + 1  # code -1 (none) goes first, in its own group
        rows = np.argsort(shifted, kind="stable")
        starts = np.searchsorted(shifted[rows], np.arange(size + 2))
        return cls(rows, starts)

    def rows_for(self, codes: Sequence[int]) -> Ints:
        """The rows whose code is one of ``codes`` (codes -1 skipped)."""
        parts = [self.rows[self.starts[k + 1] : self.starts[k + 2]] for k in codes if k >= 0]
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)


@dataclass
class EvidenceTable:
    """Candidates x evidence, as columns (see the module docstring)."""

    candidate_ids: list[str]
    id_rank: Ints
    """Each candidate's position in candidate-id order (Python string order)."""
    applied_day: Ints
    """Application date as a day number; ``NO_DATE`` when missing."""
    cred_candidate: Ints
    cred_achievement: Codes
    cred_issuer: Codes
    cred_name: Codes
    cred_issued: Ints
    cred_valid_from: Ints
    cred_valid_until: Ints
    cred_profile: Codes
    cred_level: Codes
    cred_results: Codes
    skill_candidate: Ints
    skill_uri: Codes
    skill_label: Codes
    skill_confidence: npt.NDArray[np.float64]
    skill_level: Codes
    skill_credential: Ints
    """The credential row of the credential that proves the skill; -1 when none."""
    vocab: Mapping[str, Vocabulary]
    """``achievement``, ``issuer``, ``name``, ``level``, ``uri``, ``label`` (casefolded),
    ``profile`` (dicts of the accept-policy fields), ``results`` (tuples of ResultValue)."""
    candidates: Sequence[CandidateEvidence] | None = None
    """The objects the table was built from; conditions judged on the whole record (stack,
    focus) read them."""
    _indexes: dict[str, RowIndex] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.candidate_ids)

    def index(self, column: str) -> RowIndex:
        """Rows by ``skill_uri``, ``skill_label``, ``cred_achievement`` or ``cred_issuer``
        (built on first use and kept)."""
        found = self._indexes.get(column)
        if found is None:
            vocab = {
                "skill_uri": "uri",
                "skill_label": "label",
                "cred_achievement": "achievement",
                "cred_issuer": "issuer",
            }[column]
            found = RowIndex.of(getattr(self, column), len(self.vocab[vocab]))
            self._indexes[column] = found
        return found

    def build_indexes(self) -> None:
        """Build every row index now (so that evaluation does not)."""
        for column in ("skill_uri", "skill_label", "cred_achievement", "cred_issuer"):
            self.index(column)


def _day(value: Any, missing: int) -> int:
    return missing if value is None else int(value.toordinal())


def build_table(candidates: Sequence[CandidateEvidence]) -> EvidenceTable:
    """The evidence table of ``candidates`` (one Python pass; fields read from ``__dict__``,
    as pydantic attribute access is slow)."""
    names = ("achievement", "issuer", "name", "level", "uri", "label", "profile", "results")
    vocab = {name: Vocabulary() for name in names}
    achievement, issuer, name, level = (
        vocab[k] for k in ("achievement", "issuer", "name", "level")
    )
    uri, label, profile, results = (vocab[k] for k in ("uri", "label", "profile", "results"))
    profiles: dict[tuple[Any, ...], int] = {}
    ids: list[str] = []
    applied: list[int] = []
    c_cand: list[int] = []
    c_cols: list[list[int]] = [[] for _ in range(9)]
    s_cand: list[int] = []
    s_cols: list[list[int]] = [[] for _ in range(4)]
    s_conf: list[float] = []
    for i, cand in enumerate(candidates):
        cd = cand.__dict__
        ids.append(cd["candidate_id"])
        applied.append(_day(cd["applied_at"], NO_DATE))
        rows: dict[str, int] = {}
        for c in cd["credentials"]:
            d = c.__dict__
            rows[d["credential_id"]] = len(c_cand)
            c_cand.append(i)
            key = tuple(tuple(d[f]) if isinstance(d[f], list) else d[f] for f in ACCEPTANCE_FIELDS)
            code = profiles.get(key)
            if code is None:
                code = profiles[key] = profile.code(key)
                profile.values[code] = {f: d[f] for f in ACCEPTANCE_FIELDS}
            stated = d["results"]
            for col, value in zip(
                c_cols,
                (
                    -1 if d["achievement_id"] is None else achievement.code(d["achievement_id"]),
                    -1 if d["issuer_id"] is None else issuer.code(d["issuer_id"]),
                    -1 if d["achievement_name"] is None else name.code(d["achievement_name"]),
                    _day(d["issued_at"], NO_ISSUE_DAY),
                    _day(d["valid_from"], OPEN_START),
                    _day(d["valid_until"], OPEN_END),
                    code,
                    -1 if d["level"] is None else level.code(d["level"]),
                    results.code(tuple(stated)) if stated else -1,
                ),
                strict=True,
            ):
                col.append(value)
        for s in cd["skills"]:
            d = s.__dict__
            s_cand.append(i)
            text, proof, skill_level = d["label"], d["credential_id"], d["level"]
            s_cols[0].append(uri.code(d["skill_uri"]))
            s_cols[1].append(-1 if text is None else label.code(text.casefold()))
            s_cols[2].append(level.code(skill_level) if skill_level else -1)  # "" defers too
            s_cols[3].append(rows.get(proof, -1) if proof else -1)
            s_conf.append(d["confidence"])
    return EvidenceTable(
        candidate_ids=ids,
        id_rank=_id_rank(ids),
        applied_day=np.array(applied, dtype=np.int64),
        cred_candidate=np.array(c_cand, dtype=np.int64),
        cred_achievement=np.array(c_cols[0], dtype=np.int32),
        cred_issuer=np.array(c_cols[1], dtype=np.int32),
        cred_name=np.array(c_cols[2], dtype=np.int32),
        cred_issued=np.array(c_cols[3], dtype=np.int64),
        cred_valid_from=np.array(c_cols[4], dtype=np.int64),
        cred_valid_until=np.array(c_cols[5], dtype=np.int64),
        cred_profile=np.array(c_cols[6], dtype=np.int32),
        cred_level=np.array(c_cols[7], dtype=np.int32),
        cred_results=np.array(c_cols[8], dtype=np.int32),
        skill_candidate=np.array(s_cand, dtype=np.int64),
        skill_uri=np.array(s_cols[0], dtype=np.int32),
        skill_label=np.array(s_cols[1], dtype=np.int32),
        skill_confidence=np.array(s_conf, dtype=np.float64),
        skill_level=np.array(s_cols[2], dtype=np.int32),
        skill_credential=np.array(s_cols[3], dtype=np.int64),
        vocab=vocab,
        candidates=candidates,
    )


def _id_rank(ids: list[str]) -> Ints:
    """Each id's position in sorted order (numpy compares unicode by code point, as Python
    does); ties keep input order."""
    n = len(ids)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(np.array(ids), kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n, dtype=np.int64)
    return rank
