"""The adverse-impact arithmetic of an NYC Local Law 144 bias audit (6 RCNY §5-301).

For each outcome (shortlisted, advanced, scored above the median) and each axis (sex,
race/ethnicity, and their intersections):

- rate of a category = its applicants with the outcome / its applicants;
- impact ratio = the category's rate / the rate of the most-selected category;
- applicants whose category is unknown are counted and shown separately, never in a ratio;
- a category with fewer than 2 % of the applicants is excluded from the ratios (its counts and
  rate are still shown) and cannot be the most-selected category;
- a ratio below 0.8 is flagged (the EEOC's four-fifths rule of thumb, 29 CFR 1607.4(D)).

The scoring rate uses the median of every assessed applicant's score (unknown included); a
score strictly above it counts. Pure functions over plain values: the service loads them.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from ats_match.fairness.categories import label

FOUR_FIFTHS = 0.8
EXCLUSION_SHARE = 0.02
Outcome = Literal["shortlisted", "advanced", "scoring"]
Axis = Literal["sex", "race_ethnicity", "intersection"]
OUTCOMES: tuple[Outcome, ...] = ("shortlisted", "advanced", "scoring")
AXES: tuple[Axis, ...] = ("sex", "race_ethnicity", "intersection")


@dataclass(frozen=True)
class Assessed:
    """One application assessed by the requirement-set version under audit."""

    sex: str | None
    race_ethnicity: str | None
    score: float
    shortlisted: bool
    """The current decision is shortlist or advance."""
    advanced: bool
    """The current decision is advance."""


class CategoryRate(BaseModel):
    category: str
    """A code (``female``, ``asian``) or, for intersections, ``sex/race_ethnicity``."""
    label: str
    applicants: int
    share: float
    """The category's share of all assessed applicants (the 2 % exclusion test)."""
    selected: int
    rate: float
    impact_ratio: float | None
    """``None`` when excluded, or when no category was selected at all."""
    excluded: bool
    below_four_fifths: bool


class UnknownCount(BaseModel):
    applicants: int
    selected: int
    rate: float | None


class ImpactTable(BaseModel):
    outcome: Outcome
    axis: Axis
    categories: list[CategoryRate]
    unknown: UnknownCount
    most_selected: str | None


def median_score(population: Sequence[Assessed]) -> float | None:
    return statistics.median(a.score for a in population) if population else None


def _outcome_test(outcome: Outcome, median: float | None) -> Callable[[Assessed], bool]:
    if outcome == "shortlisted":
        return lambda a: a.shortlisted
    if outcome == "advanced":
        return lambda a: a.advanced
    return lambda a: median is not None and a.score > median


def _category_of(axis: Axis, a: Assessed) -> str | None:
    if axis == "sex":
        return a.sex
    if axis == "race_ethnicity":
        return a.race_ethnicity
    return f"{a.sex}/{a.race_ethnicity}" if a.sex and a.race_ethnicity else None


def _label_of(axis: Axis, code: str) -> str:
    if axis == "intersection":
        sex, race = code.split("/", 1)
        return f"{label('sex', sex)} · {label('race_ethnicity', race)}"
    return label(axis, code)


def _rate(selected: int, applicants: int) -> float:
    return round(selected / applicants, 4) if applicants else 0.0


def impact_table(population: Sequence[Assessed], outcome: Outcome, axis: Axis) -> ImpactTable:
    """One outcome on one axis, as LL144's summary of results lays it out."""
    test = _outcome_test(outcome, median_score(population))
    counts: dict[str, list[int]] = {}
    unknown = [0, 0]
    for applicant in population:
        code = _category_of(axis, applicant)
        tally = unknown if code is None else counts.setdefault(code, [0, 0])
        tally[0] += 1
        tally[1] += int(test(applicant))
    total = len(population)
    excluded = {code for code, (n, _) in counts.items() if n / total < EXCLUSION_SHARE}
    rates = {code: selected / n for code, (n, selected) in counts.items()}
    eligible = {code: rate for code, rate in rates.items() if code not in excluded}
    top = max(eligible, key=lambda code: (eligible[code], code)) if eligible else None
    best = eligible[top] if top is not None else 0.0
    rows = []
    for code, (n, selected) in sorted(counts.items(), key=lambda item: (-item[1][0], item[0])):
        ratio = None if code in excluded or best == 0 else round(rates[code] / best, 4)
        rows.append(
            CategoryRate(
                category=code,
                label=_label_of(axis, code),
                applicants=n,
                share=round(n / total, 4),
                selected=selected,
                rate=_rate(selected, n),
                impact_ratio=ratio,
                excluded=code in excluded,
                below_four_fifths=ratio is not None and ratio < FOUR_FIFTHS,
            )
        )
    return ImpactTable(
        outcome=outcome,
        axis=axis,
        categories=rows,
        unknown=UnknownCount(
            applicants=unknown[0],
            selected=unknown[1],
            rate=_rate(unknown[1], unknown[0]) if unknown[0] else None,
        ),
        most_selected=top if best > 0 else None,
    )


def impact_tables(population: Sequence[Assessed]) -> list[ImpactTable]:
    """Every outcome on every axis (empty for an empty population)."""
    if not population:
        return []
    return [impact_table(population, outcome, axis) for outcome in OUTCOMES for axis in AXES]
