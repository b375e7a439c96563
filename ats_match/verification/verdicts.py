"""From checks to the four answers, the summary and the line a recruiter reads.

What: every verifier records :class:`Check` results; :func:`answers_of` reads them per axis
(authenticity, validity, holder, issuer), :func:`summary_of` derives the compatibility summary
(``verified`` / ``failed`` / ``indeterminate``) and :func:`label_of` the plain-language label.
:func:`build_report` puts them together.

Why from checks: the checks are what is stored and shown, so answers recomputed from stored
checks (the migration does exactly that) agree with the ones computed at verification time.
A check names its answer's status in ``outcome``; checks stored before outcomes existed are read
from their status and wording (:func:`outcome_of`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from pydantic import BaseModel

from ats_match.formats.model import AchievementInfo, CredentialForm, IssuerInfo
from ats_match.verification.answers import (
    Answer,
    Authenticity,
    EvidenceTier,
    Holder,
    IssuerTrust,
    Validity,
)
from ats_match.verification.report import (
    Axis,
    Check,
    CheckStatus,
    Verdict,
    VerificationContext,
    VerificationReport,
)

AXIS_BY_NAME: dict[str, Axis] = {
    "proof": "authenticity",
    "jwt_claims": "authenticity",
    "signature": "authenticity",
    "hosted": "authenticity",
    "verification_scope": "authenticity",
    "badge_class": "authenticity",
    "issuer": "authenticity",
    "structure": "authenticity",
    "context": "authenticity",
    "internal": "authenticity",
    "nested": "authenticity",
    "validity": "validity",
    "status": "validity",
    "revocation": "validity",
    "recipient": "holder",
    "trust": "issuer",
}
PROVING_CHECKS = frozenset({"proof", "signature", "hosted"})
"""Only these can make a credential genuine; the other authenticity checks can only refuse."""
_VALIDITY_ORDER = (
    Validity.REVOKED,
    Validity.SUSPENDED,
    Validity.EXPIRED,
    Validity.NOT_YET_VALID,
    Validity.UNKNOWN,
    Validity.CURRENT,
)
_VALIDITY_RANK: dict[str, int] = {str(v): rank for rank, v in enumerate(_VALIDITY_ORDER)}
_BAD_VALIDITY = frozenset(
    {Validity.REVOKED, Validity.SUSPENDED, Validity.EXPIRED, Validity.NOT_YET_VALID}
)


class Answers(BaseModel):
    authenticity: Answer
    validity: Answer
    holder: Answer
    issuer: Answer


class _Four(NamedTuple):
    """The four answers while a report is built (a tuple: no model to validate)."""

    authenticity: Answer
    validity: Answer
    holder: Answer
    issuer: Answer


class FourAnswers(Protocol):
    """What :func:`summary_of`, :func:`tier_of` and :func:`label_of` read."""

    @property
    def authenticity(self) -> Answer: ...
    @property
    def validity(self) -> Answer: ...
    @property
    def holder(self) -> Answer: ...
    @property
    def issuer(self) -> Answer: ...


def axis_of(check: Check) -> Axis | None:
    """The answer ``check`` informs (``None`` for informational checks: schema, endorsements)."""
    if check.axis:
        return check.axis
    name = check.name
    return AXIS_BY_NAME.get(name.partition("[")[0] if "[" in name else name)


def outcome_of(check: Check, axis: Axis) -> str | None:
    """The status ``check`` gives its answer; ``None`` when it has no say (skipped, warning)."""
    if check.outcome:
        return check.outcome
    if check.status in (CheckStatus.SKIPPED, CheckStatus.WARN):
        return None
    passed, failed = check.status == CheckStatus.PASS, check.status == CheckStatus.FAIL
    if axis == "authenticity":
        return Authenticity.GENUINE if passed else Authenticity.FORGED if failed else "unknown"
    if axis == "validity":
        if passed:
            return Validity.CURRENT
        return _validity_from_text(check.detail.lower()) if failed else "unknown"
    if axis == "holder":
        if passed:
            return Holder.BOUND
        if failed:
            text = check.detail.lower()
            return Holder.UNADDRESSED if "does not name a recipient" in text else Holder.MISMATCH
        return Holder.UNPROVEN
    if failed:
        return IssuerTrust.DENIED if "deny-list" in check.detail.lower() else IssuerTrust.UNKNOWN
    return IssuerTrust.TRUSTED if "allow-list" in check.detail.lower() else IssuerTrust.UNKNOWN


def _validity_from_text(text: str) -> str:
    for word, found in (
        ("suspended", Validity.SUSPENDED),
        ("revoked", Validity.REVOKED),
        ("not valid yet", Validity.NOT_YET_VALID),
        ("in the future", Validity.NOT_YET_VALID),
        ("expired", Validity.EXPIRED),
    ):
        if word in text:
            return found
    return Validity.UNKNOWN


Said = list[tuple[Check, str]]


def _said_by_axis(checks: Sequence[Check]) -> dict[str, Said]:
    """Per answer, the checks that have a say in it with the status each gives (one pass)."""
    found: dict[str, Said] = {"authenticity": [], "validity": [], "holder": [], "issuer": []}
    by_name = AXIS_BY_NAME.get
    for check in checks:
        axis = check.axis  # axis_of, inlined: this runs for every check of every report
        if not axis:
            name = check.name
            axis = by_name(name.partition("[")[0] if "[" in name else name)
            if axis is None:
                continue
        outcome = check.outcome
        if not outcome:
            if outcome is None and not check.required:
                continue
            outcome = outcome_of(check, axis)
        if outcome is not None:
            found[axis].append((check, outcome))
    return found


def _said(checks: Sequence[Check], axis: Axis) -> Said:
    return _said_by_axis(checks)[axis]


def _answer(status: str, check: Check, **detail: Any) -> Answer:
    facts = {**check.facts, **detail, "check": check.name}
    return Answer(status=status, reason=check.detail, detail=facts)


def authenticity_of(checks: Sequence[Check]) -> Answer:
    """``forged`` if any check refutes the proof, else ``unknown`` if one could not run,
    else ``genuine`` when a proving check (proof, signature, hosted record) holds."""
    return _authenticity(_said(checks, "authenticity"))


def _authenticity(said: Said) -> Answer:
    for check, outcome in said:
        if outcome == Authenticity.FORGED:
            return _answer(Authenticity.FORGED, check)
    for check, outcome in said:
        if outcome == Authenticity.UNKNOWN:
            retry = check.status == CheckStatus.INDETERMINATE
            return _answer(Authenticity.UNKNOWN, check, retry=retry)
    for check, outcome in said:
        if outcome == Authenticity.GENUINE and check.name.partition("[")[0] in PROVING_CHECKS:
            return _answer(Authenticity.GENUINE, check)
    return Answer(
        status=Authenticity.UNKNOWN,
        reason="Nothing in the credential shows who issued it.",
        detail={"retry": False},
    )


def validity_of(checks: Sequence[Check]) -> Answer:
    """The worst of the date and status checks: revoked, suspended, expired, not yet valid,
    unknown, then current."""
    return _validity(_said(checks, "validity"))


def _validity(said: Said) -> Answer:
    # The first check giving the worst outcome in _VALIDITY_ORDER (outcomes outside it are
    # never chosen): one pass with ranks instead of a pass per outcome.
    worst: tuple[int, Check] | None = None
    for check, outcome in said:
        rank = _VALIDITY_RANK.get(outcome)
        if rank is not None and (worst is None or rank < worst[0]):
            worst = (rank, check)
    if worst is None:
        return Answer(status=Validity.UNKNOWN, reason="No date or status was checked.")
    wanted, check = _VALIDITY_ORDER[worst[0]], worst[1]
    if wanted == Validity.UNKNOWN:
        return _answer(wanted, check, retry=check.status == CheckStatus.INDETERMINATE)
    return _answer(wanted, check)


def holder_of(checks: Sequence[Check]) -> Answer:
    return _holder(_said(checks, "holder"))


def _holder(said: Said) -> Answer:
    if not said:
        return Answer(status=Holder.UNADDRESSED, reason="The recipient was not checked.")
    check, outcome = said[0]
    return _answer(outcome, check)


def issuer_of(checks: Sequence[Check], issuer: IssuerInfo | None = None) -> Answer:
    """The ``issuer`` answer; the issuer's self-declared name is shown as "calls itself"."""
    return _issuer(_said(checks, "issuer"), issuer)


def _issuer(said: Said, issuer: IssuerInfo | None) -> Answer:
    if said:
        check, outcome = said[0]
        answer = _answer(outcome, check)
    else:
        answer = Answer(
            status=IssuerTrust.UNKNOWN,
            reason="No registry or list the organisation uses vouches for this issuer.",
        )
    if issuer is not None:
        answer.detail.setdefault("id", issuer.id)
        if issuer.name:
            answer.detail.setdefault("calls_itself", issuer.name)
    return answer


def answers_of(checks: Sequence[Check], issuer: IssuerInfo | None = None) -> Answers:
    return Answers(**_four(checks, issuer)._asdict())


def _four(checks: Sequence[Check], issuer: IssuerInfo | None) -> _Four:
    said = _said_by_axis(checks)
    return _Four(
        _authenticity(said["authenticity"]),
        _validity(said["validity"]),
        _holder(said["holder"]),
        _issuer(said["issuer"], issuer),
    )


def summary_of(answers: FourAnswers) -> Verdict:
    """The compatibility summary. ``failed``: forged, revoked, suspended, expired, not yet
    valid, someone else's, or a denied issuer. ``verified``: genuine, current, bound or proven,
    and the issuer not denied. Everything else (could not check, not addressed to anyone, a DID
    the applicant has not proven) is ``indeterminate``."""
    if (
        answers.authenticity.status == Authenticity.FORGED
        or answers.validity.status in _BAD_VALIDITY
        or answers.holder.status == Holder.MISMATCH
        or answers.issuer.status == IssuerTrust.DENIED
    ):
        return Verdict.FAILED
    if (
        answers.authenticity.status == Authenticity.GENUINE
        and answers.validity.status == Validity.CURRENT
        and answers.holder.status in (Holder.BOUND, Holder.PROVEN)
    ):
        return Verdict.VERIFIED
    return Verdict.INDETERMINATE


def verdict_of(checks: Sequence[Check]) -> Verdict:
    """The summary of ``checks`` (compatibility)."""
    return summary_of(answers_of(checks))


def tier_of(answers: FourAnswers) -> EvidenceTier:
    """Cryptographic for a proof or signature that holds, issuer record for a hosted
    assertion the issuer confirms, otherwise claimed."""
    if answers.authenticity.status != Authenticity.GENUINE:
        return EvidenceTier.CLAIMED
    if answers.authenticity.detail.get("check") == "hosted":
        return EvidenceTier.ISSUER_RECORD
    return EvidenceTier.CRYPTOGRAPHIC


def label_of(answers: FourAnswers) -> str:
    """One line for a recruiter: "Genuine · expired 3 Oct 2026", "Forged: ...",
    "Could not check yet: ... (retrying)"."""
    auth = answers.authenticity
    if auth.status != Authenticity.GENUINE and answers.validity.status == Validity.REVOKED:
        return f"Revoked: {_sentence(answers.validity.reason)}"
    if auth.status == Authenticity.FORGED:
        return f"Forged: {_sentence(auth.reason)}"
    if auth.status == Authenticity.UNKNOWN:
        again = " (retrying)" if auth.detail.get("retry") else ""
        return f"Could not check{' yet' if again else ''}: {_sentence(auth.reason)}{again}"
    parts = ["Genuine"]
    validity = validity_words(answers.validity)
    if validity:
        parts.append(validity)
    holder = _HOLDER_WORDS.get(answers.holder.status)
    if holder:
        parts.append(holder)
    issuer = _issuer_words(answers.issuer)
    if issuer:
        parts.append(issuer)
    return " · ".join(parts)


_HOLDER_WORDS: dict[str, str] = {
    Holder.UNADDRESSED: "not addressed to anyone",
    Holder.MISMATCH: "issued to someone else",
    Holder.UNPROVEN: "names a DID the applicant has not proven",
    Holder.PROVEN: "held by the applicant (proven)",
}


def validity_words(answer: Answer) -> str:
    status = answer.status
    when = _day(answer.detail.get("date"))
    if status == Validity.EXPIRED:
        return f"expired {when}" if when else "expired"
    if status == Validity.NOT_YET_VALID:
        return f"not valid until {when}" if when else "not valid yet"
    if status in (Validity.REVOKED, Validity.SUSPENDED):
        return str(status)
    if status == Validity.UNKNOWN:
        return "status unknown" + (" (retrying)" if answer.detail.get("retry") else "")
    return ""


def _issuer_words(answer: Answer) -> str:
    if answer.status == IssuerTrust.TRUSTED:
        registry = answer.detail.get("registry")
        return f"issuer trusted by {registry}" if registry else "issuer trusted"
    if answer.status == IssuerTrust.DENIED:
        return "issuer denied"
    return ""


def _day(value: Any) -> str:
    if not isinstance(value, str) or not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            moment = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{moment.day} {moment.strftime('%b %Y')}"


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def build_report(
    *,
    format: str,
    checks: list[Check],
    issuer: IssuerInfo,
    achievement: AchievementInfo,
    verified_at: datetime,
) -> VerificationReport:
    """The report of one verification: checks, the four answers, summary, tier and label."""
    answers = _four(checks, issuer)
    return VerificationReport(
        format=format,
        status=summary_of(answers),
        checks=checks,
        authenticity=answers.authenticity,
        validity=answers.validity,
        holder=answers.holder,
        issuer_trust=answers.issuer,
        evidence_tier=tier_of(answers),
        label=label_of(answers),
        issuer=issuer,
        achievement=achievement,
        verified_at=verified_at,
    )


def public_answers(report: VerificationReport) -> dict[str, Any]:
    """The four answers as the API, CLI ``--json`` and outbound events show them: each
    ``{status, reason, ...}`` under its own top-level key."""
    return {
        "authenticity": report.authenticity.model_dump(mode="json"),
        "validity": report.validity.model_dump(mode="json"),
        "holder": report.holder.model_dump(mode="json"),
        "issuer": report.issuer_trust.model_dump(mode="json"),
        "evidence_tier": report.evidence_tier,
        "label": report.label,
        "summary": report.status.value,
    }


__all__ = [
    "Answers",
    "answers_of",
    "authenticity_of",
    "axis_of",
    "build_report",
    "holder_of",
    "issuer_of",
    "label_of",
    "outcome_of",
    "public_answers",
    "summary_of",
    "tier_of",
    "validity_of",
    "verdict_of",
]


def report_of(
    credential: CredentialForm,
    context: VerificationContext,
    checks_of: Callable[[CredentialForm, VerificationContext], list[Check]],
    what: str,
) -> VerificationReport:
    """The report of ``checks_of``'s checks; a failure nobody foresaw inside them is logged and
    makes the credential *not checked* (indeterminate), never verified."""
    try:
        checks = checks_of(credential, context)
    except Exception as exc:  # a shape nobody foresaw: never verified
        logging.getLogger(__name__).exception("%s verification could not complete", what)
        detail = f"Verification could not complete ({type(exc).__name__})."
        checks = [Check(name="internal", status=CheckStatus.INDETERMINATE, detail=detail)]
    return build_report(
        format=credential.format,
        checks=checks,
        issuer=credential.issuer,
        achievement=credential.achievement,
        verified_at=context.now,
    )
