"""European Digital Credential verification: the JAdES seal, judged at signing time.

What: :func:`verify_edc` checks the seal (``seal``): an RS256 / ES256 JWS (JSON or compact
serialisation, ``b64: false`` unencoded payload supported) whose protected header carries the
sealing certificate chain (``x5c``) and the claimed signing time (``sigT``, else ``iat``); the
signature verifies with the leaf certificate's key. The signing time is the ``genTime`` of a
trusted signature timestamp (``sigTst``, :mod:`ats_match.verification.edc_timestamp`) when
there is one, else the claim, and the report says which; a trusted content timestamp
(``adoTst``) must precede it. The leaf was valid at the signing
time, and the chain validates to a configured trust anchor (``edc_trust_anchors``, plus the
qualified CAs) with ``cryptography``'s X.509 path validation *at the signing time*, so a seal
whose certificate expired after signing stays genuine. ``qualified`` says whether the chain ends
at a qualified CA for e-seals of the EU trusted list (:mod:`ats_match.verification.trusted_list`,
or the PEM file ``edc_qualified_anchors``), or that this data is not configured or was refused.
Then the credential's dates, the learner and the issuer's trust.
Not checked (said in docs/wallets.md): the archive timestamps (``arcTst``) and the revocation
data (``xVals``, ``rVals``) of JAdES-LT/LTA, so certificate revocation is not checked.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.verification import (
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from ats_match.formats.edc import jws_signature_entries, protected_header
from ats_match.formats.errors import FormatError
from ats_match.formats.model import CredentialForm
from ats_match.verification.edc_timestamp import (
    content_timestamp,
    signature_timestamp,
    timestamp_check,
    timestamp_info,
)
from ats_match.verification.report import Check, CheckStatus, VerificationContext
from ats_match.verification.report import VerificationReport as Report
from ats_match.verification.trust import check_issuer_trust, trust_check_of
from ats_match.verification.trusted_list import qualified_anchors, qualified_check
from ats_match.verification.validity import check_validity
from ats_match.verification.verdicts import report_of

log = logging.getLogger(__name__)
ALGORITHMS = frozenset({"RS256", "ES256"})
UNDERSTOOD_CRITICAL = frozenset({"b64", "sigT", "adoTst"})
_LEEWAY = timedelta(minutes=5)


class SealError(Exception):
    """The seal is not valid (``outcome``: ``forged``) or cannot be judged (``unknown``)."""

    def __init__(self, detail: str, outcome: str = "forged") -> None:
        super().__init__(detail)
        self.detail = detail
        self.outcome = outcome


def verify_edc(credential: CredentialForm, context: VerificationContext) -> Report:
    """Verify a European Digital Credential and explain every check."""
    return report_of(credential, context, _checks, "EDC")


def _checks(credential: CredentialForm, context: VerificationContext) -> list[Check]:
    from ats_match.settings import get_settings

    settings = get_settings()
    doc = credential.document
    listed = qualified_anchors(settings)
    try:
        anchors = load_anchors(settings.edc_trust_anchors) + listed.anchors
        sealed = check_seal(
            credential, context.now, anchors, load_anchors(settings.edc_tsa_anchors)
        )
        seal = _seal_check(sealed)
        timestamp = timestamp_check(sealed.time_source, sealed.timestamp_note, sealed.content_note)
        qualified = qualified_check(
            listed, lambda qcs: _chain_problem(sealed.chain, sealed.signed_at, qcs) is None
        )
    except SealError as exc:
        seal = Check(name="proof", status=CheckStatus.FAIL, outcome=exc.outcome, detail=exc.detail)
        timestamp = timestamp_info("Not judged: the seal did not verify.", CheckStatus.SKIPPED)
        qualified = _info("Not qualified: the seal did not verify.")
    issuer = credential.issuer.id or ""
    judged = context.judge_issuer(issuer or None) if context.judge_issuer else None
    return [
        seal,
        timestamp,
        qualified,
        check_validity(_dates(doc), context.now),
        _recipient(credential, context),
        trust_check_of(judged) if judged else check_issuer_trust(issuer, context.trust),
    ]


def _seal_check(sealed: Sealed) -> Check:
    when = sealed.signed_at.isoformat()
    how = (
        f"{when}, the time of its timestamp"
        if sealed.time_source == "timestamp"
        else f"{when}, as claimed by the sealer"
    )
    return Check(
        name="proof",
        status=CheckStatus.PASS,
        detail=f"JAdES seal by {sealed.chain[0].subject.rfc4514_string()} verified; the "
        f"certificate chain was valid when it was sealed ({how}).",
        facts={"signed_at": when, "signing_time": sealed.time_source},
    )


def _dates(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "validFrom": doc.get("validFrom") or doc.get("issuanceDate"),
        "validUntil": doc.get("validUntil") or doc.get("expirationDate"),
    }


def _recipient(credential: CredentialForm, context: VerificationContext) -> Check:
    from ats_match.verification.recipient import check_recipient

    # The learner's DID and e-mail addresses as read from the sealed payload; an ELM person
    # URN (``urn:epass:person:1``) is local to the issuer and identifies nobody here.
    return check_recipient(
        credential.recipients,
        context.applicant_emails,
        context.applicant_dids,
        proven_dids=context.proven_dids,
    )


def _info(detail: str, status: CheckStatus = CheckStatus.WARN) -> Check:
    return Check(name="qualified", status=status, required=False, detail=detail)


# -- the seal --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sealed:
    """A verified seal: the validated chain (leaf first), the signing time and whether that
    time is proven by a trusted timestamp (``timestamp``) or the sealer's claim (``claimed``);
    ``timestamp_note``: who timestamped it, or why a timestamp present was ignored."""

    chain: list[x509.Certificate]
    signed_at: datetime
    time_source: Literal["timestamp", "claimed"]
    timestamp_note: str | None = None
    content_note: str | None = None
    """What the content timestamp (``adoTst``) showed, when the seal has one."""


def check_seal(
    credential: CredentialForm,
    now: datetime,
    anchors: tuple[x509.Certificate, ...],
    tsa_anchors: tuple[x509.Certificate, ...] = (),
) -> Sealed:
    """The verified seal, or :class:`SealError`."""
    if not credential.compact:
        raise SealError("The credential is not sealed: nothing shows who issued it.", "unknown")
    entry, payload_part = _jws_parts(credential.compact)
    try:
        header = protected_header(entry)
    except FormatError as exc:
        raise SealError(f"The seal is unreadable: {exc.detail}.") from exc
    alg = header.get("alg")
    if alg not in ALGORITHMS:
        raise SealError(f"Seal algorithm {alg!r} is not supported (RS256, ES256).", "unknown")
    unknown_critical = set(header.get("crit") or []) - UNDERSTOOD_CRITICAL
    if unknown_critical:
        detail = f"The seal requires header(s) {sorted(unknown_critical)} that are not supported."
        raise SealError(detail, "unknown")
    chain = _certificates(header.get("x5c"))
    signing_input = f"{entry['protected']}.{payload_part}".encode()
    _verify_signature(chain[0], str(alg), signing_input, _b64url(str(entry.get("signature"))))
    sealed = _signing_moment(entry, header, now, tsa_anchors, chain)
    sealed = _content_time(header, payload_part, tsa_anchors, sealed)
    _leaf_valid_at(chain[0], sealed.signed_at)
    _validate_chain(chain, sealed.signed_at, anchors)
    return sealed


def _signing_moment(
    entry: dict[str, Any],
    header: dict[str, Any],
    now: datetime,
    tsa_anchors: tuple[x509.Certificate, ...],
    chain: list[x509.Certificate],
) -> Sealed:
    """The signing time: a trusted timestamp's genTime, else the claim (``sigT`` / ``iat``)."""
    stamp = signature_timestamp(entry, str(entry.get("signature")), tsa_anchors)
    if stamp is not None and stamp.state == "mismatch":
        raise SealError(f"The seal's signature timestamp does not fit it: {stamp.detail}.")
    if stamp is not None and stamp.state == "valid" and stamp.gen_time is not None:
        _claim_before(header, now, stamp.gen_time)
        return Sealed(chain, stamp.gen_time, "timestamp", stamp.detail)
    note = stamp.detail if stamp is not None else None
    return Sealed(chain, _signing_time(header, now), "claimed", note)


def _content_time(
    header: dict[str, Any],
    payload_part: str,
    tsa_anchors: tuple[x509.Certificate, ...],
    sealed: Sealed,
) -> Sealed:
    """A trusted content timestamp (``adoTst``) must come before the signing time. Being in
    the signed header, a token that does not fit was put there by the sealer: it is ignored."""
    found = content_timestamp(header, payload_part, tsa_anchors)
    if found is None:
        return sealed
    if found.state != "valid" or found.gen_time is None:
        return replace(sealed, content_note=f"content timestamp ignored: {found.detail}")
    if found.gen_time - _LEEWAY > sealed.signed_at:
        raise SealError(
            f"The seal is dated {sealed.signed_at.isoformat()}, before its content was "
            f"timestamped ({found.gen_time.isoformat()})."
        )
    return replace(sealed, content_note=f"content {found.detail} at {found.gen_time.isoformat()}")


def _claim_before(header: dict[str, Any], now: datetime, stamped: datetime) -> None:
    """A claimed signing time after the timestamp over the signature cannot be true."""
    if "sigT" not in header and "iat" not in header:
        return
    claimed = _signing_time(header, now)
    if claimed - _LEEWAY > stamped:
        raise SealError(
            f"The seal claims to be made at {claimed.isoformat()}, after its signature "
            f"timestamp ({stamped.isoformat()})."
        )


def _jws_parts(sealed: str) -> tuple[dict[str, Any], str]:
    """The first signature entry and the payload as it is signed."""
    import json

    text = sealed.strip()
    if not text.startswith("{"):
        parts = text.split(".")
        if len(parts) != 3:
            raise SealError("The seal is not a JWS.")
        return {"protected": parts[0], "signature": parts[2]}, parts[1]
    jws = json.loads(text)
    entries = jws_signature_entries(jws)
    if not entries or not isinstance(jws.get("payload"), str):
        raise SealError("The seal is not a JWS.")
    if len(entries) > 1:
        log.info("EDC seal with %d signatures: the first is checked", len(entries))
    return entries[0], jws["payload"]


def _b64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SealError("The seal's signature is not base64url.") from exc


def _certificates(x5c: Any) -> list[x509.Certificate]:
    if not isinstance(x5c, list) or not x5c or len(x5c) > 10:
        raise SealError("The seal carries no certificate chain (x5c).", "unknown")
    try:
        return [x509.load_der_x509_certificate(base64.b64decode(c, validate=True)) for c in x5c]
    except (binascii.Error, ValueError, TypeError) as exc:
        raise SealError("The seal's certificate chain (x5c) is unreadable.") from exc


def _verify_signature(cert: x509.Certificate, alg: str, data: bytes, signature: bytes) -> None:
    key = cert.public_key()
    try:
        if alg == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
            return
        if alg == "ES256" and isinstance(key, ec.EllipticCurvePublicKey) and len(signature) == 64:
            r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            key.verify(encode_dss_signature(r, s), data, ec.ECDSA(hashes.SHA256()))
            return
    except InvalidSignature:
        raise SealError("The seal does not match the credential: it was changed.") from None
    raise SealError(f"The sealing certificate's key does not fit {alg}.")


def _signing_time(header: dict[str, Any], now: datetime) -> datetime:
    sig_t, iat = header.get("sigT"), header.get("iat")
    try:
        if isinstance(sig_t, str):
            moment = datetime.fromisoformat(sig_t.replace("Z", "+00:00"))
        elif isinstance(iat, int) and not isinstance(iat, bool):
            moment = datetime.fromtimestamp(iat, UTC)
        else:
            raise SealError("The seal states no signing time (sigT / iat).", "unknown")
    except (ValueError, OverflowError) as exc:
        raise SealError("The seal's signing time is unreadable.") from exc
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    if moment - _LEEWAY > now:
        raise SealError(f"The seal claims to be made in the future ({moment.isoformat()}).")
    return moment


def _leaf_valid_at(leaf: x509.Certificate, moment: datetime) -> None:
    if moment > leaf.not_valid_after_utc:
        raise SealError(
            f"Sealed at {moment.isoformat()}, after the sealing certificate expired "
            f"({leaf.not_valid_after_utc.isoformat()})."
        )
    if moment < leaf.not_valid_before_utc:
        raise SealError(
            f"Sealed at {moment.isoformat()}, before the sealing certificate was valid."
        )


@functools.lru_cache(maxsize=8)
def _anchors(path: str, mtime: float) -> tuple[x509.Certificate, ...]:
    return tuple(x509.load_pem_x509_certificates(Path(path).read_bytes()))


def load_anchors(path: str | None) -> tuple[x509.Certificate, ...]:
    """The CA certificates of a PEM file (re-read when the file changes)."""
    if not path or not Path(path).is_file():
        return ()
    return _anchors(path, Path(path).stat().st_mtime)


def _chain_problem(
    chain: list[x509.Certificate], moment: datetime, anchors: tuple[x509.Certificate, ...]
) -> str | None:
    """Why ``chain`` does not validate to ``anchors`` at ``moment`` (None: it does)."""
    verifier = (
        PolicyBuilder()
        .store(Store(list(anchors)))
        .time(moment.astimezone(UTC).replace(tzinfo=None))
        .extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ExtensionPolicy.permit_all()
        )
        .build_client_verifier()
    )
    try:
        verifier.verify(chain[0], chain[1:])
    except VerificationError as exc:
        return str(exc)
    return None


def _validate_chain(
    chain: list[x509.Certificate], moment: datetime, anchors: tuple[x509.Certificate, ...]
) -> None:
    if not anchors:
        raise SealError(
            "The seal's certificate chain cannot be judged: no trust anchors are configured "
            "(setting edc_trust_anchors).",
            "unknown",
        )
    problem = _chain_problem(chain, moment, anchors)
    if problem is not None:
        raise SealError(
            "The sealing certificate does not chain to a trusted anchor at the signing time "
            f"({problem}).",
            "unknown",
        )
