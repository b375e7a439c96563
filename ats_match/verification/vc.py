"""Open Badges 3.0 / W3C Verifiable Credential verification (VC-JWT and Data Integrity).

What: one function, :func:`evaluate`, runs every check on a credential (JSON document or compact
VC-JWT) and returns the checks with the verified document; :func:`verify_vc` wraps it in a
:class:`VerificationReport`. CLR bundles (``clr.py``) and status-list credentials (``status.py``)
reuse :func:`evaluate`.
Order and why: cheap structural checks first; the proof before anything that fetches on the
credential's behalf (status lists are only read once the proof holds); the VC-JWT path does no
JSON-LD work at all. Any doubt lands on ``indeterminate``, never ``verified``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urldefrag

from ats_match.formats.model import CredentialForm, RecipientIdentity
from ats_match.verification import dataintegrity as di
from ats_match.verification import vcjwt
from ats_match.verification.answers import Authenticity, Validity
from ats_match.verification.did import KeyResolutionError, resolve_method
from ats_match.verification.recipient import check_recipient
from ats_match.verification.report import (
    Check,
    CheckStatus,
    VerificationContext,
    VerificationReport,
)
from ats_match.verification.schema import (
    OB3_TYPES,
    VC_ONLY,
    check_context,
    check_schema,
    check_structure,
    is_open_badge,
)
from ats_match.verification.status import ListVerification, StatusContext, check_status
from ats_match.verification.trust import check_issuer_trust, trust_check_of
from ats_match.verification.validity import check_validity, parse_time
from ats_match.verification.verdicts import authenticity_of, build_report, validity_of

log = logging.getLogger(__name__)
LIST_TYPES = ("BitstringStatusListCredential", "StatusList2021Credential")
_LEEWAY = timedelta(seconds=60)


@dataclass
class Evaluation:
    """The checks run on one credential and the document they were run on."""

    checks: list[Check] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=dict)

    @property
    def proof_passed(self) -> bool:
        return any(c.name == "proof" and c.status == CheckStatus.PASS for c in self.checks)


def verify_vc(credential: CredentialForm, context: VerificationContext) -> VerificationReport:
    """Verify an OB 3.0 / VC credential and explain every check."""
    source: str | dict[str, Any] = credential.compact or credential.document
    result = evaluate(source, context)
    return report_for(credential, result)


def report_for(credential: CredentialForm, result: Evaluation) -> VerificationReport:
    """Wrap an evaluation in the report contract."""
    return build_report(
        format=credential.format,
        checks=result.checks,
        issuer=credential.issuer,
        achievement=credential.achievement,
        verified_at=datetime.now(UTC),
    )


def evaluate(
    source: str | dict[str, Any],
    context: VerificationContext,
    *,
    expected: tuple[str, ...] = OB3_TYPES,
    recipient: bool = True,
    status: bool = True,
) -> Evaluation:
    """Run the checks on a compact VC-JWT (``str``) or a JSON credential (``dict``).

    An unexpected error (a bug, or input shaped in a way nobody foresaw) never yields
    ``verified``: it becomes an ``indeterminate`` check and is logged."""
    try:
        return _evaluate(source, context, expected, recipient, status)
    except Exception as exc:
        log.exception("VC verification could not complete")
        return Evaluation(
            checks=[
                Check(
                    name="internal",
                    status=CheckStatus.INDETERMINATE,
                    detail=f"Verification could not complete ({type(exc).__name__}).",
                )
            ],
            document=source if isinstance(source, dict) else {},
        )


def _evaluate(
    source: str | dict[str, Any],
    context: VerificationContext,
    expected: tuple[str, ...],
    recipient: bool,
    status: bool,
) -> Evaluation:
    result = Evaluation()
    jwt: vcjwt.DecodedJwt | None = None
    if isinstance(source, str):
        try:
            jwt = vcjwt.decode(source)
        except vcjwt.JwtError as exc:
            result.checks.append(
                Check(
                    name="proof", status=CheckStatus.FAIL, detail=f"VC-JWT rejected: {exc.detail}"
                )
            )
            return result
        result.document = jwt.credential
    elif isinstance(source, dict):
        result.document = source
    doc = result.document
    if expected == OB3_TYPES and not is_open_badge(doc):
        expected = VC_ONLY
    family = "ob3" if expected == OB3_TYPES else "clr2" if "ClrCredential" in expected else None
    structure = [check_context(doc, family), *check_structure(doc, expected)]
    result.checks.extend(structure)
    issuer = vcjwt.issuer_id(doc) or ""
    if jwt is not None:
        result.checks.extend(_jwt_checks(jwt, issuer, context))
    elif structure[0].status != CheckStatus.PASS:
        result.checks.append(
            Check(
                name="proof",
                status=CheckStatus.FAIL,
                outcome=structure[0].outcome,
                detail="The proof cannot be checked: " + structure[0].detail,
            )
        )
    else:
        result.checks.append(_embedded_proof(doc, issuer, context))
    result.checks.append(check_validity(doc, context.now))
    if status:
        result.checks.append(_status(result, issuer, context))
    result.checks.append(check_schema(doc))
    if recipient:
        result.checks.append(_recipient(doc, context))
        result.checks.append(_trust(issuer, context))
        if result.proof_passed:
            result.checks.extend(_endorsements(doc, context))
    return result


# -- endorsements ---------------------------------------------------------------------------

MAX_ENDORSEMENTS = 20


def embedded_endorsements(doc: dict[str, Any]) -> list[str | dict[str, Any]]:
    """EndorsementCredentials embedded in the credential, its issuer and its achievement."""
    subject = doc.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    creator = achievement.get("creator") if isinstance(achievement, dict) else None
    found: list[str | dict[str, Any]] = []
    for node in (doc, doc.get("issuer"), achievement, creator):
        if not isinstance(node, dict):
            continue
        for key in ("endorsement", "endorsementJwt"):
            value = node.get(key)
            if value:
                items = value if isinstance(value, list) else [value]
                found.extend(item for item in items if isinstance(item, str | dict))
    return found


def _endorsements(doc: dict[str, Any], context: VerificationContext) -> list[Check]:
    """Each embedded endorsement verified on its own; informational (not required): a third
    party's statement about the issuer or achievement does not change whose badge this is."""
    checks = []
    for index, item in enumerate(embedded_endorsements(doc)[:MAX_ENDORSEMENTS]):
        inner = evaluate(item, context, expected=("EndorsementCredential",), recipient=False)
        genuine, current = authenticity_of(inner.checks), validity_of(inner.checks)
        endorser = vcjwt.issuer_id(inner.document) or "unknown endorser"
        if genuine.status == Authenticity.GENUINE and current.status == Validity.CURRENT:
            checks.append(
                Check(
                    name=f"endorsement[{index}]",
                    status=CheckStatus.PASS,
                    required=False,
                    detail=f"Endorsement by {endorser} verified.",
                )
            )
            continue
        problems = [
            f"{c.name}: {c.detail}"
            for c in inner.checks
            if c.required and c.status != CheckStatus.PASS
        ]
        checks.append(
            Check(
                name=f"endorsement[{index}]",
                status=CheckStatus.WARN,
                required=False,
                detail=f"Endorsement by {endorser} is {genuine.status}, {current.status}: "
                + " | ".join(problems),
            )
        )
    return checks


# -- VC-JWT -----------------------------------------------------------------------------------


def _jwt_checks(jwt: vcjwt.DecodedJwt, issuer: str, context: VerificationContext) -> list[Check]:
    """Signature (key bound to the issuer, algorithm pinned to the key) and claims."""
    try:
        resolved = vcjwt.resolve_key(jwt, issuer, context.fetcher)
        vcjwt.verify_signature(jwt, resolved.key)
    except vcjwt.JwtError as exc:
        state = CheckStatus.INDETERMINATE if exc.indeterminate else CheckStatus.FAIL
        return [Check(name="proof", status=state, detail=f"VC-JWT: {exc.detail}")]
    proof = Check(
        name="proof",
        status=CheckStatus.PASS,
        detail=f"VC-JWT {jwt.header['alg']} signature verified with the issuer's key "
        f"{resolved.method_id or issuer}.",
    )
    problems, window = vcjwt.read_claims(jwt, context.now)
    if problems:
        return [
            proof,
            Check(
                name="jwt_claims",
                status=CheckStatus.FAIL,
                detail="JWT claims contradict the credential: " + "; ".join(problems),
            ),
        ]
    checks = [proof, _CLAIMS_AGREE]
    if window is not None:
        outcome, moment = window
        words = "expired at" if outcome == "expired" else "not valid before"
        checks.append(
            Check(
                name="jwt_validity",
                status=CheckStatus.FAIL,
                axis="validity",
                outcome=outcome,
                facts={"date": moment.isoformat()},
                detail=f"The token {words} {moment.isoformat()} "
                f"({'exp' if outcome == 'expired' else 'nbf'}).",
            )
        )
    return checks


_CLAIMS_AGREE = Check(
    name="jwt_claims",
    status=CheckStatus.PASS,
    detail="iss, sub, jti, nbf and exp agree with the credential.",
)


# -- Data Integrity -------------------------------------------------------------------------


def _embedded_proof(doc: dict[str, Any], issuer: str, context: VerificationContext) -> Check:
    """Any one valid proof by the issuer is enough; failures and unknowns are explained."""
    raw = doc.get("proof")
    proofs = [p for p in (raw if isinstance(raw, list) else [raw]) if isinstance(p, dict)]
    if not proofs:
        return Check(
            name="proof",
            status=CheckStatus.FAIL,
            detail="The credential has no proof, so nothing shows who issued it.",
        )
    failures: list[str] = []
    unknowns: list[str] = []
    unsupported: list[str] = []
    for proof in proofs:
        if di.suite_of(proof) is None:
            unsupported.append(
                f"proof type {proof.get('type')!r} {proof.get('cryptosuite') or ''} is not "
                "supported"
            )
            continue
        state, detail = _one_proof(doc, proof, issuer, context)
        if state == CheckStatus.PASS:
            return Check(name="proof", status=state, detail=detail)
        (unknowns if state == CheckStatus.INDETERMINATE else failures).append(detail)
    if unknowns:
        return Check(
            name="proof",
            status=CheckStatus.INDETERMINATE,
            detail="The proof could not be checked: " + " | ".join(unknowns + failures),
        )
    if unsupported and not failures:  # a suite we do not implement is not a forgery
        return Check(
            name="proof",
            status=CheckStatus.FAIL,
            outcome="unknown",
            detail="The proof cannot be checked: " + " | ".join(unsupported),
        )
    return Check(
        name="proof",
        status=CheckStatus.FAIL,
        detail="No valid proof by the issuer: " + " | ".join(failures),
    )


def _belongs_to(method_id: str, issuer: str) -> bool:
    """The verification method is one of the issuer's own (same DID / same issuer URL)."""
    return bool(issuer) and urldefrag(method_id)[0] == issuer


def _one_proof(
    doc: dict[str, Any], proof: dict[str, Any], issuer: str, context: VerificationContext
) -> tuple[CheckStatus, str]:
    """One embedded proof: cheap refusals, key resolution, signature, signed-data coverage."""
    refusal = _refuse_early(proof, issuer, context.now)
    if refusal:
        return CheckStatus.FAIL, refusal
    method = str(proof["verificationMethod"])
    try:
        resolved = resolve_method(method, context.fetcher)
    except KeyResolutionError as exc:
        state = CheckStatus.INDETERMINATE if exc.indeterminate else CheckStatus.FAIL
        return state, exc.detail
    if resolved.controller != issuer or "assertionMethod" not in resolved.purposes:
        return CheckStatus.FAIL, f"{method} is not an assertion key of the issuer {issuer}"
    suite_name = proof.get("cryptosuite") or proof.get("type")
    try:
        nquads = di.verify_proof(doc, proof, resolved.key)
    except di.ProofError as exc:
        return CheckStatus.FAIL, f"{suite_name}: {exc}"
    uncovered = _uncovered(doc, nquads)
    if uncovered:
        return CheckStatus.FAIL, uncovered
    return CheckStatus.PASS, f"{suite_name} proof verified with the issuer's key {method}."


def _refuse_early(proof: dict[str, Any], issuer: str, now: datetime) -> str | None:
    """Reasons to refuse a proof (of a supported suite) before fetching or canonicalising
    anything."""
    if proof.get("proofPurpose") != "assertionMethod":
        return f"proof purpose {proof.get('proofPurpose')!r} is not assertionMethod"
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not _belongs_to(method, issuer):
        return f"verification method {method!r} does not belong to issuer {issuer}"
    return _proof_times(proof, now)


def _uncovered(doc: dict[str, Any], nquads: str) -> str | None:
    """What the JSON says that the signature does not cover, among what decides the verdict."""
    unsigned = [
        r.identity
        for r in recipients_of(doc)
        if f'"{r.identity}"' not in nquads and f"<{r.identity}>" not in nquads
    ]
    if unsigned:
        return (
            f"recipient identity {unsigned[0]!r} is not covered by the signature (a term no "
            "pinned context defines)"
        )
    hidden = di.hidden_properties(doc, nquads)
    if hidden:
        return (
            f"the signed data states {', '.join(hidden)} under another name than the JSON "
            "shows; refusing to read it differently"
        )
    return None


def _proof_times(proof: dict[str, Any], now: datetime) -> str | None:
    try:
        created, expires = parse_time(proof.get("created")), parse_time(proof.get("expires"))
    except ValueError as exc:
        return f"proof date unreadable: {exc}"
    if created and created - _LEEWAY > now:
        return f"proof created in the future ({created.isoformat()})"
    if expires and expires + _LEEWAY < now:
        return f"proof expired on {expires.isoformat()}"
    return None


# -- status, recipient, trust ---------------------------------------------------------------


def _status(result: Evaluation, issuer: str, context: VerificationContext) -> Check:
    """Status lists are only read for a credential whose proof holds (no fetching on behalf
    of forgeries)."""
    if "credentialStatus" not in result.document:
        return _NO_STATUS_LIST
    if not result.proof_passed:
        return Check(
            name="status",
            status=CheckStatus.SKIPPED,
            required=False,
            detail="Status not checked: the proof did not verify.",
        )
    return check_status(result.document, issuer, _status_context(context))


_NO_STATUS_LIST = Check(
    name="status",
    status=CheckStatus.SKIPPED,
    required=False,
    detail="The credential declares no status list; nothing to check.",
)


def _status_context(context: VerificationContext) -> StatusContext:
    def verify_list(source: Any) -> ListVerification:
        if not isinstance(source, str | dict):
            return ListVerification(False, "not a credential", None)
        inner = evaluate(source, context, expected=LIST_TYPES, recipient=False, status=False)
        bad = [
            c
            for c in inner.checks
            if c.name in ("context", "structure", "proof", "jwt_claims")
            and c.status != CheckStatus.PASS
        ]
        return ListVerification(
            not bad, "; ".join(c.detail for c in bad) or "verified", inner.document
        )

    return StatusContext(fetcher=context.fetcher, now=context.now, verify_list=verify_list)


_IDENTITY_TYPES = {
    "name": "name",  # a person's name: shown, never compared (anyone can share a name)
    "emailAddress": "email",
    "email": "email",
    "url": "url",
    "did": "did",
    "phoneNumber": "telephone",
    "telephone": "telephone",
}


def recipients_of(doc: dict[str, Any]) -> list[RecipientIdentity]:
    """Who the (verified) document says it was issued to: subject id and identifiers."""
    subject = doc.get("credentialSubject")
    subjects = subject if isinstance(subject, list) else [subject]
    found: list[RecipientIdentity] = []
    for item in (s for s in subjects if isinstance(s, dict)):
        sid = item.get("id")
        if isinstance(sid, str) and sid:
            found.append(RecipientIdentity(type=_subject_id_kind(sid), identity=sid))
        identifiers = item.get("identifier") or []
        # OB 3.0 makes it an array; a single IdentityObject (DCC issues those) means the same.
        for ident in [identifiers] if isinstance(identifiers, dict) else identifiers:
            if isinstance(ident, dict) and isinstance(ident.get("identityHash"), str):
                found.append(
                    RecipientIdentity(
                        type=_IDENTITY_TYPES.get(str(ident.get("identityType")), "id"),
                        hashed=bool(ident.get("hashed")),
                        salt=ident.get("salt") if isinstance(ident.get("salt"), str) else None,
                        identity=ident["identityHash"],
                    )
                )
    return found


def _subject_id_kind(subject_id: str) -> str:
    """``mailto:`` ids are e-mail addresses (compared case-insensitively, prefix ignored)."""
    lowered = subject_id.lower()
    if lowered.startswith("did:"):
        return "did"
    if lowered.startswith("mailto:"):
        return "email"
    return "url" if "://" in subject_id else "id"


def _recipient(doc: dict[str, Any], context: VerificationContext) -> Check:
    """Recipient binding on the identities the verified document names."""
    return check_recipient(
        recipients_of(doc),
        context.applicant_emails,
        context.applicant_dids,
        proven_dids=context.proven_dids,
    )


def _trust(issuer: str, context: VerificationContext) -> Check:
    if context.judge_issuer is not None:
        return trust_check_of(context.judge_issuer(issuer or None))
    return check_issuer_trust(issuer, context.trust)
