"""The answers read in one pass over the checks are the answers the per-axis passes gave.

``verdicts`` used to scan the checks once per answer and, for validity, once per outcome; it
now does one pass. The reference below is that earlier code, verbatim in what it decides; every
generated list of checks (any names, statuses, outcomes, required flags, facts) must give the
same four answers, summary and label."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from ats_match.formats.model import IssuerInfo
from ats_match.verification import verdicts as v
from ats_match.verification.answers import Answer, Validity
from ats_match.verification.report import Check, CheckStatus

NAMES = [*v.AXIS_BY_NAME, "schema", "endorsement[0]", "proof[1]", "jwt_validity", "conformance"]
OUTCOMES = [
    None,
    "",
    *[str(x) for x in Validity],
    "genuine",
    "forged",
    "bound",
    "mismatch",
    "unaddressed",
    "unproven",
    "proven",
    "trusted",
    "denied",
    "odd",
]
DETAILS = [
    "Expired on 2020-01-01.",
    "Revoked by the issuer.",
    "does not name a recipient",
    "on the deny-list",
    "on the allow-list",
    "Suspended.",
    "Not valid yet.",
    "fine",
]


def _reference_said(checks: Sequence[Check], axis: str) -> list[tuple[Check, str]]:
    found = []
    for check in checks:
        if v.axis_of(check) != axis or (not check.required and check.outcome is None):
            continue
        outcome = v.outcome_of(check, axis)  # type: ignore[arg-type]
        if outcome is not None:
            found.append((check, outcome))
    return found


def _reference_validity(checks: Sequence[Check]) -> Answer:
    said = _reference_said(checks, "validity")
    for wanted in v._VALIDITY_ORDER:
        for check, outcome in said:
            if outcome == wanted:
                if wanted == Validity.UNKNOWN:
                    retry = check.status == CheckStatus.INDETERMINATE
                    return v._answer(wanted, check, retry=retry)
                return v._answer(wanted, check)
    return Answer(status=Validity.UNKNOWN, reason="No date or status was checked.")


checks_strategy = st.lists(
    st.builds(
        Check,
        name=st.sampled_from(NAMES),
        status=st.sampled_from(list(CheckStatus)),
        detail=st.sampled_from(DETAILS),
        required=st.booleans(),
        axis=st.sampled_from([None, "authenticity", "validity", "holder", "issuer"]),
        outcome=st.sampled_from(OUTCOMES),
        facts=st.sampled_from([{}, {"date": "2026-10-03T00:00:00+00:00"}]),
    ),
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(checks_strategy)
def test_one_pass_gives_the_answers_the_per_axis_passes_gave(checks: list[Check]) -> None:
    issuer = IssuerInfo(id="did:key:z6Mk", name="Example University")
    for axis in ("authenticity", "validity", "holder", "issuer"):
        assert v._said(checks, axis) == _reference_said(checks, axis)  # type: ignore[arg-type]
    assert v.validity_of(checks) == _reference_validity(checks)
    answers = v.answers_of(checks, issuer)
    assert answers.authenticity == v._authenticity(_reference_said(checks, "authenticity"))
    assert answers.validity == _reference_validity(checks)
    assert answers.holder == v._holder(_reference_said(checks, "holder"))
    assert answers.issuer == v._issuer(_reference_said(checks, "issuer"), issuer)
    assert v.label_of(answers) and v.summary_of(answers) in ("verified", "failed", "indeterminate")
