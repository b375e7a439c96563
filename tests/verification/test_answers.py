"""The four answers, the summary and the label, from checks as every verifier records them.

Format-specific paths (OB 2.0 hosted and signed, VC-JWT, Data Integrity, CLR) are covered in
their own suites; this file pins the derivation every one of them goes through, including
checks stored before outcomes existed (what migration 0004 converts).
"""

from __future__ import annotations

from typing import Any

import pytest

from ats_match.formats.model import IssuerInfo
from ats_match.verification import Check, CheckStatus, Verdict
from ats_match.verification.answers import Answer
from ats_match.verification.trust import trust_check_of
from ats_match.verification.verdicts import answers_of, label_of, summary_of, tier_of

P, F, W, U, S = (
    CheckStatus.PASS,
    CheckStatus.FAIL,
    CheckStatus.WARN,
    CheckStatus.INDETERMINATE,
    CheckStatus.SKIPPED,
)


def c(name: str, status: CheckStatus, detail: str = "d", **kw: Any) -> Check:
    return Check(name=name, status=status, detail=detail, **kw)


GENUINE = [c("context", P), c("structure", P), c("proof", P, "Signature verified.")]
CURRENT = [c("validity", P), c("status", S, required=False)]
BOUND = [c("recipient", P, outcome="bound")]


def _answers(*checks: Check) -> Any:
    return answers_of(list(checks), IssuerInfo(id="did:key:z6Mk", name="Nursing Council"))


def test_genuine_current_bound_is_verified_and_labelled_plainly() -> None:
    answers = _answers(*GENUINE, *CURRENT, *BOUND)
    assert (answers.authenticity.status, answers.validity.status) == ("genuine", "current")
    assert (answers.holder.status, answers.issuer.status) == ("bound", "unknown")
    assert summary_of(answers) == Verdict.VERIFIED
    assert label_of(answers) == "Genuine"
    assert tier_of(answers) == "cryptographic"


@pytest.mark.parametrize(
    ("checks", "axis", "status"),
    [
        ([c("proof", F, "The signature does not match.")], "authenticity", "forged"),
        ([c("proof", U, "Issuer unreachable.")], "authenticity", "unknown"),
        (
            [c("context", F, outcome="unknown"), c("proof", F, outcome="unknown")],
            "authenticity",
            "unknown",
        ),
        (
            [c("validity", F, outcome="expired", facts={"date": "2026-10-03T00:00:00+00:00"})],
            "validity",
            "expired",
        ),
        ([c("validity", F, outcome="not_yet_valid")], "validity", "not_yet_valid"),
        ([c("status", F, outcome="revoked")], "validity", "revoked"),
        ([c("status", F, outcome="suspended")], "validity", "suspended"),
        ([c("status", U, "Status list unreachable.")], "validity", "unknown"),
        ([c("recipient", W, outcome="unaddressed")], "holder", "unaddressed"),
        ([c("recipient", U, outcome="unproven")], "holder", "unproven"),
        ([c("recipient", P, outcome="proven")], "holder", "proven"),
        ([c("recipient", F, outcome="mismatch")], "holder", "mismatch"),
        ([c("trust", F, outcome="denied")], "issuer", "denied"),
        ([c("trust", P, outcome="trusted", facts={"registry": "DCC"})], "issuer", "trusted"),
    ],
)
def test_every_answer_of_every_axis(checks: list[Check], axis: str, status: str) -> None:
    base = {
        "authenticity": GENUINE,
        "validity": CURRENT,
        "holder": BOUND,
        "issuer": [],
    }
    base[axis] = checks
    answers = _answers(*base["authenticity"], *base["validity"], *base["holder"], *base["issuer"])
    assert getattr(answers, axis).status == status


@pytest.mark.parametrize(
    ("checks", "summary", "label"),
    [
        (
            [*GENUINE, c("validity", F, outcome="expired", facts={"date": "2026-10-03"}), *BOUND],
            Verdict.FAILED,
            "Genuine · expired 3 Oct 2026",
        ),
        (
            [*GENUINE, *CURRENT, c("recipient", W, outcome="unaddressed")],
            Verdict.INDETERMINATE,
            "Genuine · not addressed to anyone",
        ),
        (
            [c("proof", F, "The signature does not match."), *CURRENT, *BOUND],
            Verdict.FAILED,
            "Forged: the signature does not match",
        ),
        (
            [
                c(
                    "proof",
                    U,
                    "The issuer is unreachable.",
                ),
                *CURRENT,
                *BOUND,
            ],
            Verdict.INDETERMINATE,
            "Could not check yet: the issuer is unreachable (retrying)",
        ),
        (
            [
                *GENUINE,
                *CURRENT,
                *BOUND,
                c("trust", P, outcome="trusted", facts={"registry": "DCC Members"}),
            ],
            Verdict.VERIFIED,
            "Genuine · issuer trusted by DCC Members",
        ),
        (
            [*GENUINE, *CURRENT, *BOUND, c("trust", F, outcome="denied")],
            Verdict.FAILED,
            "Genuine · issuer denied",
        ),
    ],
)
def test_summary_mapping_and_labels(checks: list[Check], summary: Verdict, label: str) -> None:
    answers = _answers(*checks)
    assert summary_of(answers) == summary
    assert label_of(answers) == label


def test_unknown_issuer_shows_what_it_calls_itself_never_trusted_by_name() -> None:
    answers = _answers(*GENUINE, *CURRENT, *BOUND)
    assert answers.issuer.status == "unknown"
    assert answers.issuer.detail == {"id": "did:key:z6Mk", "calls_itself": "Nursing Council"}


def test_retry_only_when_something_could_not_be_checked() -> None:
    unreachable = _answers(c("proof", U, "down"), *CURRENT, *BOUND)
    assert unreachable.authenticity.detail["retry"] is True
    unpinned = _answers(c("proof", F, "unknown context", outcome="unknown"), *CURRENT, *BOUND)
    assert unpinned.authenticity.detail["retry"] is False


def test_a_hosted_assertion_is_an_issuer_record_tier() -> None:
    answers = _answers(c("hosted", P, "The issuer hosts this assertion."), *CURRENT, *BOUND)
    assert (answers.authenticity.status, tier_of(answers)) == ("genuine", "issuer_record")


def test_only_proving_checks_make_a_credential_genuine() -> None:
    answers = _answers(c("context", P), c("structure", P), *CURRENT, *BOUND)
    assert answers.authenticity.status == "unknown"


def test_checks_stored_before_outcomes_existed_are_read_from_their_wording() -> None:
    legacy = [
        c("proof", P),
        c("validity", F, "Expired on 2025-01-01T00:00:00+00:00."),
        c("recipient", F, "The credential does not name a recipient."),
        c("trust", F, "The issuer https://x is on the organisation's deny-list (https://x)."),
    ]
    answers = _answers(*legacy)
    assert (answers.validity.status, answers.holder.status) == ("expired", "unaddressed")
    assert answers.issuer.status == "denied"
    revoked = _answers(
        c("proof", P), c("status", F, "The issuer's status list marks this credential as revoked.")
    )
    assert revoked.validity.status == "revoked"


def test_a_judge_answer_travels_through_its_check() -> None:
    judged = Answer(status="trusted", reason="Listed by DCC.", detail={"registry": "DCC"})
    answers = _answers(*GENUINE, *CURRENT, *BOUND, trust_check_of(judged))
    assert answers.issuer.status == "trusted" and answers.issuer.detail["registry"] == "DCC"
