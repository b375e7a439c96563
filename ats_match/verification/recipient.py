"""Recipient binding: is this credential the applicant's?

What: compare the identities a credential names (OB2 ``recipient``, OB3 ``credentialSubject.id``
and ``identifier``) with the applicant's e-mail addresses and DIDs.

Why: an authentic badge earned by someone else must never count for this applicant. Rules:

- the credential names no recipient at all -> ``unaddressed`` (a warning: many genuine badges
  name nobody; rules decide whether such evidence counts);
- an e-mail or identifier matches the applicant's -> ``bound``; a DID the applicant proved by a
  signed presentation -> ``proven``;
- a DID the applicant has not proven (even one their ATS record lists) -> ``unproven``;
- we had applicant values of a kind the credential uses, and none matched -> ``mismatch``;
- otherwise (e.g. an e-mail badge and no applicant e-mail) -> ``unproven``: nothing proves it is
  the applicant's, nothing proves it is not.

A plain identifier that is a ``mailto:`` URI (``credentialSubject.id: mailto:ada@example.org``,
which VCs use for e-mail subjects) is read as the e-mail address it names and compared with the
applicant's e-mail addresses, case-insensitively, never with their DIDs.

Hashed identities are ``sha256$<hex>`` / ``md5$<hex>`` of ``plaintext + salt`` (OB 2.0 §
IdentityObject); hex case is ignored and digests are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence
from urllib.parse import unquote

from ats_match.formats.model import RecipientIdentity
from ats_match.verification.answers import Holder
from ats_match.verification.report import Check, CheckStatus

NAME = "recipient"
_HASHES = {"sha256": hashlib.sha256, "md5": hashlib.md5}
_EMAIL_TYPES = frozenset({"email", "emailaddress"})
_ID_TYPES = frozenset({"did", "url", "id"})


def check_recipient(
    recipients: Sequence[RecipientIdentity],
    emails: Iterable[str],
    dids: Iterable[str],
    *,
    proven_dids: Iterable[str] = (),
) -> Check:
    """The ``recipient`` check, whose outcome is the ``holder`` answer."""
    if not recipients:
        return _check(
            CheckStatus.WARN, Holder.UNADDRESSED, "The credential does not name a recipient."
        )
    recipients = [as_email_identity(r) for r in recipients]
    proven = [d.strip() for d in proven_dids if d and d.strip()]
    for identity in recipients:
        if identity.type.lower() == "did" and proven and _matches(identity, proven):
            return _check(
                CheckStatus.PASS,
                Holder.PROVEN,
                f"Issued to {_describe(identity)}, which the "
                "applicant proved by a signed presentation.",
            )
    applicant_emails = _clean_emails(emails)
    applicant_ids = [d.strip() for d in dids if d and d.strip()]
    comparable = False
    for identity in recipients:
        if identity.type.lower() == "did":
            continue  # a DID binds only when proven (above)
        values = _applicant_values(identity, applicant_emails, applicant_ids)
        if values is None:
            continue
        comparable = comparable or bool(values)
        if values and _matches(identity, values):
            return _check(
                CheckStatus.PASS, Holder.BOUND, f"Issued to the applicant ({_describe(identity)})."
            )
    dids_named = [r for r in recipients if r.type.lower() == "did"]
    if comparable:
        kinds = ", ".join(sorted({_describe(r) for r in recipients}))
        return _check(
            CheckStatus.FAIL,
            Holder.MISMATCH,
            f"Issued to someone else: the credential's recipient ({kinds}) matches none of "
            "the applicant's addresses or identifiers.",
        )
    if dids_named:
        declared = any(_matches(r, applicant_ids) for r in dids_named)
        note = " (listed on the applicant's record, not proven)" if declared else ""
        return _check(
            CheckStatus.INDETERMINATE,
            Holder.UNPROVEN,
            f"Issued to {_describe(dids_named[0])}{note}; the applicant has not proven that DID "
            "by a signed presentation.",
        )
    return _check(
        CheckStatus.INDETERMINATE,
        Holder.UNPROVEN,
        "The recipient could not be compared: the applicant has no e-mail address or identifier "
        f"of the kind the credential names ({', '.join(sorted({r.type for r in recipients}))}).",
    )


def identity_matches(identity: RecipientIdentity, value: str) -> bool:
    """True when ``value`` (an e-mail address or identifier) is this identity."""
    return _matches(as_email_identity(identity), [value])


def as_email_identity(identity: RecipientIdentity) -> RecipientIdentity:
    """A plain ``mailto:`` identifier as the e-mail identity it is (RFC 6068: the address is
    percent-decoded, header fields after ``?`` are not part of it); anything else unchanged."""
    value = identity.identity.strip()
    if identity.hashed or value[:7].lower() != "mailto:":
        return identity
    address = unquote(value[7:].split("?", 1)[0]).strip()
    return identity.model_copy(update={"type": "email", "identity": address})


def _check(status: CheckStatus, outcome: Holder, detail: str) -> Check:
    return Check(name=NAME, status=status, outcome=outcome, detail=detail, required=True)


def _clean_emails(emails: Iterable[str]) -> list[str]:
    found: list[str] = []
    for email in emails:
        cleaned = (email or "").strip()
        if cleaned.lower().startswith("mailto:"):
            cleaned = cleaned[7:]
        if cleaned:
            found.append(cleaned)
    return found


def _applicant_values(
    identity: RecipientIdentity, emails: list[str], ids: list[str]
) -> list[str] | None:
    """The applicant values to compare ``identity`` with; ``None`` for kinds we never compare."""
    kind = identity.type.lower()
    if kind in _EMAIL_TYPES:
        return emails
    if kind in _ID_TYPES:
        return ids
    return None


def _matches(identity: RecipientIdentity, values: Sequence[str]) -> bool:
    if identity.hashed:
        return _hashed_match(identity, values)
    target = identity.identity.strip()
    if identity.type.lower() in _EMAIL_TYPES:
        if target.lower().startswith("mailto:"):
            target = target[7:]
        return any(hmac.compare_digest(target.lower(), v.lower()) for v in values)
    return any(hmac.compare_digest(target, v) for v in values)


def _hashed_match(identity: RecipientIdentity, values: Sequence[str]) -> bool:
    algorithm, sep, digest = identity.identity.strip().partition("$")
    hasher = _HASHES.get(algorithm.lower())
    if not sep or hasher is None:
        return False
    expected = digest.lower().encode()
    salt = identity.salt or ""
    found = False
    for value in values:
        for candidate in {value, value.lower()}:
            computed = hasher((candidate + salt).encode()).hexdigest().encode()
            found |= hmac.compare_digest(computed, expected)
    return found


def _describe(identity: RecipientIdentity) -> str:
    if identity.hashed:
        return f"hashed {identity.type}"
    return f"{identity.type} {identity.identity}"
