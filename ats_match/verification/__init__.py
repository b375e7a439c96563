"""Prove each credential against its issuer and explain every check.

``verify_credential`` dispatches on the credential's spec: Open Badges 1.x/2.0 go to
:mod:`ats_match.verification.ob2`, Verifiable Credentials (OB 3.0) to
:mod:`ats_match.verification.vc`, CLR 2.0 bundles to :mod:`ats_match.verification.clr`,
Blockcerts v2/v3 to :mod:`ats_match.verification.blockcerts`, European Digital Credentials to
:mod:`ats_match.verification.edc`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from ats_match.formats.model import CredentialForm, Spec
from ats_match.net import deadline
from ats_match.settings import get_settings
from ats_match.verification.report import (
    Check,
    CheckStatus,
    TrustPolicy,
    Verdict,
    VerificationContext,
    VerificationReport,
)
from ats_match.verification.verdicts import Answers, answers_of, public_answers, verdict_of

Verifier = Callable[[CredentialForm, VerificationContext], VerificationReport]

__all__ = [
    "Answers",
    "Check",
    "CheckStatus",
    "TrustPolicy",
    "Verdict",
    "VerificationContext",
    "VerificationReport",
    "answers_of",
    "public_answers",
    "verdict_of",
    "verify_credential",
]


def verify_credential(
    credential: CredentialForm, context: VerificationContext
) -> VerificationReport:
    """Run every check that applies to ``credential`` and return the verdict with its checks.

    All the fetches one verification makes share one deadline (``verify_timeout_seconds``):
    past it, the remaining fetches fail at once as timeouts (indeterminate, retried)."""
    with deadline.within(float(get_settings().verify_timeout_seconds)):
        return _dispatch(credential, context)


def _dispatch(credential: CredentialForm, context: VerificationContext) -> VerificationReport:
    return _verifier(credential.spec)(credential, context)


@cache
def _verifier(spec: Spec) -> Verifier:
    """The verifier for ``spec``, imported on first use (each pulls in its own dependencies)
    and then remembered: an import statement in the per-credential path cost ~1 µs."""
    if spec in (Spec.OB1, Spec.OB2):
        from ats_match.verification.ob2 import verify_ob2

        return verify_ob2
    if spec in (Spec.BLOCKCERTS2, Spec.BLOCKCERTS3):
        from ats_match.verification.blockcerts import verify_blockcerts

        return verify_blockcerts
    if spec == Spec.EDC:
        from ats_match.verification.edc import verify_edc

        return verify_edc
    if spec == Spec.CLR2:
        from ats_match.verification.clr import verify_clr

        return verify_clr
    from ats_match.verification.vc import verify_vc

    return verify_vc
