"""The LL144 arithmetic on the synthetic population, every figure worked out by hand."""

from __future__ import annotations

import pytest

from ats_match.fairness.impact import Assessed, ImpactTable, impact_tables, median_score
from tests.fairness.population import members


def _population() -> list[Assessed]:
    return [
        Assessed(sex, race, score, decision is not None, decision == "advance")
        for sex, race, score, decision in members()
    ]


def _table(outcome: str, axis: str) -> ImpactTable:
    return next(t for t in impact_tables(_population()) if (t.outcome, t.axis) == (outcome, axis))


def _row(table: ImpactTable, category: str) -> tuple[int, int, float, float | None, bool]:
    row = next(r for r in table.categories if r.category == category)
    return row.applicants, row.selected, row.rate, row.impact_ratio, row.below_four_fifths


def test_median_is_of_the_whole_sample_and_above_means_strictly_above() -> None:
    assert len(_population()) == 100
    assert median_score(_population()) == 20.0  # 45 score 80, 55 score 20


def test_shortlisting_by_sex() -> None:
    table = _table("shortlisted", "sex")
    # female 12/40 = 0.30; male (12+3+1+2)/50 = 0.36 is the most selected; 0.30/0.36 = 0.8333
    assert _row(table, "male") == (50, 18, 0.36, 1.0, False)
    assert _row(table, "female") == (40, 12, 0.3, 0.8333, False)
    assert table.most_selected == "male"
    assert (table.unknown.applicants, table.unknown.selected, table.unknown.rate) == (10, 3, 0.3)


def test_advancing_by_sex_is_flagged_below_four_fifths() -> None:
    table = _table("advanced", "sex")
    # female 5/40 = 0.125; male 8/50 = 0.16; 0.125/0.16 = 0.78125 < 0.8
    assert _row(table, "female") == (40, 5, 0.125, 0.7812, True)
    assert _row(table, "male") == (50, 8, 0.16, 1.0, False)


def test_race_ethnicity_excludes_the_category_under_two_percent() -> None:
    table = _table("shortlisted", "race_ethnicity")
    # American Indian: 1 of 100 applicants (1 % < 2 %), rate 1.0 shown but no ratio, and it is
    # not the comparison category; Asian 4/10 = 0.4 is.
    excluded = next(r for r in table.categories if r.category == "american_indian_or_alaska_native")
    assert (excluded.applicants, excluded.rate, excluded.excluded) == (1, 1.0, True)
    assert excluded.impact_ratio is None and not excluded.below_four_fifths
    assert table.most_selected == "asian"
    assert _row(table, "asian") == (10, 4, 0.4, 1.0, False)
    assert _row(table, "white") == (56, 20, 0.3571, 0.8929, False)  # (20/56)/0.4
    assert _row(table, "black_or_african_american") == (25, 5, 0.2, 0.5, True)
    assert (table.unknown.applicants, table.unknown.selected) == (8, 3)


def test_intersections() -> None:
    table = _table("shortlisted", "intersection")
    # female/asian and male/white tie at 0.4; either is the reference, ratios are the same
    assert table.most_selected in {"female/asian", "male/white"}
    assert _row(table, "female/white") == (20, 6, 0.3, 0.75, True)
    assert _row(table, "female/black_or_african_american") == (10, 2, 0.2, 0.5, True)
    assert _row(table, "male/white") == (30, 12, 0.4, 1.0, False)
    assert _row(table, "male/black_or_african_american") == (15, 3, 0.2, 0.5, True)
    # unknown when either answer is missing: 4 + 6 + 4
    assert table.unknown.applicants == 14


def test_scoring_rates() -> None:
    sex = _table("scoring", "sex")
    assert _row(sex, "female") == (40, 16, 0.4, 0.8333, False)  # 16/40 ÷ 24/50
    race = _table("scoring", "race_ethnicity")
    assert _row(race, "asian") == (10, 5, 0.5, 1.0, False)
    assert _row(race, "white") == (56, 26, 0.4643, 0.9286, False)
    assert _row(race, "black_or_african_american") == (25, 9, 0.36, 0.72, True)


def test_no_one_selected_gives_no_ratios() -> None:
    nobody = [
        Assessed("female", "white", 1.0, False, False),
        Assessed("male", "asian", 1.0, False, False),
    ]
    table = impact_tables(nobody)[0]
    assert table.most_selected is None
    assert all(r.impact_ratio is None and not r.below_four_fifths for r in table.categories)
    assert impact_tables([]) == []


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"gender": "FEMALE", "race": "HISPANIC_OR_LATINO"}, ("female", "hispanic_or_latino")),
        (
            {
                "gender": {"id": 1, "description": "Male"},
                "race": {"description": "Two or More Races"},
            },
            ("male", "two_or_more_races"),
        ),
        ({"gender": "DECLINE_TO_SELF_IDENTIFY", "race": "DECLINE_TO_SELF_IDENTIFY"}, (None, None)),
        (
            {"sex": "Non-binary", "race_ethnicity": "Black or African American"},
            (None, "black_or_african_american"),
        ),
        ("not an object", (None, None)),
    ],
)
def test_vendor_eeo_objects_are_normalised(
    given: object, expected: tuple[str | None, str | None]
) -> None:
    from ats_match.fairness.categories import from_eeo_object

    assert from_eeo_object(given) == expected
