"""Self-reported EEO categories, normalised to the EEO-1 (component 1) vocabulary LL144 audits use.

ATSs send the voluntary self-identification in their own words: Merge's enums
(``HISPANIC_OR_LATINO``, ``DECLINE_TO_SELF_IDENTIFY``), Greenhouse Harvest's
``{"id", "description"}`` objects ("Hispanic or Latino", "Decline To Self Identify"), or
plain labels. Each is mapped to one code here; anything declined, missing or unrecognised is
``None``, which the report counts as "unknown" (never guessed).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, get_args

UNKNOWN = "unknown"

SexCode = Literal["female", "male"]
RaceEthnicityCode = Literal[
    "hispanic_or_latino",
    "white",
    "black_or_african_american",
    "native_hawaiian_or_pacific_islander",
    "asian",
    "american_indian_or_alaska_native",
    "two_or_more_races",
]
SEX_LABELS = {"female": "Female", "male": "Male"}
"""EEO-1 component 1 collects two sex categories; other answers are reported as unknown."""

RACE_ETHNICITY_LABELS = {
    "hispanic_or_latino": "Hispanic or Latino",
    "white": "White",
    "black_or_african_american": "Black or African American",
    "native_hawaiian_or_pacific_islander": "Native Hawaiian or Other Pacific Islander",
    "asian": "Asian",
    "american_indian_or_alaska_native": "American Indian or Alaska Native",
    "two_or_more_races": "Two or More Races",
}

assert set(get_args(SexCode)) == set(SEX_LABELS)
assert set(get_args(RaceEthnicityCode)) == set(RACE_ETHNICITY_LABELS)

_RACE_ALIASES = {
    "hispanic_latino": "hispanic_or_latino",
    "latino": "hispanic_or_latino",
    "hispanic": "hispanic_or_latino",
    "black": "black_or_african_american",
    "african_american": "black_or_african_american",
    "native_hawaiian_or_other_pacific_islander": "native_hawaiian_or_pacific_islander",
    "american_indian_or_alaskan_native": "american_indian_or_alaska_native",
    "two_or_more": "two_or_more_races",
    "multiracial": "two_or_more_races",
}
_SEX_ALIASES = {"f": "female", "woman": "female", "m": "male", "man": "male"}


def _slug(value: Any) -> str:
    if isinstance(value, Mapping):  # Greenhouse Harvest: {"id": 1, "description": "Female"}
        value = value.get("description") or value.get("name") or value.get("value")
    if not isinstance(value, str):
        return ""
    return re.sub(r"[^a-z]+", "_", value.lower()).strip("_")


def normalise_sex(value: Any) -> str | None:
    """``female`` / ``male``, or ``None`` (declined, missing, or outside EEO-1's two)."""
    slug = _slug(value)
    slug = _SEX_ALIASES.get(slug, slug)
    return slug if slug in SEX_LABELS else None


def normalise_race_ethnicity(value: Any) -> str | None:
    """One EEO-1 race/ethnicity code, or ``None`` (declined, missing or unrecognised)."""
    slug = _slug(value).replace("_and_", "_or_")
    slug = _RACE_ALIASES.get(slug, slug)
    return slug if slug in RACE_ETHNICITY_LABELS else None


def from_eeo_object(data: Any) -> tuple[str | None, str | None]:
    """``(sex, race_ethnicity)`` from an ATS's EEO object: Merge / Kombo style
    (``gender``, ``race``), Greenhouse Harvest (objects with ``description``), or ours
    (``sex``, ``race_ethnicity``). Veteran and disability status are not read."""
    if not isinstance(data, Mapping):
        return None, None
    sex = normalise_sex(data.get("sex", data.get("gender")))
    race = normalise_race_ethnicity(data.get("race_ethnicity", data.get("race")))
    return sex, race


def label(axis: str, code: str | None) -> str:
    """The human label of a code on ``sex`` or ``race_ethnicity``; "Unknown" for ``None``."""
    labels = SEX_LABELS if axis == "sex" else RACE_ETHNICITY_LABELS
    return labels.get(code or "", "Unknown")
