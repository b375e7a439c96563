"""Celery tasks: thin wrappers that take ids, open a unit of work, call a pipeline function, and
relay the jobs it staged once the transaction has committed. All are idempotent and ``acks_late``,
retried with exponential backoff on transient errors."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from celery import Task

from ats_match.db import get_engine, unit_of_work
from ats_match.models import AuditLog
from ats_match.services import notify, outbox
from worker import pipeline
from worker.celery_app import celery_app, publish


class TransientError(Exception):
    """Worth retrying later: an issuer, ATS or the database was unreachable."""


class PipelineTask(Task):  # type: ignore[misc]
    autoretry_for = (TransientError, pipeline.Transient, ConnectionError, TimeoutError)
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 12
    acks_late = True


def _relay_staged(staged: list[uuid.UUID]) -> None:
    if staged:
        with contextlib.suppress(Exception):  # the periodic relay retries
            outbox.relay(get_engine(), publish, ids=staged)


def _run(stage: Any, *args: Any) -> None:
    """Run a pipeline stage in a unit of work, then publish the jobs it staged."""
    with unit_of_work() as session:
        stage(session, *args)
    _relay_staged(outbox.staged(session))


@celery_app.task(name="ats_match.record_audit", base=PipelineTask)
def record_audit(organization_id: str, action: str, entity_id: str) -> None:
    """Write one audit row (used by health checks and tests of the worker path)."""
    with unit_of_work() as session:
        session.add(
            AuditLog(
                organization_id=uuid.UUID(organization_id),
                action=action,
                entity_type="worker",
                entity_id=entity_id,
            )
        )


@celery_app.task(name="ats_match.relay_outbox")
def relay_outbox() -> int:
    """Publish jobs left in the outbox (e.g. while the broker was down)."""
    return outbox.relay(get_engine(), publish)


@celery_app.task(name="ats_match.process_delivery", base=PipelineTask)
def process_delivery(organization_id: str, delivery_id: str) -> None:
    _run(pipeline.process_delivery, uuid.UUID(organization_id), uuid.UUID(delivery_id))


@celery_app.task(name="ats_match.process_credential", base=PipelineTask)
def process_credential(organization_id: str, credential_id: str) -> None:
    _run(pipeline.process_credential, uuid.UUID(organization_id), uuid.UUID(credential_id))


@celery_app.task(name="ats_match.score_application", base=PipelineTask)
def score_application(organization_id: str, application_id: str) -> None:
    _run(pipeline.score_application, uuid.UUID(organization_id), uuid.UUID(application_id))


@celery_app.task(name="ats_match.rescore_job", base=PipelineTask)
def rescore_job(organization_id: str, job_id: str) -> None:
    _run(pipeline.rescore_job, uuid.UUID(organization_id), uuid.UUID(job_id))


@celery_app.task(name="ats_match.deliver_event", base=PipelineTask)
def deliver_event(organization_id: str, event_id: str) -> None:
    """Send one result event to its ATS; failures are rescheduled by ``deliver_due``."""
    with unit_of_work() as session:
        notify.deliver(session, uuid.UUID(organization_id), uuid.UUID(event_id), pipeline.post_json)


@celery_app.task(name="ats_match.deliver_due")
def deliver_due() -> int:
    """Retry result events whose backoff has passed."""
    with unit_of_work() as session:
        due = notify.due_events(session)
        for event in due:
            notify.deliver(session, event.organization_id, event.id, pipeline.post_json)
    return len(due)


@celery_app.task(name="ats_match.reverify_due")
def reverify_due() -> None:
    _run(pipeline.reverify_due)
