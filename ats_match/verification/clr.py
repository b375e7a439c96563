"""CLR 2.0: verify the bundle's own proof and every credential nested in it.

What: the ClrCredential is verified like any VC (its proof, issuer binding, validity, status,
recipient); then each entry of ``credentialSubject.verifiableCredential`` (JSON or compact
VC-JWT) is verified on its own, without its own recipient check (the bundle binds the learner;
a nested credential must then name the same subject id when both name one). The bundle verdict
is the worst of all: one forged or revoked nested credential fails the bundle, one that cannot
be checked makes it indeterminate.
"""

from __future__ import annotations

from typing import Any, Literal

from ats_match.formats.model import CredentialForm
from ats_match.verification.answers import Answer, Authenticity, Validity
from ats_match.verification.report import (
    Check,
    CheckStatus,
    VerificationContext,
    VerificationReport,
)
from ats_match.verification.vc import Evaluation, evaluate, report_for
from ats_match.verification.verdicts import authenticity_of, validity_of

CLR_TYPES = ("ClrCredential",)
MAX_NESTED = 200


def verify_clr(credential: CredentialForm, context: VerificationContext) -> VerificationReport:
    """Verify a CLR 2.0 bundle and all nested credentials."""
    source: str | dict[str, Any] = credential.compact or credential.document
    bundle = evaluate(source, context, expected=CLR_TYPES)
    result = Evaluation(checks=list(bundle.checks), document=bundle.document)
    result.checks.extend(nested_checks(bundle.document, context))
    return report_for(credential, result)


def _subject_id(doc: dict[str, Any]) -> str | None:
    subject = doc.get("credentialSubject")
    value = subject.get("id") if isinstance(subject, dict) else None
    return value if isinstance(value, str) else None


def nested_checks(bundle: dict[str, Any], context: VerificationContext) -> list[Check]:
    """One check per nested credential, named ``nested[i]``, carrying its verdict."""
    subject = bundle.get("credentialSubject")
    raw = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    items = raw if isinstance(raw, list) else [raw] if raw is not None else []
    if not items:
        return [
            Check(
                name="nested",
                status=CheckStatus.SKIPPED,
                required=False,
                detail="The bundle holds no nested credentials.",
            )
        ]
    if len(items) > MAX_NESTED:
        return [
            Check(
                name="nested",
                status=CheckStatus.FAIL,
                detail=f"The bundle holds {len(items)} credentials (limit {MAX_NESTED}).",
            )
        ]
    learner = _subject_id(bundle)
    return [_nested(i, item, learner, context) for i, item in enumerate(items)]


def _nested(index: int, item: Any, learner: str | None, context: VerificationContext) -> Check:
    name = f"nested[{index}]"
    if not isinstance(item, str | dict):
        return Check(name=name, status=CheckStatus.FAIL, detail="Not a credential.")
    inner = evaluate(item, context, recipient=False)
    genuine, current = authenticity_of(inner.checks), validity_of(inner.checks)
    subject = _subject_id(inner.document)
    if genuine.status == Authenticity.GENUINE and learner and subject and subject != learner:
        return Check(
            name=name,
            status=CheckStatus.FAIL,
            outcome=Authenticity.FORGED,
            detail=f"Nested credential {inner.document.get('id')} is about {subject}, "
            f"not the bundle's learner {learner}.",
        )
    problems = [
        f"{c.name}: {c.detail}"
        for c in inner.checks
        if c.required and c.status in (CheckStatus.FAIL, CheckStatus.INDETERMINATE)
    ]
    label = inner.document.get("name") or inner.document.get("id") or f"#{index}"
    status, axis, outcome = _nested_standing(genuine, current)
    detail = f"Nested credential {label}: {genuine.status}, {current.status}"
    return Check(
        name=name,
        status=status,
        axis=axis,
        outcome=outcome,
        facts={"date": current.detail["date"]} if "date" in current.detail else {},
        detail=detail + (" — " + " | ".join(problems) if problems else "."),
    )


def _nested_standing(
    genuine: Answer, current: Answer
) -> tuple[CheckStatus, Literal["authenticity", "validity"], str]:
    """A nested credential speaks for the bundle on authenticity first, then on validity: the
    bundle is only as genuine, and only as current, as its weakest member."""
    if genuine.status == Authenticity.FORGED:
        return CheckStatus.FAIL, "authenticity", Authenticity.FORGED
    if genuine.status != Authenticity.GENUINE:
        state = CheckStatus.INDETERMINATE if genuine.detail.get("retry") else CheckStatus.FAIL
        return state, "authenticity", Authenticity.UNKNOWN
    if current.status == Validity.CURRENT:
        return CheckStatus.PASS, "authenticity", Authenticity.GENUINE
    if current.status == Validity.UNKNOWN:
        state = CheckStatus.INDETERMINATE if current.detail.get("retry") else CheckStatus.FAIL
        return state, "validity", Validity.UNKNOWN
    return CheckStatus.FAIL, "validity", current.status
