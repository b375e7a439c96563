"""The adverse-impact report's plain-language summary: what was measured, on whom, and which
ratios fall below four-fifths, in sentences a recruiter or a candidate can read."""

from __future__ import annotations

from ats_match.fairness.impact import FOUR_FIFTHS, ImpactTable

OUTCOME_WORDS = {
    "shortlisted": "being shortlisted (or advanced)",
    "advanced": "being advanced",
    "scoring": "scoring above the median",
}
AXIS_WORDS = {"sex": "sex", "race_ethnicity": "race/ethnicity", "intersection": "sex and race"}
LIMITS = (
    "This report is computed by the product from the self-reported categories the ATS sent. It "
    "is not a bias audit: NYC Local Law 144 requires an independent auditor, who may use these "
    "figures as data. An impact ratio below 0.8 is a signal to investigate, not proof of "
    "discrimination; with small samples a single decision moves a ratio a long way."
)


def summary(
    tables: list[ImpactTable], applicants: int, version: int, median: float | None
) -> list[str]:
    """Sentences: the sample, unknowns, exclusions, then each flagged ratio (or that none is)."""
    if not tables:
        return [f"No application has been scored with requirement-set version {version} yet."]
    lines = [_sample(tables, applicants, version, median)]
    excluded = sorted(
        {
            row.label
            for t in tables
            if t.axis != "intersection"
            for row in t.categories
            if row.excluded
        }
    )
    if excluded:
        lines.append(
            "Excluded from the ratios for being under 2 % of applicants (counts still shown): "
            + ", ".join(excluded)
            + "."
        )
    flagged = [
        _flag(t, row.label, row.impact_ratio)
        for t in tables
        for row in t.categories
        if row.below_four_fifths
    ]
    if flagged:
        lines.extend(flagged)
    else:
        lines.append(f"No impact ratio is below {FOUR_FIFTHS} (the four-fifths rule of thumb).")
    return lines


def _sample(tables: list[ImpactTable], applicants: int, version: int, median: float | None) -> str:
    unknown = {t.axis: t.unknown.applicants for t in tables}
    median_words = f"; the median score is {median:.1f}" if median is not None else ""
    return (
        f"{applicants} applications were scored with requirement-set version {version}"
        f"{median_words}. {unknown.get('sex', 0)} did not report their sex and "
        f"{unknown.get('race_ethnicity', 0)} their race/ethnicity: they are counted as unknown "
        "and left out of the ratios."
    )


def _flag(table: ImpactTable, label: str, ratio: float | None) -> str:
    reference = next((r.label for r in table.categories if r.category == table.most_selected), "")
    return (
        f"By {AXIS_WORDS[table.axis]}, {label} applicants' rate of "
        f"{OUTCOME_WORDS[table.outcome]} is {ratio:.2f} of the {reference} rate, below "
        f"{FOUR_FIFTHS}."
    )
