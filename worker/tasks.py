"""Celery tasks: thin wrappers that take ids, open a unit of work, call a pipeline function, and
relay the jobs it staged once the transaction has committed.

Every job runs at most once to completion: its task id is its outbox row id, and the run that
commits stamps the row (``outbox.claim_completion``) in the same transaction as its work, so a
duplicate publish or a redelivery after a crash finds the stamp and does nothing. Tasks are
``acks_late`` and retried with exponential backoff on transient errors, including a database
that is restarting or a lock conflict.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from datetime import timedelta
from typing import Any

from celery import Task
from sqlalchemy.exc import DBAPIError, OperationalError

from ats_match.db import get_engine, unit_of_work
from ats_match.errors import AtsMatchError
from ats_match.models import AuditLog
from ats_match.services import inbox, notify, outbox
from ats_match.settings import get_settings
from worker import batch, pipeline
from worker.celery_app import celery_app, publish

_log = logging.getLogger(__name__)


class TransientError(Exception):
    """Worth retrying later: an issuer, ATS or the database was unreachable."""


class _Duplicate(Exception):
    """Another run of the same job committed first: this run's work is rolled back."""


class PipelineTask(Task):  # type: ignore[misc]
    autoretry_for = (
        TransientError,
        pipeline.Transient,
        ConnectionError,
        TimeoutError,
        OperationalError,
        DBAPIError,
    )
    retry_backoff = 2
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 12
    acks_late = True


def _relay_staged(staged: list[uuid.UUID]) -> None:
    if staged:
        with contextlib.suppress(Exception):  # the periodic relay retries
            outbox.relay(get_engine(), publish, ids=staged)


def _run(task: Task, stage: Any, *args: Any) -> None:
    """Run a pipeline stage in a unit of work unless this job already ran, then publish the jobs
    it staged."""
    _run_job(task.request.id, stage, *args)


def _run_job(job_id: str | None, stage: Any, *args: Any) -> None:
    try:
        with unit_of_work() as session:
            if outbox.already_completed(session, job_id):
                return
            stage(session, *args)
            if not outbox.claim_completion(session, job_id):
                raise _Duplicate(job_id)
    except _Duplicate:
        return
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


STAMPED_TASKS = frozenset(
    {
        "ats_match.process_delivery",
        "ats_match.process_credential",
        "ats_match.settle_application",
        "ats_match.score_application",
        "ats_match.score_batch",
        "ats_match.rescore_job",
    }
)
"""Tasks that run through ``_run`` and so stamp their outbox row when they complete."""


@celery_app.task(name="ats_match.relay_outbox")
def relay_outbox() -> int:
    """Publish jobs left in the outbox (e.g. while the broker was down), again those the broker
    lost (published, never completed, well past the visibility timeout), and deliveries left in
    the inbox (the server process that stored them died before its relay ran, or the broker
    lost the job that carried them)."""
    timeout = timedelta(seconds=get_settings().broker_visibility_timeout)
    after = max(timeout * 2, timedelta(minutes=30))
    lost = outbox.LostJobs(after=after, task_names=STAMPED_TASKS)
    inbox.requeue_lost(get_engine(), after)
    return outbox.relay(get_engine(), publish, lost=lost) + inbox.relay_deliveries(
        get_engine(), publish
    )


@celery_app.task(name="ats_match.process_delivery", base=PipelineTask, bind=True)
def process_delivery(self: Task, organization_id: str, delivery_id: str) -> None:
    """Ingest one delivery; a domain error (unmappable, vendor refused, not ready) is stored as
    the delivery's reason instead of vanishing with a failed task."""
    _ingest(self.request.id, organization_id, delivery_id)


def _ingest(job_id: str | None, organization_id: str, delivery_id: str) -> None:
    try:
        _run_job(
            job_id, pipeline.process_delivery, uuid.UUID(organization_id), uuid.UUID(delivery_id)
        )
    except AtsMatchError as exc:
        inbox.record_failure(get_engine(), uuid.UUID(delivery_id), f"{exc.code}: {exc.message}")


@celery_app.task(name=inbox.PROCESS_TASK, base=PipelineTask)
def process_deliveries(organization_id: str, delivery_ids: list[str]) -> None:
    """The relay's batch: each delivery in its own transaction; one that fails transiently is
    handed to its own ``process_delivery`` job, retried with backoff, the rest go on. The
    organisation's settings are read once for the batch (``worker.batch``)."""
    with batch.batch():
        for delivery_id in delivery_ids:
            try:
                _ingest(None, organization_id, delivery_id)
            except Exception as exc:
                _log.warning("delivery %s handed to its own job: %r", delivery_id, exc)
                process_delivery.apply_async(args=[organization_id, delivery_id], countdown=2)


@celery_app.task(name="ats_match.process_credential", base=PipelineTask, bind=True)
def process_credential(self: Task, organization_id: str, credential_id: str) -> None:
    _run(self, pipeline.process_credential, uuid.UUID(organization_id), uuid.UUID(credential_id))


@celery_app.task(name="ats_match.settle_application", base=PipelineTask, bind=True)
def settle_application(self: Task, organization_id: str, application_id: str) -> None:
    _run(self, pipeline.settle_application, uuid.UUID(organization_id), uuid.UUID(application_id))


@celery_app.task(name="ats_match.score_application", base=PipelineTask, bind=True)
def score_application(self: Task, organization_id: str, application_id: str) -> None:
    _run(self, pipeline.score_application, uuid.UUID(organization_id), uuid.UUID(application_id))


@celery_app.task(name="ats_match.score_batch", base=PipelineTask, bind=True)
def score_batch(self: Task, organization_id: str, application_ids: list[str]) -> None:
    _run(self, pipeline.score_batch, uuid.UUID(organization_id), application_ids)


@celery_app.task(name="ats_match.rescore_job", base=PipelineTask, bind=True)
def rescore_job(self: Task, organization_id: str, job_id: str) -> None:
    _run(self, pipeline.rescore_job, uuid.UUID(organization_id), uuid.UUID(job_id))


@celery_app.task(name="ats_match.deliver_event", base=PipelineTask)
def deliver_event(organization_id: str, event_id: str) -> None:
    """Send one result event to its ATS; failures are rescheduled by ``deliver_due``."""
    with unit_of_work() as session:
        notify.deliver(
            session,
            uuid.UUID(organization_id),
            uuid.UUID(event_id),
            pipeline.post_json,
            pipeline.shared_fetcher(),
        )


@celery_app.task(name="ats_match.deliver_due")
def deliver_due() -> int:
    """Retry result events whose backoff has passed."""
    with unit_of_work() as session:
        due = notify.due_events(session)
        for event in due:
            notify.deliver(
                session,
                event.organization_id,
                event.id,
                pipeline.post_json,
                pipeline.shared_fetcher(),
            )
    return len(due)


@celery_app.task(name="ats_match.reverify_due", base=PipelineTask, bind=True)
def reverify_due(self: Task) -> None:
    _run(self, pipeline.reverify_due)


@celery_app.task(name="ats_match.write_back_decision", base=PipelineTask, bind=True)
def write_back_decision(self: Task, organization_id: str, decision_id: str) -> None:
    """Write a recruiter's decision to the ATS (retried with backoff while the vendor is down)."""
    from ats_match.services.decisions import send_write_back
    from connectors.intake import attachment_fetcher

    _run(
        self,
        send_write_back,
        uuid.UUID(organization_id),
        uuid.UUID(decision_id),
        attachment_fetcher(),
    )


@celery_app.task(name="ats_match.enforce_retention", base=PipelineTask)
def enforce_retention() -> int:
    """Erase candidates inactive longer than their organisation's retention period. Each batch
    commits on its own; a second run (or a retry after a crash) finds only what is left."""
    from sqlmodel import col, select

    from ats_match.models import Organization
    from ats_match.models.base import utcnow
    from ats_match.services.privacy import RETENTION_BATCH
    from ats_match.services.privacy import enforce_retention as erase_batch

    now, erased = utcnow(), 0
    with unit_of_work() as session:
        org_ids = session.exec(
            select(Organization.id).where(col(Organization.retention_days).is_not(None))
        ).all()
    for org_id in org_ids:
        while True:
            with unit_of_work() as session:
                organization = session.get(Organization, org_id)
                done = erase_batch(session, organization, now) if organization else 0
            erased += done
            if done < RETENTION_BATCH:
                break
    return erased
