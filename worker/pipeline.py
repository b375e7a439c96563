"""The pipeline stages, as plain functions of a session and ids.

Celery tasks (``worker.tasks``) wrap them in a unit of work; ``ats-match screen`` and the tests
call them directly. Each stage is idempotent: running it twice leaves the same rows. A stage
stages the next jobs in the outbox; they are published after its transaction commits.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from functools import lru_cache
from typing import Any, TypeVar

from sqlmodel import Session, col, delete, select

from ats_match.formats.model import CredentialForm, ExtractionResult
from ats_match.models import (
    Application,
    Candidate,
    CandidateSkill,
    Credential,
    Integration,
    Job,
    MappingOverride,
    Organization,
    Skill,
    Taxonomy,
    VerificationResult,
    VerificationStatus,
    WebhookDelivery,
)
from ats_match.models.base import utcnow
from ats_match.models.credentials import LINK_FORMAT
from ats_match.services import outbox
from ats_match.services.inbox import mark_handled
from connectors import ApplicationPayload, Attachment, get_connector

REVERIFY_BACKOFF = (
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(days=1),
)


class Transient(Exception):
    """The stage could not finish for a reason that may pass (an issuer or ATS is down)."""


# ---------------------------------------------------------------------------------------------
# ingest: one inbox delivery -> candidate, application, credential rows
# ---------------------------------------------------------------------------------------------
def process_delivery(session: Session, organization_id: uuid.UUID, delivery_id: uuid.UUID) -> None:
    delivery = _scoped(session, WebhookDelivery, organization_id, delivery_id)
    if delivery is None or delivery.handled_at is not None:
        return
    integration = _scoped(session, Integration, organization_id, delivery.integration_id)
    assert integration is not None
    payload = get_connector(integration.vendor).parse_application(json.loads(delivery.body))
    if payload is not None:
        application = _upsert_application(session, integration, payload)
        ingest_attachments(session, application, payload.attachments, payload.answers)
    mark_handled(delivery)
    session.add(delivery)


def _upsert_application(
    session: Session, integration: Integration, payload: ApplicationPayload
) -> Application:
    org_id = integration.organization_id
    job = _by_external(session, Job, org_id, integration.id, payload.job_external_id)
    if job is None:
        job = Job(
            organization_id=org_id,
            integration_id=integration.id,
            external_id=payload.job_external_id,
            title=payload.job_title or "Untitled",
        )
        session.add(job)
    candidate = _by_external(
        session, Candidate, org_id, integration.id, payload.candidate_external_id
    )
    if candidate is None:
        candidate = Candidate(
            organization_id=org_id,
            integration_id=integration.id,
            external_id=payload.candidate_external_id,
        )
    candidate.name = payload.candidate_name or candidate.name
    candidate.emails = sorted(set(candidate.emails) | set(payload.candidate_emails))
    candidate.dids = sorted(set(candidate.dids) | set(payload.candidate_dids))
    session.add(candidate)
    session.flush()
    application = _by_external(
        session, Application, org_id, integration.id, payload.application_external_id
    )
    if application is None:
        application = Application(
            organization_id=org_id,
            integration_id=integration.id,
            external_id=payload.application_external_id,
            candidate_id=candidate.id,
            job_id=job.id,
        )
    application.applied_at = payload.applied_at or application.applied_at
    application.answers = dict(payload.answers)
    session.add(application)
    session.flush()
    return application


def ingest_attachments(
    session: Session,
    application: Application,
    attachments: tuple[Attachment, ...],
    answers: Any,
) -> list[Credential]:
    """Store every credential found in the attachments and answers; links are stored as
    pending rows and resolved by ``process_credential`` (so an unreachable host is retried)."""
    from ats_match.formats import extract_bytes, extract_text_from_document, find_credential_urls

    stored: list[Credential] = []
    urls: list[str] = list(find_credential_urls(_answer_text(answers)))
    for attachment in attachments:
        if attachment.url:
            urls.append(attachment.url)
        if attachment.data is None:
            continue
        result = extract_bytes(
            attachment.data, source=attachment.filename, content_type=attachment.content_type
        )
        if not result.credentials and _is_document(attachment):
            text = extract_text_from_document(attachment.data, attachment.filename)
            urls.extend(find_credential_urls(text))
            continue
        stored += store_extraction(
            session, application, result, attachment.data, attachment.filename
        )
    for url in dict.fromkeys(urls):
        stored += _store_link(session, application, url)
    return stored


def _is_document(attachment: Attachment) -> bool:
    name = (attachment.filename or "").lower()
    kind = attachment.content_type or ""
    return name.endswith((".pdf", ".docx")) or "pdf" in kind or "wordprocessing" in kind


def _answer_text(answers: Any) -> str:
    return json.dumps(answers, ensure_ascii=False) if answers else ""


def store_extraction(
    session: Session,
    application: Application,
    result: ExtractionResult,
    raw: bytes,
    source: str | None,
) -> list[Credential]:
    """Store the credentials of one extraction (CLR children linked to their bundle), or the
    typed reason it produced none. Identical bytes are stored once per application."""
    stored: list[Credential] = []
    bundles: dict[str, Credential] = {}
    for form in result.credentials:
        row = _store_form(session, application, form, bundles)
        if row is not None:
            stored.append(row)
    if not result.credentials and result.errors:
        error = result.errors[0]
        row = _insert_credential(
            session,
            application,
            raw=raw,
            source=source,
            format="unknown",
            error_code=error.code.value,
            error_detail=error.detail,
        )
        if row is not None:
            stored.append(row)
    return stored


def _store_form(
    session: Session, application: Application, form: CredentialForm, bundles: dict[str, Credential]
) -> Credential | None:
    parent = bundles.get(form.bundle_digest or "")
    row = _insert_credential(
        session,
        application,
        raw=form.raw,
        source=form.source,
        format=form.format,
        form=form.model_dump(mode="json", exclude={"raw"}),
        achievement_id=form.achievement.id,
        issuer_id=form.issuer.id,
        bundle_id=parent.id if parent else None,
    )
    if row is not None and form.spec.value == "clr2" and not form.bundle_digest:
        bundles[form.digest] = row
    return row


def _insert_credential(
    session: Session, application: Application, *, raw: bytes, **fields: Any
) -> Credential | None:
    import hashlib

    digest = hashlib.sha256(raw).hexdigest()
    exists = session.exec(
        select(Credential.id).where(
            col(Credential.application_id) == application.id, col(Credential.digest) == digest
        )
    ).first()
    if exists is not None:
        return None
    row = Credential(
        organization_id=application.organization_id,
        application_id=application.id,
        digest=digest,
        raw=raw,
        **fields,
    )
    session.add(row)
    session.flush()
    outbox.enqueue(
        session,
        row.organization_id,
        "ats_match.process_credential",
        str(row.organization_id),
        str(row.id),
    )
    return row


def _store_link(session: Session, application: Application, url: str) -> list[Credential]:
    row = _insert_credential(session, application, raw=url.encode(), source=url, format=LINK_FORMAT)
    return [row] if row else []


# ---------------------------------------------------------------------------------------------
# verify + normalise: one credential
# ---------------------------------------------------------------------------------------------
def process_credential(
    session: Session, organization_id: uuid.UUID, credential_id: uuid.UUID
) -> None:
    credential = _scoped(session, Credential, organization_id, credential_id)
    if credential is None or credential.error_code is not None:
        return
    application = _scoped(session, Application, organization_id, credential.application_id)
    assert application is not None
    if credential.format == LINK_FORMAT:
        _resolve_link(session, application, credential)
        return
    form = CredentialForm.model_validate({**credential.form, "raw": credential.raw})
    verify_and_store(session, application, credential, form)
    normalise_and_store(session, credential, form)
    outbox.enqueue(
        session,
        organization_id,
        "ats_match.score_application",
        str(organization_id),
        str(application.id),
    )


def _resolve_link(session: Session, application: Application, link: Credential) -> None:
    from ats_match.formats import extract_url
    from ats_match.net import FetchError

    url = link.source or link.raw.decode()
    try:
        result = extract_url(url, _fetcher())
    except FetchError as exc:
        if exc.is_transient:
            raise Transient(str(exc)) from exc
        link.error_code, link.error_detail = "fetch_failed", exc.detail[:2000]
        session.add(link)
        return
    if not result.credentials:
        error = result.errors[0] if result.errors else None
        transient = error is not None and error.code.value == "fetch_failed"
        if transient:
            raise Transient(error.detail if error else url)
        link.error_code = error.code.value if error else "not_a_badge"
        link.error_detail = (error.detail if error else "the link served no credential")[:2000]
        session.add(link)
        return
    store_extraction(session, application, result, link.raw, url)
    link.form = {"resolved": True, "credentials": len(result.credentials)}
    session.add(link)


def verify_and_store(
    session: Session, application: Application, credential: Credential, form: CredentialForm
) -> VerificationResult:
    from ats_match.verification import TrustPolicy, VerificationContext, verify_credential

    candidate = session.get(Candidate, application.candidate_id)
    org = session.get(Organization, credential.organization_id)
    assert candidate is not None and org is not None
    context = VerificationContext(
        fetcher=_fetcher(),
        applicant_emails=tuple(candidate.emails),
        applicant_dids=tuple(candidate.dids),
        trust=TrustPolicy(allow=tuple(org.issuer_allow), deny=tuple(org.issuer_deny)),
    )
    report = verify_credential(form, context)
    previous = latest_verification(session, credential.id)
    attempt = (previous.attempt + 1) if previous else 1
    retry_at = None
    if report.retryable:
        retry_at = utcnow() + REVERIFY_BACKOFF[min(attempt - 1, len(REVERIFY_BACKOFF) - 1)]
    result = VerificationResult(
        organization_id=credential.organization_id,
        credential_id=credential.id,
        status=VerificationStatus(report.status.value),
        checks=[c.model_dump(mode="json") for c in report.checks],
        retry_at=retry_at,
        attempt=attempt,
    )
    session.add(result)
    return result


def latest_verification(session: Session, credential_id: uuid.UUID) -> VerificationResult | None:
    statement = (
        select(VerificationResult)
        .where(col(VerificationResult.credential_id) == credential_id)
        .order_by(
            col(VerificationResult.verified_at).desc(), col(VerificationResult.attempt).desc()
        )
    )
    return session.exec(statement).first()


def normalise_and_store(
    session: Session, credential: Credential, form: CredentialForm
) -> list[CandidateSkill]:
    from worker.evidence import organization_matcher

    application = session.get(Application, credential.application_id)
    assert application is not None
    overrides = _overrides(session, credential.organization_id)
    matcher = organization_matcher(session, credential.organization_id)
    result = matcher.match_credential(form.achievement, overrides=overrides)
    session.exec(delete(CandidateSkill).where(col(CandidateSkill.credential_id) == credential.id))
    taxonomy = _default_taxonomy_row(session, credential.organization_id)
    rows = []
    for match in result.skills:
        skill = _skill_row(session, taxonomy, match.uri, match.label)
        row = CandidateSkill(
            organization_id=credential.organization_id,
            candidate_id=application.candidate_id,
            skill_id=skill.id,
            credential_id=credential.id,
            confidence=match.confidence,
            method=match.method,
            matched_label=match.matched_label,
        )
        session.add(row)
        rows.append(row)
    return rows


def _overrides(session: Session, organization_id: uuid.UUID) -> dict[str, list[str]]:
    rows = session.exec(
        select(MappingOverride).where(col(MappingOverride.organization_id) == organization_id)
    ).all()
    return {row.achievement_id: list(row.skill_uris) for row in rows}


def _default_taxonomy_row(session: Session, organization_id: uuid.UUID) -> Taxonomy:
    row = session.exec(
        select(Taxonomy).where(
            col(Taxonomy.organization_id) == organization_id, col(Taxonomy.is_default).is_(True)
        )
    ).first()
    if row is None:
        row = Taxonomy(
            organization_id=organization_id,
            name="ESCO",
            version="default",
            source="package data",
            is_default=True,
        )
        session.add(row)
        session.flush()
    return row


def _skill_row(session: Session, taxonomy: Taxonomy, uri: str, label: str) -> Skill:
    row = session.exec(
        select(Skill).where(col(Skill.taxonomy_id) == taxonomy.id, col(Skill.uri) == uri)
    ).first()
    if row is None:
        row = Skill(
            organization_id=taxonomy.organization_id,
            taxonomy_id=taxonomy.id,
            uri=uri,
            label=label[:500],
        )
        session.add(row)
        session.flush()
    return row


# ---------------------------------------------------------------------------------------------
# score
# ---------------------------------------------------------------------------------------------
def score_application(
    session: Session, organization_id: uuid.UUID, application_id: uuid.UUID
) -> None:
    from worker.scoring import score_application as score

    score(session, organization_id, application_id)


def rescore_job(session: Session, organization_id: uuid.UUID, job_id: uuid.UUID) -> None:
    applications = session.exec(
        select(Application.id).where(
            col(Application.organization_id) == organization_id, col(Application.job_id) == job_id
        )
    ).all()
    for application_id in applications:
        outbox.enqueue(
            session,
            organization_id,
            "ats_match.score_application",
            str(organization_id),
            str(application_id),
        )


def reverify_due(session: Session) -> None:
    """Re-queue credentials whose newest verdict is indeterminate and due for another try."""
    due = session.exec(
        select(VerificationResult).where(
            col(VerificationResult.status) == "indeterminate",
            col(VerificationResult.retry_at) <= utcnow(),
        )
    ).all()
    for result in due:
        latest = latest_verification(session, result.credential_id)
        if latest is not None and latest.id == result.id:
            result.retry_at = None  # claimed: the next verdict sets its own retry time
            session.add(result)
            outbox.enqueue(
                session,
                result.organization_id,
                "ats_match.process_credential",
                str(result.organization_id),
                str(result.credential_id),
            )


# ---------------------------------------------------------------------------------------------
def _fetcher() -> Any:
    """One fetcher per worker process, so issuer profiles, keys, DID documents and status lists
    stay cached (TTL + ETag) across tasks."""
    return shared_fetcher()


@lru_cache(maxsize=1)
def shared_fetcher() -> Any:
    from ats_match.net.http import HttpFetcher

    return HttpFetcher()


def post_json(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST through the fetcher's guarded client: the same address rules as every fetch."""
    response = shared_fetcher().client.post(url, content=body, headers=headers)
    return int(response.status_code)


Row = TypeVar("Row", Job, Candidate, Application, Credential, Integration, WebhookDelivery)


def _scoped(
    session: Session, model: type[Row], organization_id: uuid.UUID, row_id: uuid.UUID
) -> Row | None:
    """The row, only if it belongs to ``organization_id``."""
    row = session.get(model, row_id)
    if row is None or row.organization_id != organization_id:
        return None
    return row


def _by_external(
    session: Session,
    model: type[Row],
    organization_id: uuid.UUID,
    integration_id: uuid.UUID,
    external_id: str,
) -> Row | None:
    columns = model.__table__.c  # type: ignore[attr-defined]
    return session.exec(
        select(model).where(
            columns.organization_id == organization_id,
            columns.integration_id == integration_id,
            columns.external_id == external_id,
        )
    ).first()
