"""Issuer trust when no registry judge is configured: an optional allow-list and deny-list.

What: ``check_issuer_trust`` compares the issuer id (never the name the issuer gives itself)
with a :class:`TrustPolicy`. An entry matches an issuer id exactly, or as a prefix that ends on a
boundary (``/``, ``#``, ``?``, or ``:`` for DIDs), so ``https://uni.example/`` covers
``https://uni.example/issuer`` but ``https://uni.example`` never covers
``https://uni.example.evil.test``. Its outcome is the ``issuer`` answer: ``trusted`` (on the
allow-list), ``denied`` (on the deny-list, which wins) or ``unknown``. Whether an unknown issuer
counts is the rules' decision (``accept.issuer``), not verification's.

``trust_check_of`` records a registry judge's answer (``ats_match.trust``) as the same check.
"""

from __future__ import annotations

from ats_match.verification.answers import Answer, IssuerTrust
from ats_match.verification.report import Check, CheckStatus, TrustPolicy

NAME = "trust"
ALLOW_LIST = "the organisation's allow-list"


def check_issuer_trust(issuer_id: str | None, policy: TrustPolicy) -> Check:
    """The ``trust`` check for ``issuer_id`` under ``policy``."""
    if not policy.allow and not policy.deny:
        return _NO_POLICY
    if not issuer_id:
        return _unknown("The issuer names no id, so no list can vouch for it.")
    denied = _matching(issuer_id, policy.deny)
    if denied:
        return Check(
            name=NAME,
            status=CheckStatus.FAIL,
            outcome=IssuerTrust.DENIED,
            facts={"list": "the organisation's deny-list", "entry": denied},
            detail=f"The issuer {issuer_id} is on the organisation's deny-list ({denied}).",
        )
    allowed = _matching(issuer_id, policy.allow)
    if allowed:
        return Check(
            name=NAME,
            status=CheckStatus.PASS,
            outcome=IssuerTrust.TRUSTED,
            facts={"registry": ALLOW_LIST, "entry": allowed},
            detail=f"The issuer is on the organisation's allow-list ({allowed}).",
        )
    if policy.allow:
        return _unknown(f"The issuer {issuer_id} is not on the organisation's allow-list.")
    return _unknown("The issuer is not on the organisation's deny-list; no list vouches for it.")


def trust_check_of(answer: Answer) -> Check:
    """The ``trust`` check carrying a registry judge's ``issuer`` answer."""
    status = {
        IssuerTrust.TRUSTED: CheckStatus.PASS,
        IssuerTrust.DENIED: CheckStatus.FAIL,
    }.get(IssuerTrust(answer.status), CheckStatus.WARN)
    return Check(
        name=NAME,
        status=status,
        required=status != CheckStatus.WARN,
        outcome=answer.status,
        facts=dict(answer.detail),
        detail=answer.reason,
    )


def issuer_matches(issuer_id: str, entry: str) -> bool:
    """True when policy ``entry`` names ``issuer_id`` (exactly or as a bounded prefix)."""
    entry = entry.strip()
    if not entry:
        return False
    if issuer_id == entry:
        return True
    if not issuer_id.startswith(entry):
        return False
    if entry[-1] in "/#?:":
        return True
    boundary = "/#?" if "://" in entry else "/#?:"
    return issuer_id[len(entry)] in boundary


def _matching(issuer_id: str, entries: tuple[str, ...]) -> str | None:
    return next((e for e in entries if issuer_matches(issuer_id, e)), None)


def _unknown(detail: str, status: CheckStatus = CheckStatus.WARN) -> Check:
    return Check(
        name=NAME,
        status=status,
        required=False,
        outcome=IssuerTrust.UNKNOWN,
        detail=detail,
    )


_NO_POLICY = _unknown(
    "The organisation has no issuer registry, allow-list or deny-list.", CheckStatus.SKIPPED
)
