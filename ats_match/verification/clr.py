"""CLR 2.0: verify the bundle's own proof and every credential nested in it.

What: the ClrCredential is verified like any VC (its proof, issuer binding, validity, status,
recipient); then each entry of ``credentialSubject.verifiableCredential`` (JSON or compact
VC-JWT) is verified on its own, without its own recipient check (the bundle binds the learner;
a nested credential must then name the same subject id when both name one). The bundle verdict
is the worst of all: one forged or revoked nested credential fails the bundle, one that cannot
be checked makes it indeterminate.
"""

from __future__ import annotations

from typing import Any

from ats_match.formats.model import CredentialForm
from ats_match.verification.report import (
    Check,
    CheckStatus,
    Verdict,
    VerificationContext,
    VerificationReport,
    verdict_of,
)
from ats_match.verification.vc import Evaluation, evaluate, report_for

CLR_TYPES = ("ClrCredential",)
MAX_NESTED = 200
_STATUS_OF = {
    Verdict.VERIFIED: CheckStatus.PASS,
    Verdict.FAILED: CheckStatus.FAIL,
    Verdict.INDETERMINATE: CheckStatus.INDETERMINATE,
}


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
    verdict = verdict_of(inner.checks)
    subject = _subject_id(inner.document)
    if verdict == Verdict.VERIFIED and learner and subject and subject != learner:
        return Check(
            name=name,
            status=CheckStatus.FAIL,
            detail=f"Nested credential {inner.document.get('id')} is about {subject}, "
            f"not the bundle's learner {learner}.",
        )
    problems = [
        f"{c.name}: {c.detail}"
        for c in inner.checks
        if c.required and c.status in (CheckStatus.FAIL, CheckStatus.INDETERMINATE)
    ]
    label = inner.document.get("name") or inner.document.get("id") or f"#{index}"
    detail = f"Nested credential {label}: {verdict.value}"
    return Check(
        name=name,
        status=_STATUS_OF[verdict],
        detail=detail + (" — " + " | ".join(problems) if problems else "."),
    )
