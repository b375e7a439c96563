"""A synthetic population of 100 assessed applications whose rates and ratios are worked out by
hand in the tests (and in docs/fairness.md). Each group: sex, race/ethnicity, applicants, how
many are shortlisted (current decision shortlist or advance), advanced, and scored high (80;
the rest score 20, so the median of the 100 scores is 20 and "above the median" means 80)."""

from __future__ import annotations

GROUPS: tuple[tuple[str | None, str | None, int, int, int, int], ...] = (
    ("female", "white", 20, 6, 2, 8),
    ("female", "black_or_african_american", 10, 2, 1, 3),
    ("female", "asian", 10, 4, 2, 5),
    ("male", "white", 30, 12, 6, 15),
    ("male", "black_or_african_american", 15, 3, 1, 6),
    ("male", "american_indian_or_alaska_native", 1, 1, 1, 1),  # 1 %: excluded from ratios
    ("male", None, 4, 2, 0, 2),
    (None, "white", 6, 2, 1, 3),
    (None, None, 4, 1, 0, 2),
)
HIGH, LOW = 80.0, 20.0


def members() -> list[tuple[str | None, str | None, float, str | None]]:
    """``(sex, race_ethnicity, score, current decision)`` for every applicant."""
    rows: list[tuple[str | None, str | None, float, str | None]] = []
    for sex, race, n, shortlisted, advanced, high in GROUPS:
        for i in range(n):
            decision = "advance" if i < advanced else "shortlist" if i < shortlisted else None
            rows.append((sex, race, HIGH if i < high else LOW, decision))
    return rows
