"""Each candidate's reference date: what recency, validity windows and "within N years" are
measured from.

It is the application's submitted/received date when the candidate has one (``applied_at``),
else the evaluation's ``as_of``: a credential valid when the candidate applied still counts for
that application, and "issued within 2 years" means two years before they applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from rules.inputs import CandidateEvidence

Basis = Literal["application", "as_of"]


@dataclass(frozen=True, slots=True)
class ReferenceDate:
    """The date a candidate's evidence is measured from, and where it came from."""

    day: date
    basis: Basis


def reference_of(candidate: CandidateEvidence, as_of: date) -> ReferenceDate:
    """The candidate's application date when set, else ``as_of``."""
    applied = candidate.applied_at
    if applied is not None:
        return ReferenceDate(applied, "application")
    return ReferenceDate(as_of, "as_of")
