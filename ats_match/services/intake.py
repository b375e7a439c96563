"""Manual and bulk intake: a recruiter's upload becomes an inbox delivery, like a webhook.

:func:`submit` checks the upload (limits, a job of the caller's organisation, each file sniffed
with the formats code), writes it into the inbox under the organisation's ``manual``
integration in the generic envelope, and returns what was stored. From there the relay and the
worker treat it exactly as an ATS delivery, so the upload is verified and scored by the normal
pipeline, and nothing is stored twice: the inbox key is the caller's ``Idempotency-Key`` or the
digest of the upload, and the application id is derived from the job and the candidate, so it
is known (and stable) before the worker runs. Services never commit.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from ats_match import webhook_signing
from ats_match.errors import Forbidden, InvalidInput, NotFound, PayloadTooLarge
from ats_match.formats import jose, png, svg
from ats_match.formats.documents import is_pdf, is_zip
from ats_match.models import DeliveryStatus, Integration, Job, Vendor, WebhookDelivery
from ats_match.services import inbox
from ats_match.settings import get_settings

UPLOAD_EVENT = "application.upload"
_NAMESPACE = uuid.UUID("6f1d3c52-93a4-4c0e-9a57-7b1e2f0c8d41")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PDF_REASON = (
    "a PDF is not read as a credential here: upload the badge itself (PNG, SVG, JSON or JWT) "
    "or give its link"
)


@dataclass(frozen=True)
class UploadFile:
    """One file as the recruiter sent it."""

    filename: str
    data: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class Upload:
    """One candidate's application to one job, with their credential files and links."""

    job_id: uuid.UUID
    candidate_name: str
    candidate_email: str
    candidate_external_id: str | None = None
    files: Sequence[UploadFile] = ()
    links: Sequence[str] = ()
    idempotency_key: str | None = None
    source: str = "upload"
    """``upload`` (the API) or ``import`` (the CLI): recorded in the delivery's headers."""
    eeo_sex: str | None = None
    eeo_race_ethnicity: str | None = None
    """The candidate's voluntary EEO self-identification (``ats_match.fairness.categories``
    codes), for the adverse-impact report only; never a scoring input."""


@dataclass(frozen=True)
class FileOutcome:
    filename: str
    size: int
    kind: str | None
    """``png``, ``svg``, ``json``, ``jwt`` or ``url`` (a text file holding one credential link);
    ``None`` when ignored (``reason`` says why)."""
    reason: str | None = None


@dataclass(frozen=True)
class Receipt:
    """What :func:`submit` stored: the delivery, the application it becomes, each file's fate."""

    delivery_id: uuid.UUID
    integration_id: uuid.UUID
    application_id: uuid.UUID
    status: DeliveryStatus
    duplicate: bool
    files: list[FileOutcome] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    reason: str | None = None
    conflict_of: uuid.UUID | None = None

    @property
    def waiting(self) -> bool:
        """A new delivery the relay should publish."""
        return self.status == DeliveryStatus.RECEIVED and not self.duplicate


def submit(session: Session, organization_id: uuid.UUID, upload: Upload) -> Receipt:
    """Check ``upload`` and store it in the inbox (the caller commits, then wakes the relay).

    Raises 404 for a job outside the organisation, 413 past a size or count limit, 422 for an
    unreadable candidate, link, or an upload with nothing to verify."""
    _require_job(session, organization_id, upload.job_id)
    candidate_key = _candidate_key(upload)
    upload = replace(
        upload, files=[replace(f, filename=_safe_name(f.filename)) for f in upload.files]
    )
    outcomes = _sniff_all(upload.files)
    links = _links(upload.links)
    accepted = [(f, o) for f, o in zip(upload.files, outcomes, strict=True) if o.kind]
    if not accepted and not links:
        ignored = "; ".join(f"{o.filename}: {o.reason}" for o in outcomes) or "no files or links"
        raise InvalidInput(f"nothing to verify: {ignored}")
    integration_id = ensure_manual_integration(session, organization_id)
    external_id = f"job:{upload.job_id}:{candidate_key}"
    application_id = uuid.uuid5(_NAMESPACE, f"{organization_id}:{integration_id}:{external_id}")
    body = _envelope(upload, candidate_key, external_id, application_id, accepted, outcomes, links)
    session.flush()
    stored = inbox.store(
        session.connection(),
        inbox.Incoming(
            organization_id=organization_id,
            integration_id=integration_id,
            external_id=_inbox_key(upload, body),
            event_type=UPLOAD_EVENT,
            headers=_headers(upload, application_id),
            body=body,
            status=DeliveryStatus.RECEIVED,
        ),
    )
    return Receipt(
        delivery_id=stored.delivery_id,
        integration_id=integration_id,
        application_id=application_id,
        status=stored.status,
        duplicate=stored.duplicate,
        files=outcomes,
        links=links,
        reason=stored.reason,
        conflict_of=stored.conflict_of,
    )


@dataclass(frozen=True)
class UploadStatus:
    """Where an upload is: waiting, processed (the application is readable) or failed."""

    delivery_id: uuid.UUID
    application_id: uuid.UUID | None
    status: DeliveryStatus
    error: str | None
    received_at: datetime
    handled_at: datetime | None


def upload_status(
    session: Session, organization_id: uuid.UUID, delivery_id: uuid.UUID
) -> UploadStatus:
    """The outcome of one upload of the organisation (404 for anything else): what a recruiter
    polls, since the delivery log itself is for admins."""
    delivery = session.get(WebhookDelivery, delivery_id)
    if (
        delivery is None
        or delivery.organization_id != organization_id
        or delivery.integration_id != manual_integration_id(organization_id)
    ):
        raise NotFound(f"no upload {delivery_id}")
    announced = (delivery.headers or {}).get("x-application-id")
    return UploadStatus(
        delivery_id=delivery.id,
        application_id=uuid.UUID(announced) if announced else None,
        status=DeliveryStatus(delivery.status),
        error=delivery.error,
        received_at=delivery.received_at,
        handled_at=delivery.handled_at,
    )


def manual_integration_id(organization_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"manual-integration:{organization_id}")


def ensure_manual_integration(session: Session, organization_id: uuid.UUID) -> uuid.UUID:
    """The id of the organisation's ``manual`` integration, created on first use; 403 when an
    admin disabled it (uploads are then refused, as webhooks to a disabled integration are).
    The id is derived from the organisation, so two first uploads at once still share one (the
    loser's insert fails on the primary key and it finds the winner's). Only two columns are
    read: loading the row would decrypt its secrets on every upload."""
    integration_id = manual_integration_id(organization_id)
    active = _integration_active(session, integration_id)
    if active is not None:
        return _usable(integration_id, active)
    integration = Integration(
        id=integration_id,
        organization_id=organization_id,
        vendor=Vendor.MANUAL,
        name="Manual uploads",
        webhook_secret=webhook_signing.generate_secret(),  # never used: no webhook is accepted
    )
    try:
        with session.begin_nested():
            session.add(integration)
    except IntegrityError:
        active = _integration_active(session, integration_id)
        if active is None:
            raise
        return _usable(integration_id, active)
    return integration_id


def _integration_active(session: Session, integration_id: uuid.UUID) -> bool | None:
    """Whether the integration is active; ``None`` when there is none."""
    found = session.exec(select(Integration.active).where(col(Integration.id) == integration_id))
    return found.first()


def _usable(integration_id: uuid.UUID, active: bool) -> uuid.UUID:
    if not active:
        raise Forbidden(
            f"manual uploads are disabled for this organisation (integration {integration_id}); "
            'an admin turns them on again with PATCH /api/v1/integrations/{id} {"active": true}'
        )
    return integration_id


def sniff(data: bytes) -> tuple[str | None, str | None]:
    """(kind, None) for a credential file we read, else (None, the reason it is ignored)."""
    if not data.strip():
        return None, "empty file"
    if png.is_png(data):
        return "png", None
    if is_pdf(data):
        return None, _PDF_REASON
    if is_zip(data):
        return None, "a DOCX or ZIP document is not read as a credential here"
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        return None, "binary data of no credential format (PNG, SVG, JSON or JWT)"
    if text.startswith("<") and svg.is_svg(data):
        return "svg", None
    if text.startswith(("{", "[")):
        return "json", None
    if jose.looks_compact(text):
        return "jwt", None
    if text.startswith(("https://", "http://")) and not any(c.isspace() for c in text):
        return "url", None  # a file holding one hosted credential's address: resolved as a link
    return None, "not a badge image, JSON credential or JWT (give links in the links field)"


def _sniff_all(files: Sequence[UploadFile]) -> list[FileOutcome]:
    settings = get_settings()
    if len(files) > settings.max_upload_files:
        raise PayloadTooLarge(f"{len(files)} files (limit {settings.max_upload_files})")
    total = sum(len(f.data) for f in files)
    if total > settings.max_upload_total_bytes:
        raise PayloadTooLarge(
            f"the files total {total} bytes (limit {settings.max_upload_total_bytes})"
        )
    outcomes = []
    for file in files:
        if len(file.data) > settings.max_upload_file_bytes:
            raise PayloadTooLarge(
                f"file '{file.filename}' is {len(file.data)} bytes "
                f"(limit {settings.max_upload_file_bytes})"
            )
        kind, reason = sniff(file.data)
        outcomes.append(FileOutcome(file.filename, len(file.data), kind, reason))
    return outcomes


def _require_job(session: Session, organization_id: uuid.UUID, job_id: uuid.UUID) -> None:
    """404 unless the job is the organisation's (its id only: nothing else is needed here)."""
    found = session.exec(
        select(Job.id).where(col(Job.id) == job_id, col(Job.organization_id) == organization_id)
    ).first()
    if found is None:
        raise NotFound(f"Job {job_id} not found")


def _safe_name(filename: str) -> str:
    """The file's own name (no directories), bounded for the credential's ``source``."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:255] or "upload"


def _links(links: Sequence[str]) -> list[str]:
    limit = get_settings().max_upload_links
    if len(links) > limit:
        raise PayloadTooLarge(f"{len(links)} links (limit {limit})")
    cleaned = [link.strip() for link in links if link.strip()]
    for link in cleaned:
        if not link.startswith(("https://", "http://")) or len(link) > 2000 or " " in link:
            raise InvalidInput(f"'{link[:100]}' is not an http(s) link of at most 2000 characters")
    return list(dict.fromkeys(cleaned))


def _candidate_key(upload: Upload) -> str:
    email = upload.candidate_email.strip().lower()
    if not _EMAIL.match(email):
        raise InvalidInput(f"'{upload.candidate_email[:100]}' is not an e-mail address")
    if not upload.candidate_name.strip():
        raise InvalidInput("the candidate's name is required")
    external = (upload.candidate_external_id or "").strip()
    return f"ext:{external[:200]}" if external else f"email:{email[:200]}"


def _eeoc(upload: Upload) -> dict[str, Any]:
    """The generic envelope's ``eeoc`` object, only when something was self-reported (so an
    upload without answers keeps the bytes, and the digest, it always had)."""
    if upload.eeo_sex is None and upload.eeo_race_ethnicity is None:
        return {}
    return {"eeoc": {"sex": upload.eeo_sex, "race_ethnicity": upload.eeo_race_ethnicity}}


def _envelope(
    upload: Upload,
    candidate_key: str,
    external_id: str,
    application_id: uuid.UUID,
    accepted: list[tuple[UploadFile, FileOutcome]],
    outcomes: list[FileOutcome],
    links: list[str],
) -> bytes:
    """The generic connector's envelope, canonical (sorted keys, no time): the same upload is
    the same bytes, so its digest recognises a double submit."""
    attachments: list[dict[str, Any]] = [
        {
            "filename": file.filename,
            "content_type": file.content_type,
            "content_base64": base64.b64encode(file.data).decode(),
        }
        for file, _ in accepted
    ]
    attachments += [{"url": link} for link in links]
    ignored = [{"filename": o.filename, "reason": o.reason} for o in outcomes if not o.kind]
    document = {
        "type": UPLOAD_EVENT,
        "data": {
            "application": {
                "id": external_id,
                "uuid": str(application_id),
                "attachments": attachments,
                "answers": {"ignored_files": ignored} if ignored else {},
                **_eeoc(upload),
            },
            "candidate": {
                "id": candidate_key,
                "name": upload.candidate_name.strip()[:300],
                "email": upload.candidate_email.strip().lower(),
            },
            "job": {"id": str(upload.job_id)},
        },
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def _inbox_key(upload: Upload, body: bytes) -> str:
    if upload.idempotency_key:
        return f"idempotency-key:{upload.idempotency_key.strip()[:250]}"
    return f"sha256:{hashlib.sha256(body).hexdigest()}"


def _headers(upload: Upload, application_id: uuid.UUID) -> dict[str, Any]:
    headers = {
        "x-intake-source": upload.source,
        "x-application-id": str(application_id),
        "x-job-id": str(upload.job_id),
    }
    if upload.idempotency_key:
        headers["idempotency-key"] = upload.idempotency_key.strip()[:250]
    return headers
