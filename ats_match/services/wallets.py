"""Presentation requests: create one for an application, accept the wallet's answer.

Accepting a presentation: verify every holder proof (challenge, domain, key), refuse a holder
whose DID is not the subject of a presented credential, consume the request (single use, one
conditional UPDATE so two concurrent answers cannot both win), store the presented credentials
as the application's, record the proven DID on the candidate and stage the re-verification that
turns ``holder: unproven`` into ``proven``. Services never commit; the request does.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ats_match.errors import NotFound
from ats_match.formats.model import CredentialForm
from ats_match.models import Application, Candidate, Credential, User
from ats_match.models.base import utcnow
from ats_match.models.wallets import (
    PresentationProtocol,
    PresentationRequest,
    PresentationRequestPublic,
    ProvenDid,
)
from ats_match.net.fetcher import Fetcher
from ats_match.services import outbox
from ats_match.settings import get_settings
from ats_match.wallets import oid4vp
from ats_match.wallets.errors import (
    BadHolderProof,
    HolderNotSubject,
    NotAPresentation,
    RequestExpired,
    RequestUsed,
)
from ats_match.wallets.presentation import Expected, Presentation, verify_presentation

REQUEST_TTL = timedelta(minutes=30)
MAX_FILES = 20


@dataclass(frozen=True)
class Accepted:
    holder: str | None
    credentials: int
    bound: int
    """How many presented credentials name the proven DID as their subject."""

    def message(self) -> str:
        if self.holder is None:
            return (
                f"Thank you: {self.credentials} credential(s) received. The presentation was not "
                "signed by your wallet, so they are not linked to you yet."
            )
        return (
            f"Thank you: {self.credentials} credential(s) received, and you proved you control "
            f"{self.holder}; {self.bound} of them are now linked to you."
        )


def server_domain() -> str:
    """The ``domain`` a VP upload must be signed for: the server's host (and port)."""
    return urlsplit(get_settings().base_url).netloc


def create_request(session: Session, user: User, application_id: uuid.UUID) -> PresentationRequest:
    application = session.get(Application, application_id)
    if application is None or application.organization_id != user.organization_id:
        raise NotFound("application not found")
    request = PresentationRequest(
        organization_id=user.organization_id,
        application_id=application.id,
        nonce=secrets.token_urlsafe(32),
        state=secrets.token_urlsafe(16),
        domain=server_domain(),
        expires_at=utcnow() + REQUEST_TTL,
        created_by=user.id,
    )
    session.add(request)
    session.flush()
    return request


def public_view(request: PresentationRequest) -> PresentationRequestPublic:
    base = get_settings().base_url.rstrip("/")
    page = f"{base}/present/{request.id}"
    return PresentationRequestPublic(
        request_id=request.id,
        application_id=request.application_id,
        url=page,
        challenge=request.nonce,
        nonce=request.nonce,
        domain=request.domain,
        client_id=oid4vp.client_id(base),
        openid4vp_url=oid4vp.authorization_url(base, f"{page}/request.jwt"),
        expires_at=request.expires_at,
    )


def open_request(session: Session, request_id: uuid.UUID) -> PresentationRequest:
    """The request a candidate's link names, if it can still be answered."""
    request = session.get(PresentationRequest, request_id)
    if request is None:
        raise NotFound("This presentation link is not valid. Ask the recruiter for a new one.")
    if request.used_at is not None:
        raise RequestUsed(
            "This request has already been answered; a presentation can be used once. "
            "Ask the recruiter for a new link to present again."
        )
    if request.expires_at <= utcnow():
        raise RequestExpired(
            "This presentation request has expired. Ask the recruiter for a new link."
        )
    return request


def accept(
    session: Session,
    request_id: uuid.UUID,
    presentations: Sequence[Any],
    *,
    protocol: PresentationProtocol,
    audience: str,
    fetcher: Fetcher,
) -> Accepted:
    """Verify and take in the presentations answering one request (see the module doc)."""
    from ats_match.formats import extract_bytes

    request = open_request(session, request_id)
    expected = Expected(nonce=request.nonce, audience=audience)
    verified = [verify_presentation(p, expected, fetcher) for p in presentations]
    holder = _one_holder(verified)
    raws = [raw for v in verified for raw in v.credentials]
    results = [(raw, extract_bytes(raw, source=f"wallet:{protocol.value}")) for raw in raws]
    forms = [form for _, result in results for form in result.credentials]
    bound = _check_subjects(forms, holder)
    _consume(session, request, protocol, holder, len(raws))
    application = session.get(Application, request.application_id)
    assert application is not None and application.organization_id == request.organization_id
    if holder is not None:
        _record_proven(session, application.candidate_id, holder, request, protocol)
    _store_and_reverify(session, application, results, holder)
    return Accepted(holder, len(raws), bound)


def store_upload(
    session: Session, request_id: uuid.UUID, files: Sequence[tuple[str, bytes]]
) -> int:
    """Plain files uploaded on the candidate's page: stored unbound; the request stays open."""
    from ats_match.formats import extract_bytes
    from worker.ingest import store_extraction_forms

    if not files:
        raise NotAPresentation("Choose at least one credential file to upload.")
    request = open_request(session, request_id)
    application = session.get(Application, request.application_id)
    assert application is not None and application.organization_id == request.organization_id
    stored = 0
    for name, data in files[:MAX_FILES]:
        result = extract_bytes(data, source=f"upload:{name[:200]}")
        stored += len(store_extraction_forms(session, application, result, data, name[:200]))
    outbox.enqueue(
        session,
        application.organization_id,
        "ats_match.settle_application",
        str(application.organization_id),
        str(application.id),
    )
    return stored


def proven_dids_of(session: Session, candidate: Candidate) -> tuple[str, ...]:
    """The DIDs this candidate proved by a signed presentation."""
    rows = session.exec(
        select(ProvenDid.did).where(
            col(ProvenDid.organization_id) == candidate.organization_id,
            col(ProvenDid.candidate_id) == candidate.id,
        )
    ).all()
    return tuple(sorted(rows))


def presented_via(source: str | None) -> str | None:
    """How a stored credential reached us from a wallet (``oid4vp`` / ``vp_upload``), if it
    did: its source is ``wallet:<protocol>``."""
    if source and source.startswith("wallet:"):
        return source.removeprefix("wallet:")
    return None


def _one_holder(verified: list[Presentation]) -> str | None:
    holders = {v.holder for v in verified if v.holder}
    if len(holders) > 1:
        raise BadHolderProof(
            "The presentations are signed by different DIDs; present from one wallet at a time."
        )
    return holders.pop() if holders else None


def _subject_dids(form: CredentialForm) -> list[str]:
    return [r.identity for r in form.recipients if r.type.lower() == "did" and not r.hashed]


def _check_subjects(forms: list[CredentialForm], holder: str | None) -> int:
    """A signed presentation may only carry credentials issued to its holder (or to no DID)."""
    if holder is None:
        return 0
    bound = 0
    for form in forms:
        subjects = _subject_dids(form)
        if subjects and holder not in subjects:
            title = form.achievement.name or form.id or "a credential"
            raise HolderNotSubject(
                f"'{title}' was issued to {subjects[0]}, but the presentation is signed by "
                f"{holder}. Present it from the wallet that holds {subjects[0]}."
            )
        bound += bool(subjects)
    return bound


def _consume(
    session: Session,
    request: PresentationRequest,
    protocol: PresentationProtocol,
    holder: str | None,
    credentials: int,
) -> None:
    """Mark the request used unless another answer already did (replay)."""
    statement = (
        sa.update(PresentationRequest)
        .where(
            col(PresentationRequest.id) == request.id,
            col(PresentationRequest.used_at).is_(None),
        )
        .values(
            used_at=utcnow(),
            used_protocol=protocol.value,
            holder_did=holder,
            outcome={"credentials": credentials, "holder": holder},
        )
    )
    result = session.execute(statement)
    if getattr(result, "rowcount", 0) != 1:
        raise RequestUsed(
            "This request has already been answered; a presentation can be used once."
        )
    session.expire(request)


def _record_proven(
    session: Session,
    candidate_id: uuid.UUID,
    did: str,
    request: PresentationRequest,
    protocol: PresentationProtocol,
) -> None:
    row = session.exec(
        select(ProvenDid).where(
            col(ProvenDid.candidate_id) == candidate_id, col(ProvenDid.did) == did
        )
    ).first()
    row = row or ProvenDid(
        organization_id=request.organization_id, candidate_id=candidate_id, did=did
    )
    row.request_id, row.protocol, row.proven_at = request.id, protocol.value, utcnow()
    session.add(row)
    session.flush()


def _store_and_reverify(
    session: Session,
    application: Application,
    results: list[tuple[bytes, Any]],
    holder: str | None,
) -> None:
    """Store the presented credentials; re-verify the candidate's earlier credentials (in any
    of their applications here) that name the holder; settle this application."""
    from worker.ingest import store_extraction_forms

    existing = session.exec(  # every application of this candidate in this organisation
        select(Credential)
        .join(Application, col(Application.id) == col(Credential.application_id))
        .where(
            col(Credential.organization_id) == application.organization_id,
            col(Application.organization_id) == application.organization_id,
            col(Application.candidate_id) == application.candidate_id,
            col(Credential.error_code).is_(None),
        )
    ).all()
    for raw, result in results:
        store_extraction_forms(session, application, result, raw, "wallet presentation")
    org = str(application.organization_id)
    if holder is not None:
        for credential in existing:
            recipients = credential.form.get("recipients") or []
            if any(r.get("identity") == holder for r in recipients if isinstance(r, dict)):
                outbox.enqueue(
                    session,
                    application.organization_id,
                    "ats_match.process_credential",
                    org,
                    str(credential.id),
                )
    outbox.enqueue(
        session,
        application.organization_id,
        "ats_match.settle_application",
        org,
        str(application.id),
    )
