"""credentialStatus: 1EdTechRevocationList, StatusList2021Entry, BitstringStatusListEntry.

What: fetch the status list through the fetcher, make sure it comes from the credential's issuer
(a status-list credential must itself verify and name the same issuer), check its purpose and
validity window, decode the bitstring (base64url + gzip, with or without the multibase ``u``
prefix) with a bounded decompressor, and read the bit (first bit = most significant bit).
Why fail closed: a list that cannot be fetched, does not verify, is expired or malformed makes
the status *unknown* (indeterminate), never "not revoked".
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ats_match.net.fetcher import Fetcher, FetchError
from ats_match.verification.did import TTLCache
from ats_match.verification.report import Check, CheckStatus

MAX_LIST_BYTES = 2 * 1024 * 1024
MAX_BITSTRING_BYTES = 16 * 1024 * 1024
PURPOSES = ("revocation", "suspension", "message", "refresh")
STATUS_LISTS = TTLCache(300.0)
"""Fetched status lists, kept 5 minutes: revocation is seen within that time."""
LIST_TYPES = {
    "BitstringStatusListEntry": ("BitstringStatusListCredential", "BitstringStatusList"),
    "StatusList2021Entry": ("StatusList2021Credential", "StatusList2021"),
}


@dataclass(frozen=True)
class ListVerification:
    """What verifying a status-list credential gave: ok, or why not (and the decoded VC)."""

    ok: bool
    detail: str
    credential: dict[str, Any] | None


ListVerifier = Callable[[Any], ListVerification]


class StatusUnknown(Exception):
    """The status could not be established (indeterminate)."""


class StatusInvalid(Exception):
    """The status entry itself is malformed (fail)."""


def _fetch(url: str, fetcher: Fetcher) -> Any:
    cached = STATUS_LISTS.get(url)
    if cached is not None:
        return cached
    try:
        response = fetcher.get(
            url,
            accept="application/vc+ld+json, application/vc+jwt, application/json",
            max_bytes=MAX_LIST_BYTES,
        )
    except FetchError as exc:
        raise StatusUnknown(f"status list {url} could not be fetched: {exc}") from exc
    text = response.content.decode("utf-8", "replace").strip()
    if text.startswith("ey") and text.count(".") == 2:
        body: Any = text
    else:
        try:
            body = response.json()
        except (ValueError, RecursionError) as exc:
            raise StatusUnknown(f"status list {url} is not JSON") from exc
    STATUS_LISTS.put(url, body)
    return body


def decode_bitstring(encoded: str) -> bytes:
    """base64url (optionally multibase ``u``-prefixed) + gzip, bounded."""
    candidates = [encoded]
    if encoded.startswith("u"):
        candidates.insert(0, encoded[1:])
    for candidate in candidates:
        try:
            raw = base64.urlsafe_b64decode(candidate + "=" * (-len(candidate) % 4))
        except (binascii.Error, ValueError):
            continue
        if raw[:2] != b"\x1f\x8b":
            continue
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            data = inflater.decompress(raw, MAX_BITSTRING_BYTES)
        except zlib.error as exc:
            raise StatusUnknown(f"status list bitstring is not valid gzip: {exc}") from exc
        if inflater.unconsumed_tail:
            raise StatusUnknown("status list bitstring decompresses beyond the size limit")
        if not inflater.eof:
            raise StatusUnknown("status list bitstring is a truncated gzip stream")
        return data
    raise StatusUnknown("status list encodedList is not base64url-encoded gzip")


def read_status(bits: bytes, index: int, size: int = 1) -> int:
    """The ``size``-bit status value at ``index`` (most significant bit first)."""
    value = 0
    for bit in range(index * size, index * size + size):
        if bit // 8 >= len(bits):
            raise StatusUnknown(f"status index {index} is outside the list ({len(bits) * 8} bits)")
        value = (value << 1) | ((bits[bit // 8] >> (7 - bit % 8)) & 1)
    return value


def _index(entry: dict[str, Any], key: str) -> int:
    raw = entry.get(key)
    try:
        index = int(raw) if isinstance(raw, int | str) and not isinstance(raw, bool) else -1
    except ValueError:
        index = -1
    if index < 0:
        raise StatusInvalid(f"{key} {raw!r} is not a non-negative integer")
    return index


def _status_size(entry: dict[str, Any]) -> int:
    raw = entry.get("statusSize", 1)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 8:
        raise StatusInvalid(f"statusSize {raw!r} is not an integer from 1 to 8")
    return raw


def _window(vc: dict[str, Any], now: datetime) -> None:
    from ats_match.verification.validity import parse_time

    start = parse_time(vc.get("validFrom") or vc.get("issuanceDate"))
    end = parse_time(vc.get("validUntil") or vc.get("expirationDate"))
    if start and start > now:
        raise StatusUnknown("the status list is not valid yet")
    if end and end < now:
        raise StatusUnknown("the status list credential has expired")


def _bitstring(entry: dict[str, Any], issuer: str, ctx: StatusContext) -> tuple[str, int]:
    """Check one bitstring-style entry; return (purpose, status value)."""
    kind = str(entry.get("type"))
    url = entry.get("statusListCredential")
    if not isinstance(url, str):
        raise StatusInvalid("statusListCredential is missing")
    purpose = entry.get("statusPurpose")
    if purpose not in PURPOSES:
        raise StatusInvalid(f"statusPurpose {purpose!r} is not one of {', '.join(PURPOSES)}")
    index = _index(entry, "statusListIndex")
    size = _status_size(entry) if kind == "BitstringStatusListEntry" else 1
    outcome = ctx.verify_list(_fetch(url, ctx.fetcher))
    if not outcome.ok or outcome.credential is None:
        raise StatusUnknown(f"status list {url} could not be trusted: {outcome.detail}")
    listvc = outcome.credential
    from ats_match.verification.vcjwt import issuer_id

    list_issuer = issuer_id(listvc)
    if list_issuer != issuer and not _signed_by_issuer_key(list_issuer, issuer, ctx):
        raise StatusUnknown(f"status list {url} is issued by {list_issuer!r}, not {issuer}")
    _window(listvc, ctx.now)
    subject = listvc.get("credentialSubject")
    vc_type, subject_type = LIST_TYPES[kind]
    types = listvc.get("type") or []
    if not isinstance(subject, dict) or vc_type not in types:
        raise StatusUnknown(f"{url} is not a {vc_type}")
    if subject.get("type") not in (subject_type, [subject_type]):
        raise StatusUnknown(f"{url} credentialSubject is not a {subject_type}")
    declared = subject.get("statusPurpose")
    if purpose not in (declared if isinstance(declared, list) else [declared]):
        raise StatusUnknown(f"status list purpose {declared!r} is not {purpose!r}")
    bits = decode_bitstring(str(subject.get("encodedList", "")))
    return purpose, read_status(bits, index, size)


def _signed_by_issuer_key(list_issuer: str | None, issuer: str, ctx: StatusContext) -> bool:
    """A list issued by a did:key whose key is one of the credential issuer's own assertion
    keys is the issuer's statement: the same key signed both (DCC's did:web issuers publish
    their did:key's key and keep one status list for both). Anything else is not."""
    if not list_issuer or not list_issuer.startswith("did:key:") or not issuer:
        return False
    from ats_match.verification.did import KeyResolutionError, issuer_keys, resolve_did_key

    try:
        signer = _raw(resolve_did_key(list_issuer).key)
        keys = issuer_keys(issuer, ctx.fetcher) if signer else []
    except (KeyResolutionError, ValueError):
        return False
    return any(_raw(k.key) == signer for k in keys)


def _raw(key: Any) -> bytes | None:
    try:
        return bytes(key.public_bytes_raw())
    except AttributeError:  # EC / RSA keys: not a did:key Ed25519 signer
        return None


def _revocation_list(entry: dict[str, Any], credential: dict[str, Any], ctx: StatusContext) -> bool:
    """1EdTechRevocationList: ``id`` is the list URL; revoked if the credential id is listed."""
    url = entry.get("id")
    if not isinstance(url, str):
        raise StatusInvalid("1EdTechRevocationList has no id")
    doc = _fetch(url, ctx.fetcher)
    if not isinstance(doc, dict) or not isinstance(doc.get("revokedCredentials"), list):
        raise StatusUnknown(f"{url} is not a 1EdTech revocation list")
    listed = {
        str(item.get("id")) if isinstance(item, dict) else str(item)
        for item in doc["revokedCredentials"]
    }
    return credential.get("id") in listed


@dataclass
class StatusContext:
    fetcher: Fetcher
    now: datetime
    verify_list: ListVerifier


def check_status(credential: dict[str, Any], issuer: str, ctx: StatusContext) -> Check:
    """One check for all status entries: fail if revoked or suspended, indeterminate if any
    list could not be read, pass otherwise (skipped when the credential declares no status)."""
    raw = credential.get("credentialStatus")
    if raw is None:
        return Check(
            name="status",
            status=CheckStatus.SKIPPED,
            detail="The credential declares no status list; nothing to check.",
            required=False,
        )
    entries = raw if isinstance(raw, list) else [raw]
    notes: list[str] = []
    for entry in entries:
        outcome = _one_entry(entry, credential, issuer, ctx)
        if outcome.status != CheckStatus.PASS:
            return outcome
        notes.append(outcome.detail)
    return Check(name="status", status=CheckStatus.PASS, detail=" ".join(notes))


def _one_entry(entry: Any, credential: dict[str, Any], issuer: str, ctx: StatusContext) -> Check:
    if not isinstance(entry, dict):
        return Check(name="status", status=CheckStatus.FAIL, detail="credentialStatus is malformed")
    kind = entry.get("type")
    try:
        if kind == "1EdTechRevocationList":
            if _revocation_list(entry, credential, ctx):
                return Check(
                    name="status",
                    status=CheckStatus.FAIL,
                    detail="The issuer's revocation list says this credential is revoked.",
                )
            return Check(
                name="status",
                status=CheckStatus.PASS,
                detail="Not on the issuer's 1EdTech revocation list.",
            )
        if kind in LIST_TYPES:
            purpose, value = _bitstring(entry, issuer, ctx)
            return _purpose_check(purpose, value)
    except StatusUnknown as exc:
        return Check(
            name="status",
            status=CheckStatus.INDETERMINATE,
            detail=f"Status could not be established: {exc}",
        )
    except StatusInvalid as exc:
        return Check(name="status", status=CheckStatus.FAIL, detail=f"Invalid status entry: {exc}")
    return Check(
        name="status",
        status=CheckStatus.INDETERMINATE,
        detail=f"Status method {kind!r} is not supported, so revocation is unknown.",
    )


def _purpose_check(purpose: str, value: int) -> Check:
    if purpose == "revocation" and value:
        return Check(
            name="status",
            status=CheckStatus.FAIL,
            detail="The issuer's status list marks this credential as revoked.",
        )
    if purpose == "suspension" and value:
        return Check(
            name="status",
            status=CheckStatus.FAIL,
            detail="The issuer's status list marks this credential as suspended.",
        )
    if purpose in ("revocation", "suspension"):
        return Check(
            name="status",
            status=CheckStatus.PASS,
            detail=f"Not marked by the issuer's {purpose} status list.",
        )
    return Check(
        name="status",
        status=CheckStatus.PASS,
        detail=f"Status list with purpose {purpose!r} read (value {value}); informational.",
    )
