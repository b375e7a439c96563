"""The Blockcerts issuer profile: its blockchain keys (with their validity dates) and its
revocation list.

What: :func:`load_profile` fetches the issuer profile (an HTTPS JSON document, through the safe
fetcher, cached with the DID documents); :func:`check_issuer_key` says whether the anchoring
transaction was sent from one of its keys while that key was valid; :func:`check_revocation`
reads the issuer's revocation list (v2 ``revocationList``, v3 ``credentialStatus`` of type
``RevocationList``).
Why key dates are judged at the block's time: an issuer rotates keys; a certificate anchored
while a key was valid stays genuine after the key expires, one anchored after the key was
revoked (or before it existed) is not the issuer's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ats_match.net.fetcher import Fetcher
from ats_match.verification.answers import Validity
from ats_match.verification.chain import ChainTransaction
from ats_match.verification.did import KeyResolutionError, fetch_json
from ats_match.verification.report import Check, CheckStatus
from ats_match.verification.validity import parse_time

KEY_PREFIX = "ecdsa-koblitz-pubkey:"
MAX_KEYS = 64
MAX_REVOKED = 100_000


@dataclass(frozen=True)
class IssuerKey:
    """A blockchain address the issuer signs anchoring transactions with, and when."""

    address: str
    created: datetime | None = None
    expires: datetime | None = None
    revoked: datetime | None = None
    revoked_always: bool = False


@dataclass(frozen=True)
class IssuerProfile:
    id: str
    keys: tuple[IssuerKey, ...]
    revocation_list: str | None


def load_profile(issuer_id: str, fetcher: Fetcher) -> IssuerProfile:
    """The issuer profile at ``issuer_id`` (an URL; DID issuers are not supported yet)."""
    if not issuer_id.startswith("https://") and not issuer_id.startswith("http://"):
        raise KeyResolutionError(
            f"issuer {issuer_id!r} is not an issuer profile URL (DID issuers are not supported)"
        )
    doc = fetch_json(issuer_id, fetcher, "issuer profile")
    if not isinstance(doc, dict):
        raise KeyResolutionError(f"the issuer profile at {issuer_id} is not an object")
    if doc.get("id") not in (None, issuer_id):
        raise KeyResolutionError(f"the issuer profile at {issuer_id} names another id")
    entries = [*_as_list(doc.get("publicKey")), *_as_list(doc.get("verificationMethod"))]
    keys = tuple(k for k in map(_key, entries[:MAX_KEYS]) if k is not None)
    revocation = doc.get("revocationList")
    return IssuerProfile(
        id=issuer_id,
        keys=keys,
        revocation_list=revocation if isinstance(revocation, str) else None,
    )


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value else []


def _key(entry: Any) -> IssuerKey | None:
    """``publicKey`` entries (``ecdsa-koblitz-pubkey:<address>``, string or object) and
    ``verificationMethod`` entries with a CAIP-10 ``blockchainAccountId``."""
    if isinstance(entry, str):
        entry = {"id": entry}
    if not isinstance(entry, dict):
        return None
    account = entry.get("blockchainAccountId")
    raw_id = entry.get("id")
    ident = raw_id if isinstance(raw_id, str) else ""
    if isinstance(account, str) and ":" in account:
        address = account.rsplit(":", 1)[1]
    elif ident.startswith(KEY_PREFIX):
        address = ident[len(KEY_PREFIX) :]
    else:
        return None
    revoked = entry.get("revoked")
    try:
        return IssuerKey(
            address=address,
            created=parse_time(entry.get("created")),
            expires=parse_time(entry.get("expires")),
            revoked=parse_time(revoked) if isinstance(revoked, str) else None,
            revoked_always=revoked is True,
        )
    except ValueError:
        return None


def _same_address(a: str, b: str) -> bool:
    """Ethereum addresses are case-insensitive (checksum casing); Bitcoin's are not."""
    return a.lower() == b.lower() if a.startswith("0x") else a == b


def check_issuer_key(profile: IssuerProfile, transaction: ChainTransaction) -> Check:
    """The transaction's sender is a key of the issuer, valid at the block's time."""
    moment = transaction.time or datetime.now(UTC)
    senders = ", ".join(transaction.senders) or "no known address"
    matching = [
        k for k in profile.keys if any(_same_address(k.address, s) for s in transaction.senders)
    ]
    if not matching:
        return _key_check(
            CheckStatus.FAIL,
            f"The anchoring transaction was sent by {senders}, not by a key of the issuer "
            f"{profile.id}.",
        )
    for key in matching:
        problem = _key_problem(key, moment)
        if problem is None:
            return _key_check(
                CheckStatus.PASS,
                f"Anchored by the issuer's key {key.address}, valid at {moment.isoformat()}.",
            )
    return _key_check(
        CheckStatus.FAIL,
        f"The issuer's key {matching[0].address} {_key_problem(matching[0], moment)}.",
    )


def _key_problem(key: IssuerKey, moment: datetime) -> str | None:
    if key.revoked_always:
        return "is revoked"
    if key.created and moment < key.created:
        return f"did not exist yet at {moment.isoformat()} (created {key.created.isoformat()})"
    if key.revoked and moment >= key.revoked:
        return f"was revoked on {key.revoked.isoformat()}, before the anchoring"
    if key.expires and moment >= key.expires:
        return f"had expired on {key.expires.isoformat()}, before the anchoring"
    return None


def _key_check(status: CheckStatus, detail: str) -> Check:
    return Check(name="issuer_key", status=status, detail=detail, axis="authenticity")


# -- revocation ------------------------------------------------------------------------------


def revocation_url(doc: dict[str, Any], profile: IssuerProfile | None) -> tuple[str | None, str]:
    """The revocation list the certificate is checked against, and its kind."""
    status = doc.get("credentialStatus")
    if isinstance(status, dict):
        return (status.get("id") if isinstance(status.get("id"), str) else None), str(
            status.get("type")
        )
    return (profile.revocation_list if profile else None), "RevocationList"


def check_revocation(
    doc: dict[str, Any], profile: IssuerProfile | None, fetcher: Fetcher, *, proof_passed: bool
) -> Check:
    """Not revoked per the issuer's Blockcerts revocation list (read only for a certificate
    whose proof, anchor and key held)."""
    if not proof_passed:
        return _status(CheckStatus.SKIPPED, "Revocation not checked: the proof did not hold.")
    url, kind = revocation_url(doc, profile)
    if url is None and "credentialStatus" not in doc:
        return _status(CheckStatus.SKIPPED, "The issuer publishes no revocation list.")
    if kind != "RevocationList" or url is None:
        return _status(
            CheckStatus.WARN,
            f"Revocation not checked: a {kind} status is not supported for Blockcerts yet.",
            outcome=Validity.UNKNOWN,
        )
    try:
        listing = fetch_json(url, fetcher, "revocation list")
    except KeyResolutionError as exc:
        state = CheckStatus.INDETERMINATE if exc.indeterminate else CheckStatus.FAIL
        return _status(state, f"Revocation unknown: {exc.detail}.", outcome=Validity.UNKNOWN)
    revoked = listing.get("revokedAssertions") if isinstance(listing, dict) else None
    if not isinstance(revoked, list) or len(revoked) > MAX_REVOKED:
        detail = f"Revocation unknown: {url} is not a revocation list."
        return _status(CheckStatus.FAIL, detail, outcome=Validity.UNKNOWN)
    ident = doc.get("id")
    for entry in revoked:
        if isinstance(entry, dict) and entry.get("id") == ident:
            reason = entry.get("revocationReason")
            detail = f"Revoked by the issuer ({reason})." if reason else "Revoked by the issuer."
            return _status(CheckStatus.FAIL, detail, outcome=Validity.REVOKED)
    return _status(CheckStatus.PASS, f"Not on the issuer's revocation list {url}.")


def _status(status: CheckStatus, detail: str, *, outcome: str | None = None) -> Check:
    required = status not in (CheckStatus.SKIPPED, CheckStatus.WARN)
    return Check(name="status", status=status, detail=detail, outcome=outcome, required=required)
