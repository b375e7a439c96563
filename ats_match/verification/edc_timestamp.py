"""The timestamps of a JAdES seal (ETSI TS 119 182-1): ``sigTst`` and ``adoTst``.

What: :func:`signature_timestamp` finds the ``sigTst`` property in the seal's unsigned header
(``etsiU``: clear JSON objects or their base64url encodings), reads its first RFC 3161 timestamp
token and verifies it with ``rfc3161-client`` (Trail of Bits): the token's CMS signature and the
TSA certificate chain, at the token's ``genTime``, to the configured TSA anchors
(``edc_tsa_anchors``), and the message imprint over the seal's signature value (the ASCII of its
base64url form, as the standard says and as the EU's sample EDC seals do).
:func:`content_timestamp` does the same for the signed ``adoTst`` header (a timestamp over the
payload as it is signed, made before sealing). :func:`timestamp_check` words the result.
Why: with a valid signature timestamp the signing time is the TSA's ``genTime``, not the
sealer's own ``sigT`` claim, so "the certificate was valid when it was sealed" rests on a third
party. A signature timestamp whose imprint does not match is a forgery; a token that cannot be
trusted (unknown TSA, no anchors configured, unreadable) is ignored with the reason, and the
claim is used.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from cryptography import x509
from rfc3161_client import (
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from ats_match.verification.report import Check, CheckStatus

log = logging.getLogger(__name__)
_MISMATCH = "Mismatch between messages"
# PKIStatusInfo { status granted(0) }: a bare token is verified as the response that carried it.
_GRANTED = bytes.fromhex("3003020100")


@dataclass(frozen=True)
class TimestampFinding:
    """What the seal's signature timestamp shows: ``valid`` (``gen_time`` is proven),
    ``mismatch`` (the token is over another signature: forged) or ``ignored`` (``detail``)."""

    state: Literal["valid", "mismatch", "ignored"]
    detail: str
    gen_time: datetime | None = None


def timestamp_check(source: str, note: str | None, content_note: str | None = None) -> Check:
    """The informational ``timestamp`` check: where the signing time comes from, and why."""
    content = f" Also: {content_note}." if content_note else ""
    if source == "timestamp":
        detail = f"Signing time proven by a trusted signature timestamp ({note})."
        return timestamp_info(detail + content, CheckStatus.PASS)
    if note:
        return timestamp_info(
            f"Signature timestamp ignored: {note}; the signing time is the sealer's own claim."
            + content
        )
    return timestamp_info(
        "No signature timestamp: the signing time is the sealer's own claim." + content,
        CheckStatus.SKIPPED,
    )


def timestamp_info(detail: str, status: CheckStatus = CheckStatus.WARN) -> Check:
    return Check(name="timestamp", status=status, required=False, detail=detail)


def signature_timestamp(
    entry: dict[str, Any], signature_b64url: str, anchors: tuple[x509.Certificate, ...]
) -> TimestampFinding | None:
    """The finding on the first signature timestamp of a JWS signature entry (None: none)."""
    tokens = _sig_tst_tokens(entry)
    if tokens is None:
        return None
    return _first_token(tokens, signature_b64url.encode("ascii"), anchors, "another signature")


def content_timestamp(
    header: dict[str, Any], payload_part: str, anchors: tuple[x509.Certificate, ...]
) -> TimestampFinding | None:
    """The finding on the signed all-data-objects timestamp (``adoTst``, a protected header),
    over the JWS payload as it is signed (unencoded when ``b64`` is false). None: none."""
    ado = header.get("adoTst")
    if ado is None:
        return None
    tokens = ado.get("tstTokens") if isinstance(ado, dict) else None
    return _first_token(
        tokens if isinstance(tokens, list) else [], payload_part.encode(), anchors, "other data"
    )


def _first_token(
    tokens: list[Any], message: bytes, anchors: tuple[x509.Certificate, ...], other: str
) -> TimestampFinding:
    if len(tokens) > 1:
        log.info("JAdES timestamp with %d tokens: the first is checked", len(tokens))
    token = _token_bytes(tokens[0] if tokens else None)
    if token is None:
        return TimestampFinding("ignored", "the timestamp is unreadable")
    if not anchors:
        return TimestampFinding(
            "ignored", "no TSA trust anchors are configured (setting edc_tsa_anchors)"
        )
    return _verified(token, message, anchors, other)


def _verified(
    token: bytes, message: bytes, anchors: tuple[x509.Certificate, ...], other: str
) -> TimestampFinding:
    builder = VerifierBuilder()
    for anchor in anchors:
        builder = builder.add_root_certificate(anchor)
    try:  # the parser's ValueError can come late: the token's parts are read lazily
        response = decode_timestamp_response(_as_response(token))
        tsa = _tsa_name(response)
        try:
            builder.build().verify_message(response, message)
        except VerificationError as exc:
            if str(exc) == _MISMATCH:
                return TimestampFinding(
                    "mismatch", f"the timestamp by {tsa} is over {other}, not this seal"
                )
            return TimestampFinding("ignored", f"the timestamp by {tsa} is not trusted ({exc})")
        return TimestampFinding("valid", f"timestamped by {tsa}", response.tst_info.gen_time)
    except ValueError:
        return TimestampFinding("ignored", "the timestamp is not an RFC 3161 token")


def _sig_tst_tokens(entry: dict[str, Any]) -> list[Any] | None:
    header = entry.get("header")
    items = header.get("etsiU") if isinstance(header, dict) else None
    for item in items if isinstance(items, list) else []:
        found = _etsi_u_item(item)
        if "sigTst" in found:
            sig_tst = found["sigTst"]
            tokens = sig_tst.get("tstTokens") if isinstance(sig_tst, dict) else None
            return tokens if isinstance(tokens, list) else []
    return None


def _etsi_u_item(item: Any) -> dict[str, Any]:
    """One ``etsiU`` element: a JSON object, or (JAdES base64url form) its encoding."""
    if isinstance(item, dict):
        return item
    if not isinstance(item, str):
        return {}
    try:
        decoded = json.loads(base64.urlsafe_b64decode(item + "=" * (-len(item) % 4)))
    except (binascii.Error, ValueError):
        return {}
    return decoded if isinstance(decoded, dict) else {}


def _token_bytes(token: Any) -> bytes | None:
    value = token.get("val") if isinstance(token, dict) else None
    if not isinstance(value, str) or token.get("encoding") not in (None, "der"):
        return None
    try:  # base64 by the standard; base64url seen in the wild
        return base64.b64decode(value, validate=True) or None
    except (binascii.Error, ValueError):
        try:
            return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)) or None
        except (binascii.Error, ValueError):
            return None


def _as_response(token: bytes) -> bytes:
    """A DER TimeStampResp (status granted) around a bare TimeStampToken."""
    body = _GRANTED + token
    size = len(body)
    if size < 0x80:
        return b"\x30" + bytes([size]) + body
    width = (size.bit_length() + 7) // 8
    return b"\x30" + bytes([0x80 | width]) + size.to_bytes(width, "big") + body


def _tsa_name(response: TimeStampResponse) -> str:
    """The subject of the certificate the token's signer names (for the report only)."""
    signers = list(response.signed_data.signer_infos)
    for der in response.signed_data.certificates if len(signers) == 1 else ():
        try:
            cert = x509.load_der_x509_certificate(der)
        except ValueError:
            continue
        if cert.issuer == signers[0].issuer and cert.serial_number == signers[0].serial_number:
            return cert.subject.rfc4514_string()
    return "an unnamed TSA"
