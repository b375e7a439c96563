"""Employer trust: an organisation's optional issuer allow-list and deny-list.

What: ``check_issuer_trust`` compares the issuer id with the organisation's :class:`TrustPolicy`.
An entry matches an issuer id exactly, or as a prefix that ends on a boundary (``/``, ``#``,
``?``, or ``:`` for DIDs), so ``https://uni.example/`` covers ``https://uni.example/issuer`` but
``https://uni.example`` never covers ``https://uni.example.evil.test``.

Why a miss on a configured allow-list is a required **fail**: the organisation said "only these
issuers count"; reporting such a credential as ``verified`` would be the wrong ``verified`` this
product must never give. Deny-list wins over allow-list. No policy -> ``skipped`` (not required).
"""

from __future__ import annotations

from ats_match.verification.report import Check, CheckStatus, TrustPolicy

NAME = "trust"


def check_issuer_trust(issuer_id: str | None, policy: TrustPolicy) -> Check:
    """The ``trust`` check for ``issuer_id`` under ``policy``."""
    if not policy.allow and not policy.deny:
        return Check(
            name=NAME,
            status=CheckStatus.SKIPPED,
            required=False,
            detail="The organisation has no issuer allow-list or deny-list.",
        )
    if not issuer_id:
        return _fail("The issuer is unknown, so the organisation's trust policy cannot admit it.")
    denied = _matching(issuer_id, policy.deny)
    if denied:
        return _fail(f"The issuer {issuer_id} is on the organisation's deny-list ({denied}).")
    if policy.allow:
        allowed = _matching(issuer_id, policy.allow)
        if not allowed:
            return _fail(f"The issuer {issuer_id} is not on the organisation's allow-list.")
        return Check(
            name=NAME,
            status=CheckStatus.PASS,
            detail=f"The issuer is on the organisation's allow-list ({allowed}).",
        )
    return Check(
        name=NAME,
        status=CheckStatus.PASS,
        detail="The issuer is not on the organisation's deny-list.",
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


def _fail(detail: str) -> Check:
    return Check(name=NAME, status=CheckStatus.FAIL, detail=detail, required=True)
