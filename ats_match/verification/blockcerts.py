"""Blockcerts verification: v3 (MerkleProof2019) and v2 (MerkleProof2017).

What: :func:`verify_blockcerts` checks, in order,
1. ``proof`` (offline): the target hash is the sha256 of the RDFC-canonicalised document without
   its proof (v2: without ``signature``; JSON-LD safe mode, pinned contexts), and the Merkle path
   leads from it to the stated root;
2. ``anchor``: the root is the OP_RETURN payload of the anchoring transaction, read from the
   chain service configured for its chain (:mod:`ats_match.verification.chain`);
3. ``issuer_key``: the transaction was sent from an address the issuer profile lists as its
   key, and that key was valid (created, not expired, not revoked) when the block was mined;
then the dates, the issuer's revocation list, the recipient and the issuer's trust.
Why three authenticity checks: the Merkle proof alone shows the document belongs to *a* batch;
only the anchor and the issuer's key show the batch is the issuer's. Any of them that could not
run (chain service down or not configured, profile unreachable) leaves authenticity
``unknown`` and retried, never ``genuine``; a root that differs or a tampered document is
``forged``.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime
from typing import Any

from ats_match.formats.blockcerts import blockcerts_spec
from ats_match.formats.model import CredentialForm, RecipientIdentity, Spec
from ats_match.verification import chain
from ats_match.verification.blockcerts_issuer import (
    IssuerProfile,
    check_issuer_key,
    check_revocation,
    load_profile,
)
from ats_match.verification.dataintegrity import ProofError, canonicalize
from ats_match.verification.did import KeyResolutionError
from ats_match.verification.jsonld import unknown_contexts
from ats_match.verification.merkle import MerkleError, MerkleReceipt, root_of
from ats_match.verification.merkle import decode_proof_value as decode_2019
from ats_match.verification.merkle import receipt_of_2017 as decode_2017
from ats_match.verification.recipient import check_recipient
from ats_match.verification.report import Check, CheckStatus, VerificationContext
from ats_match.verification.report import VerificationReport as Report
from ats_match.verification.status import (
    LIST_TYPES,
    ListVerification,
    ListVerifier,
    StatusContext,
    check_status,
)
from ats_match.verification.trust import check_issuer_trust, trust_check_of
from ats_match.verification.validity import check_validity
from ats_match.verification.vc import recipients_of
from ats_match.verification.verdicts import build_report

log = logging.getLogger(__name__)


def verify_blockcerts(credential: CredentialForm, context: VerificationContext) -> Report:
    """Verify a Blockcerts v3 or v2 certificate and explain every check."""
    try:
        checks = _checks(credential, context)
    except Exception as exc:  # a shape nobody foresaw: never verified
        log.exception("Blockcerts verification could not complete")
        detail = f"Verification could not complete ({type(exc).__name__})."
        checks = [Check(name="internal", status=CheckStatus.INDETERMINATE, detail=detail)]
    return build_report(
        format=credential.format,
        checks=checks,
        issuer=credential.issuer,
        achievement=credential.achievement,
        verified_at=datetime.now(UTC),
    )


def _checks(credential: CredentialForm, context: VerificationContext) -> list[Check]:
    doc = credential.document
    v2 = credential.spec == Spec.BLOCKCERTS2
    issuer_id = issuer_of(doc, v2=v2)
    checks, profile = authenticity_checks(doc, issuer_id, context, v2=v2)
    checks.append(check_validity(_dates(doc, v2), context.now))
    checks.append(_status(doc, issuer_id, profile, context, proof_passed=_held(checks)))
    checks.append(_recipient(doc, v2, credential, context))
    checks.append(_trust(issuer_id, context))
    return checks


def authenticity_checks(
    doc: dict[str, Any], issuer_id: str, context: VerificationContext, *, v2: bool
) -> tuple[list[Check], IssuerProfile | None]:
    """``proof``, then (when it holds) ``anchor``, then (when found) ``issuer_key``."""
    proof, receipt = check_merkle_proof(doc, v2=v2)
    checks = [proof]
    if receipt is None:
        return checks, None
    anchor, transaction = check_anchor(receipt, context)
    checks.append(anchor)
    if transaction is None:
        return checks, None
    key, profile = _issuer_key(issuer_id, transaction, context)
    checks.append(key)
    return checks, profile


def issuer_of(doc: dict[str, Any], *, v2: bool) -> str:
    """The issuer profile URL the hashed document names (v2: its badge class's issuer)."""
    node: Any = doc.get("issuer")
    if v2:
        badge = doc.get("badge")
        node = badge.get("issuer") if isinstance(badge, dict) else None
    found = node.get("id") if isinstance(node, dict) else node
    return found if isinstance(found, str) else ""


def _held(checks: list[Check]) -> bool:
    return all(c.status == CheckStatus.PASS for c in checks if c.name in _AUTHENTICITY)


def _status(
    doc: dict[str, Any],
    issuer_id: str,
    profile: IssuerProfile | None,
    context: VerificationContext,
    *,
    proof_passed: bool,
) -> Check:
    """A W3C status list entry (its list itself a Blockcerts v3 credential of the issuer), else
    the Blockcerts revocation list."""
    entry = doc.get("credentialStatus")
    entries = entry if isinstance(entry, list) else [entry]
    kinds = {e.get("type") for e in entries if isinstance(e, dict)}
    if not proof_passed or not kinds & set(LIST_TYPES):
        return check_revocation(doc, profile, context.fetcher, proof_passed=proof_passed)
    status = StatusContext(context.fetcher, context.now, _list_verifier(context))
    return check_status(doc, issuer_id, status)


def _list_verifier(context: VerificationContext) -> ListVerifier:
    def verify(source: Any) -> ListVerification:
        if not isinstance(source, dict) or blockcerts_spec(source) != Spec.BLOCKCERTS3:
            return ListVerification(False, "the status list is not a Blockcerts credential", None)
        checks, _ = authenticity_checks(source, issuer_of(source, v2=False), context, v2=False)
        bad = [c.detail for c in checks if c.status != CheckStatus.PASS]
        held = len(checks) == len(_AUTHENTICITY) and not bad
        return ListVerification(held, "; ".join(bad) or "verified", source)

    return verify


_AUTHENTICITY = ("proof", "anchor", "issuer_key")


# -- the Merkle proof (offline) --------------------------------------------------------------


def check_merkle_proof(doc: dict[str, Any], *, v2: bool) -> tuple[Check, MerkleReceipt | None]:
    """The receipt, the target hash of the document and the path to the root."""
    missing = unknown_contexts(doc)
    if missing:
        detail = f"The proof cannot be checked: context {missing[0]!r} is not pinned."
        return _fail("proof", detail, outcome="unknown"), None
    try:
        receipt = decode_2017(doc.get("signature")) if v2 else decode_2019(_proof_value(doc))
    except MerkleError as exc:
        return _fail("proof", f"The Merkle proof cannot be read: {exc}."), None
    unsigned = {k: v for k, v in doc.items() if k != ("signature" if v2 else "proof")}
    try:
        nquads = canonicalize(unsigned)
    except ProofError as exc:
        return _fail("proof", f"The certificate cannot be hashed: {exc}."), None
    digest = hashlib.sha256(nquads.encode()).hexdigest()
    if digest != receipt.target_hash:
        detail = "The certificate was changed after issuing: its hash is not the proof's target."
        return _fail("proof", detail), None
    if root_of(receipt.target_hash, receipt.path) != receipt.merkle_root:
        return _fail("proof", "The Merkle path does not lead to the stated root."), None
    suite = "MerkleProof2017" if v2 else "MerkleProof2019"
    detail = f"{suite}: the certificate hashes to its target, whose path leads to the root."
    return _passed("proof", detail), receipt


def _proof_value(doc: dict[str, Any]) -> Any:
    proofs = doc.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(proof, dict) and proof.get("type") == "MerkleProof2019":
            return proof.get("proofValue")
    return None


# -- the chain anchor ------------------------------------------------------------------------


def check_anchor(
    receipt: MerkleReceipt, context: VerificationContext
) -> tuple[Check, chain.ChainTransaction | None]:
    """The root published by the receipt's anchoring transaction (the first one that answers)."""
    from ats_match.settings import get_settings

    if not receipt.anchors:
        return _fail("anchor", "The proof names no blockchain anchor.", outcome="unknown"), None
    services = get_settings().blockcerts_chain_services
    problems: list[str] = []
    retry = False
    for anchor in receipt.anchors:
        try:
            tx = chain.lookup(anchor, context.fetcher, services)
        except chain.ChainLookupError as exc:
            problems.append(exc.detail)
            retry = retry or exc.indeterminate
            continue
        if receipt.merkle_root not in tx.data:
            detail = f"Transaction {anchor.blink} publishes another root than the certificate's."
            return _fail("anchor", detail), None
        if not tx.confirmed:
            problems.append(f"transaction {anchor.blink} is not confirmed yet")
            retry = True
            continue
        when = tx.time.isoformat() if tx.time else "an unknown time"
        detail = f"The root is published by {anchor.blink}, mined at {when}."
        return _passed("anchor", detail), tx
    detail = "The chain anchor could not be checked: " + "; ".join(problems) + "."
    status = CheckStatus.INDETERMINATE if retry else CheckStatus.FAIL
    return _unknown("anchor", detail, status), None


def _issuer_key(
    issuer_id: str, transaction: chain.ChainTransaction, context: VerificationContext
) -> tuple[Check, IssuerProfile | None]:
    try:
        profile = load_profile(issuer_id, context.fetcher)
    except KeyResolutionError as exc:
        status = CheckStatus.INDETERMINATE if exc.indeterminate else CheckStatus.FAIL
        detail = f"The issuer's keys could not be read: {exc.detail}."
        return _unknown("issuer_key", detail, status), None
    return check_issuer_key(profile, transaction), profile


# -- dates, recipient, trust -----------------------------------------------------------------


def _dates(doc: dict[str, Any], v2: bool) -> dict[str, Any]:
    if not v2:
        return doc
    return {"issuanceDate": doc.get("issuedOn"), "expirationDate": doc.get("expires")}


def _recipient(
    doc: dict[str, Any], v2: bool, credential: CredentialForm, context: VerificationContext
) -> Check:
    if v2:
        identities = credential.recipients
    else:
        subject = doc.get("credentialSubject")
        email = subject.get("email") if isinstance(subject, dict) else None
        plain = [RecipientIdentity(type="email", identity=email)] if isinstance(email, str) else []
        identities = [*recipients_of(doc), *plain]
    return check_recipient(
        identities,
        context.applicant_emails,
        context.applicant_dids,
        proven_dids=context.proven_dids,
    )


def _trust(issuer: str, context: VerificationContext) -> Check:
    if context.judge_issuer is not None:
        return trust_check_of(context.judge_issuer(issuer or None))
    return check_issuer_trust(issuer, context.trust)


def _fail(name: str, detail: str, *, outcome: str | None = None) -> Check:
    return Check(
        name=name, status=CheckStatus.FAIL, outcome=outcome, detail=detail, axis="authenticity"
    )


def _passed(name: str, detail: str) -> Check:
    return Check(name=name, status=CheckStatus.PASS, detail=detail, axis="authenticity")


def _unknown(name: str, detail: str, status: CheckStatus) -> Check:
    """A check that could not run (``INDETERMINATE``: retried) or cannot ever (``FAIL``)."""
    return Check(name=name, status=status, outcome="unknown", detail=detail, axis="authenticity")
