"""``POST /api/v1/applications``: a recruiter's upload of one candidate's credentials.

The upload goes through the webhook's durable path (:mod:`ats_match.services.intake`): stored
in the inbox and committed before the answer, then verified and scored by the worker. The
answer names the application id at once; ``GET /api/v1/applications/{id}`` shows it once the
worker has run.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Header, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ats_match.errors import Conflict, PayloadTooLarge
from ats_match.fairness.categories import RaceEthnicityCode, SexCode
from ats_match.models import DeliveryStatus, Role, Scope, User
from ats_match.security import require_role
from ats_match.services import intake, integration_keys
from ats_match.settings import get_settings
from web.deps import SessionDep, integration_grant, requires
from web.relay import delivery_relay

UPLOAD_PATH = "/api/v1/applications"
_FORM_OVERHEAD = 1024 * 1024
"""Room for the form fields and multipart boundaries beside the files themselves."""

router = APIRouter(prefix="/api/v1", tags=["applications"])


def upload_body_limit() -> int:
    """The request-body cap of the upload path: the files' total plus the form around them (the
    service then answers a precise 413 for the files)."""
    return get_settings().max_upload_total_bytes + _FORM_OVERHEAD


class FileOut(BaseModel):
    filename: str
    size: int
    kind: str | None = Field(description="png, svg, json, jwt or url; null when ignored")
    reason: str | None = Field(description="Why the file is ignored (e.g. a PDF)")


class UploadAck(BaseModel):
    delivery_id: uuid.UUID = Field(description="The inbox row (see the integration's log)")
    integration_id: uuid.UUID = Field(description="The organisation's 'manual' integration")
    application_id: uuid.UUID = Field(description="Readable once the worker has run")
    application_url: str
    status_url: str = Field(description="Poll it for the worker's outcome")
    status: DeliveryStatus
    duplicate: bool = Field(description="This upload (or Idempotency-Key) was already stored")
    files: list[FileOut]
    links: list[str]


_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "not a recruiter, or manual uploads are turned off"},
    404: {"description": "the job is not one of your organisation's"},
    409: {"description": "the Idempotency-Key was already used for another upload"},
    413: {"description": "a file, the files together, or their count is over the limit"},
    422: {"description": "unreadable candidate or link, or nothing to verify"},
}


@router.post(
    "/applications",
    status_code=202,
    response_model=UploadAck,
    responses=_RESPONSES,
    summary="Upload a candidate's credentials for a job",
)
def upload_application(
    request: Request,
    session: SessionDep,
    user: Annotated[User, requires(Scope.APPLICATIONS_WRITE, body_checked=True)],
    background: BackgroundTasks,
    job_id: Annotated[uuid.UUID, Form(description="A job of your organisation")],
    candidate_name: Annotated[str, Form(min_length=1, max_length=300)],
    candidate_email: Annotated[str, Form(min_length=3, max_length=320)],
    candidate_external_id: Annotated[
        str | None, Form(max_length=300, description="Your id for the candidate, if any")
    ] = None,
    files: Annotated[
        list[UploadFile] | None,
        File(description="Badge PNG/SVG, JSON credential, JWT text; PDFs are ignored"),
    ] = None,
    links: Annotated[
        list[str] | None,
        Form(description="Platform badge pages (Credly…) or hosted assertion URLs"),
    ] = None,
    eeo_sex: Annotated[
        SexCode | None,
        Form(description="The candidate's voluntary EEO answer, as they gave it (never scored)"),
    ] = None,
    eeo_race_ethnicity: Annotated[
        RaceEthnicityCode | None,
        Form(description="The candidate's voluntary EEO-1 race/ethnicity (never scored)"),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            max_length=250,
            description="Repeat it on a retry; without it the upload's digest is the key",
        ),
    ] = None,
) -> JSONResponse:
    """Store the upload like an ATS delivery (committed before the answer; a double submit is
    one application) for the worker to verify and score."""
    require_role(user.role, Role.RECRUITER)
    grant = integration_grant(request)
    if grant is not None:
        integration_keys.require_job(session, grant, job_id)
    upload = intake.Upload(
        job_id=job_id,
        candidate_name=candidate_name,
        candidate_email=candidate_email,
        candidate_external_id=candidate_external_id,
        files=[_read(f) for f in files or []],
        links=links or [],
        idempotency_key=idempotency_key,
        eeo_sex=eeo_sex,
        eeo_race_ethnicity=eeo_race_ethnicity,
    )
    receipt = intake.submit(session, user.organization_id, upload)
    if receipt.status == DeliveryStatus.CONFLICT:
        error = Conflict(receipt.reason or "this Idempotency-Key was used for another upload")
        content = {
            "error": error.code,
            "detail": error.message,
            "delivery_id": str(receipt.delivery_id),
        }
        return JSONResponse(content, status_code=error.status_code)
    if receipt.waiting:
        background.add_task(lambda: delivery_relay().wake())  # after the commit
    url = f"{UPLOAD_PATH}/{receipt.application_id}"
    ack = UploadAck(
        delivery_id=receipt.delivery_id,
        integration_id=receipt.integration_id,
        application_id=receipt.application_id,
        application_url=url,
        status_url=f"/api/v1/uploads/{receipt.delivery_id}",
        status=receipt.status,
        duplicate=receipt.duplicate,
        files=[FileOut(**o.__dict__) for o in receipt.files],
        links=receipt.links,
    )
    return JSONResponse(ack.model_dump(mode="json"), status_code=202, headers={"Location": url})


def _read(upload: UploadFile) -> intake.UploadFile:
    """The file's bytes, never more than the per-file limit plus one (to say it is over)."""
    limit = get_settings().max_upload_file_bytes
    data = upload.file.read(limit + 1)
    name = upload.filename or "upload"
    if len(data) > limit:
        raise PayloadTooLarge(f"file '{name}' is over the {limit}-byte limit")
    return intake.UploadFile(filename=name, data=data, content_type=upload.content_type)


class UploadStatusOut(BaseModel):
    delivery_id: uuid.UUID
    application_id: uuid.UUID | None
    status: DeliveryStatus = Field(
        description="received (waiting for the worker), processed, failed (reason in error)"
    )
    error: str | None
    received_at: datetime
    handled_at: datetime | None


@router.get("/uploads/{delivery_id}", response_model=UploadStatusOut)
def get_upload(
    delivery_id: uuid.UUID, session: SessionDep, user: Annotated[User, requires(Scope.RESULTS_READ)]
) -> UploadStatusOut:
    """Where an upload is: the worker's outcome, for the recruiter (the delivery log is for
    admins)."""
    found = intake.upload_status(session, user.organization_id, delivery_id)
    return UploadStatusOut(**found.__dict__)
