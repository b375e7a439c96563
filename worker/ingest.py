"""Ingest: one inbox delivery -> candidate, application and credential rows.

Credentials are stored in one flush per delivery; identical bytes are stored once per
application. The caller (``worker.pipeline``) verifies what was stored in the same transaction.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from ats_match.errors import NotFound
from ats_match.formats.model import CredentialForm, ExtractionErrorCode, ExtractionResult
from ats_match.models import (
    Application,
    Candidate,
    Credential,
    DeliveryStatus,
    Integration,
    Job,
    WebhookDelivery,
)
from ats_match.models.base import utcnow
from ats_match.models.credentials import LINK_FORMAT
from ats_match.services.erasure import forget_delivery, is_erased
from ats_match.services.inbox import mark_handled
from connectors import ApplicationPayload, Attachment
from connectors.intake import application_from_delivery, attachment_fetcher
from worker import batch


@dataclass(frozen=True)
class Stored:
    """A credential row just stored, with the parsed form it came from (links have none)."""

    row: Credential
    form: CredentialForm | None


@dataclass(frozen=True)
class Ingested:
    """What a delivery stored. Holding the rows keeps them in the session's identity map (it
    references clean rows weakly), so the stages after ingest read them without a SELECT."""

    application: Application
    candidate: Candidate
    integration: Integration
    stored: list[Stored]
    created: bool
    """Whether the application is new (created in this transaction)."""
    new_candidate: bool
    """Whether the candidate is new (so nothing refers to it yet, e.g. no proven DIDs)."""


def ingest_delivery(
    session: Session, organization_id: uuid.UUID, delivery_id: uuid.UUID
) -> Ingested | None:
    """Store what a delivery says; ``None`` if the delivery was handled already (or is not
    ours).

    The delivery row is locked first (PostgreSQL), so a second run of the same delivery waits
    for the first and then finds it handled."""
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.organization_id != organization_id:
        return None
    if delivery.handled_at is not None:
        return None
    integration = _integration(session, organization_id, delivery.integration_id)
    payload = application_from_delivery(integration, delivery, attachment_fetcher())  # vendor hook
    if payload is None:
        mark_handled(delivery, status=DeliveryStatus.IGNORED)
        session.add(delivery)
        return None
    if is_erased(session, integration, payload.application_external_id):
        mark_handled(delivery)
        forget_delivery(delivery)  # decided in docs/fairness.md: dropped, never resurrected
        session.add(delivery)
        return None
    application, candidate, created, new_candidate = _upsert_application(
        session, integration, payload
    )
    # stamped only now, so the credentials' flush writes the delivery in one UPDATE
    mark_handled(delivery)
    delivery.application_id = application.id
    session.add(delivery)
    stored = store_attachments(
        session, application, payload.attachments, payload.answers, new=created
    )
    return Ingested(application, candidate, integration, stored, created, new_candidate)


def _integration(
    session: Session, organization_id: uuid.UUID, integration_id: uuid.UUID
) -> Integration:
    """The delivery's integration, read once per batch: the row the first delivery loaded is
    attached again to each later delivery's session (no SELECT; one a rollback expired is
    reloaded on first use)."""
    integration = batch.memo(
        ("integration", organization_id, integration_id),
        lambda: scoped(session, Integration, organization_id, integration_id),
    )
    assert integration is not None
    if integration not in session:
        session.add(integration)
    return integration


def _upsert_application(
    session: Session, integration: Integration, payload: ApplicationPayload
) -> tuple[Application, Candidate, bool, bool]:
    org_id = integration.organization_id
    job_id = _job_id(session, integration, payload)
    if job_id is None:
        job = Job(
            organization_id=org_id,
            integration_id=integration.id,
            external_id=payload.job_external_id,
            title=payload.job_title or "Untitled",
        )
        session.add(job)
        job_id = job.id
    candidate = by_external(
        session, Candidate, org_id, integration.id, payload.candidate_external_id
    )
    new_candidate = candidate is None
    if candidate is None:
        candidate = Candidate(
            organization_id=org_id,
            integration_id=integration.id,
            external_id=payload.candidate_external_id,
            **_factory_defaults(emails=[], dids=[]),
        )
    candidate.name = payload.candidate_name or candidate.name
    candidate.emails = sorted(set(candidate.emails) | set(payload.candidate_emails))
    candidate.dids = sorted(set(candidate.dids) | set(payload.candidate_dids))
    session.add(candidate)
    session.flush()  # rows without ORM relationships are inserted in this order, not by FK
    application = by_external(
        session, Application, org_id, integration.id, payload.application_external_id
    )
    created = application is None
    if application is None:
        application = Application(
            id=payload.application_id or uuid.uuid4(),
            organization_id=org_id,
            integration_id=integration.id,
            external_id=payload.application_external_id,
            candidate_id=candidate.id,
            job_id=job_id,
            created_at=utcnow(),
            answers={},  # factory defaults passed explicitly (see _factory_defaults)
        )
    application.applied_at = payload.applied_at or application.applied_at
    application.answers = dict(payload.answers)
    if payload.eeo_sex or payload.eeo_race_ethnicity:  # a later delivery without them keeps them
        application.eeo_sex = payload.eeo_sex
        application.eeo_race_ethnicity = payload.eeo_race_ethnicity
    session.add(application)
    session.flush()
    return application, candidate, created, new_candidate


def _job_id(
    session: Session, integration: Integration, payload: ApplicationPayload
) -> uuid.UUID | None:
    """The vendor's job by its external id (``None``: created on first sight), or for manual
    intake our own job by id, which must still exist in the organisation. A vendor job found
    is remembered for the rest of the batch (jobs are not deleted while applications arrive;
    one created in this transaction is not, as a rollback would undo it)."""
    org_id = integration.organization_id
    if payload.job_id is None:
        external = payload.job_external_id

        def read() -> uuid.UUID | None:
            job = by_external(session, Job, org_id, integration.id, external)
            return None if job is None else job.id

        key = ("job", org_id, integration.id, external)
        found = batch.memo(key, read)
        if found is None:
            batch.forget(key)
        return found
    job = scoped(session, Job, org_id, payload.job_id)
    if job is None:
        raise NotFound(f"job {payload.job_id} no longer exists in this organisation")
    return job.id


def store_attachments(
    session: Session,
    application: Application,
    attachments: tuple[Attachment, ...],
    answers: Any,
    *,
    new: bool = False,
) -> list[Stored]:
    """Store every credential found in the attachments and answers; links are stored as
    pending rows and resolved by ``process_credential`` (so an unreachable host is retried).
    ``new``: the application was created in this transaction (nothing to deduplicate against).
    """
    from ats_match.formats import extract_bytes, extract_text_from_document, find_credential_urls
    from ats_match.formats.errors import FormatError

    store = _Store(session, application, set() if new else None)
    urls: list[str] = list(find_credential_urls(_answer_text(answers)))
    for attachment in attachments:
        if attachment.url:
            urls.append(attachment.url)
        if attachment.data is None:
            continue
        result = extract_bytes(
            attachment.data, source=attachment.filename, content_type=attachment.content_type
        )
        if not result.credentials and result.links and _only_unfetched(result):
            # A badge baked with only its hosted assertion's URL (an SVG ``verify`` attribute):
            # the URL is the credential, resolved and verified like a link.
            urls.extend(result.links)
            continue
        if not result.credentials and _is_document(attachment):
            try:
                text = extract_text_from_document(attachment.data, attachment.filename)
            except FormatError:  # an unreadable resume is recorded, not a failed delivery
                store.extraction(result, attachment.data, attachment.filename)
                continue
            urls.extend(find_credential_urls(text))
            continue
        store.extraction(result, attachment.data, attachment.filename)
    for url in dict.fromkeys(urls):
        store.insert(None, raw=url.encode(), source=url, format=LINK_FORMAT)
    session.flush()
    return store.stored


def _only_unfetched(result: ExtractionResult) -> bool:
    return all(e.code == ExtractionErrorCode.NOT_FETCHED for e in result.errors)


def store_extraction(
    session: Session,
    application: Application,
    result: ExtractionResult,
    raw: bytes,
    source: str | None,
) -> list[Credential]:
    """Store the credentials of one extraction (CLR children linked to their bundle), or the
    typed reason it produced none. Identical bytes are stored once per application."""
    store = _Store(session, application, None)
    store.extraction(result, raw, source)
    session.flush()
    return [s.row for s in store.stored]


def store_extraction_forms(
    session: Session,
    application: Application,
    result: ExtractionResult,
    raw: bytes,
    source: str | None,
) -> list[Stored]:
    """``store_extraction``, keeping each row's parsed form for the verification that follows."""
    store = _Store(session, application, None)
    store.extraction(result, raw, source)
    session.flush()
    return store.stored


class _Store:
    """Inserts one application's credentials, deduplicated by digest with one query."""

    def __init__(self, session: Session, application: Application, digests: set[str] | None):
        self.session, self.application = session, application
        self._digests = digests
        self.stored: list[Stored] = []

    def digests(self) -> set[str]:
        if self._digests is None:
            self._digests = set(
                self.session.exec(
                    select(Credential.digest).where(
                        col(Credential.application_id) == self.application.id
                    )
                ).all()
            )
        return self._digests

    def extraction(self, result: ExtractionResult, raw: bytes, source: str | None) -> None:
        bundles: dict[str, Credential] = {}
        for form in result.credentials:
            parent = bundles.get(form.bundle_digest or "")
            row = self.insert(
                form,
                raw=form.raw,
                source=form.source,
                format=form.format,
                form=form.model_dump(mode="json", exclude={"raw"}),
                achievement_id=form.achievement.id,
                issuer_id=form.issuer.id,
                issued_on=_issued_on(form),
                bundle_id=parent.id if parent else None,
            )
            if row is not None and form.spec.value == "clr2" and not form.bundle_digest:
                bundles[form.digest] = row
        if not result.credentials and result.errors:
            error = result.errors[0]
            self.insert(
                None,
                raw=raw,
                source=source,
                format="unknown",
                error_code=error.code.value,
                error_detail=error.detail,
            )

    def insert(
        self, parsed: CredentialForm | None, *, raw: bytes, **fields: Any
    ) -> Credential | None:
        digest = hashlib.sha256(raw).hexdigest()
        seen = self.digests()
        if digest in seen:
            return None
        seen.add(digest)
        row = Credential(
            organization_id=self.application.organization_id,
            application_id=self.application.id,
            digest=digest,
            raw=raw,
            **{**_factory_defaults(form={}), **fields},
        )
        self.session.add(row)
        self.stored.append(Stored(row, parsed))
        return row


def _factory_defaults(**values: Any) -> dict[str, Any]:
    """Values for the columns a row model fills with a default factory (``id``, ``created_at``
    and ``values``' JSON columns), passed explicitly on the hot path: pydantic inspects a
    factory's signature each time it calls one (~0.1 ms a field)."""
    return {"id": uuid.uuid4(), "created_at": utcnow(), **values}


def _issued_on(form: CredentialForm) -> date | None:
    moment = form.issued_at or form.valid_from
    return moment.date() if moment is not None else None


def _is_document(attachment: Attachment) -> bool:
    name = (attachment.filename or "").lower()
    kind = attachment.content_type or ""
    return name.endswith((".pdf", ".docx")) or "pdf" in kind or "wordprocessing" in kind


def _answer_text(answers: Any) -> str:
    return json.dumps(answers, ensure_ascii=False) if answers else ""


Row = TypeVar("Row", Job, Candidate, Application, Credential, Integration, WebhookDelivery)


def scoped(
    session: Session, model: type[Row], organization_id: uuid.UUID, row_id: uuid.UUID
) -> Row | None:
    """The row, only if it belongs to ``organization_id``."""
    row = session.get(model, row_id)
    if row is None or row.organization_id != organization_id:
        return None
    return row


def by_external(
    session: Session,
    model: type[Row],
    organization_id: uuid.UUID,
    integration_id: uuid.UUID,
    external_id: str,
) -> Row | None:
    params = {"organization_id": organization_id, "integration_id": integration_id}
    return session.exec(_by_external(model), params={**params, "external_id": external_id}).first()


_BY_EXTERNAL: dict[type[Any], Any] = {}


def _by_external(model: type[Row]) -> SelectOfScalar[Row]:
    """The row of ``model`` by (organisation, integration, external id), built once per model
    with bound parameters: a statement reused keeps its cache key and compiled form."""
    statement = _BY_EXTERNAL.get(model)
    if statement is None:
        columns = model.__table__.c  # type: ignore[attr-defined]
        statement = select(model).where(
            columns.organization_id == sa.bindparam("organization_id"),
            columns.integration_id == sa.bindparam("integration_id"),
            columns.external_id == sa.bindparam("external_id"),
        )
        _BY_EXTERNAL[model] = statement
    found: SelectOfScalar[Row] = statement
    return found
