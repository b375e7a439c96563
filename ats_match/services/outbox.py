"""The task outbox: background jobs are rows written in the caller's transaction.

They are published to the broker only after that transaction commits (``relay``), so a job never
runs against data that was rolled back, and a broker outage leaves the rows waiting instead of
losing them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select, update

from ats_match.models import TaskOutbox
from ats_match.models.base import utcnow

_STAGED = "ats_match.staged_jobs"

Publisher = Callable[[str, list[Any], str], None]
"""Sends one job to the broker: (task name, args, outbox row id as the task id)."""


@dataclass(frozen=True)
class LostJobs:
    """Which published jobs count as lost: never completed ``after`` their publication, of
    tasks that stamp completion (others cannot tell done from lost)."""

    after: timedelta
    task_names: frozenset[str]
    max_attempts: int = 5


def enqueue(session: Session, organization_id: uuid.UUID, task_name: str, *args: Any) -> TaskOutbox:
    """Stage a job in the current transaction; ``staged(session)`` lists what was staged."""
    row = TaskOutbox(organization_id=organization_id, task_name=task_name, args=list(args))
    session.add(row)
    session.info.setdefault(_STAGED, []).append(row.id)
    return row


def staged(session: Session) -> list[uuid.UUID]:
    """Ids of the jobs staged in this session, to relay once its transaction has committed."""
    return list(session.info.get(_STAGED, []))


def clear_staged(session: Session) -> None:
    session.info.pop(_STAGED, None)


def relay(
    engine: Engine,
    publish: Publisher,
    *,
    ids: Sequence[uuid.UUID] | None = None,
    limit: int = 500,
    lost: LostJobs | None = None,
) -> int:
    """Publish pending jobs (optionally only ``ids``) and stamp them; returns how many went out.

    One batch per call: the rows are claimed with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL), so
    concurrent relays (the periodic one and the one after each request or task) never publish
    the same job twice, and the batch is stamped in one statement and one commit. A job whose
    publish raises stays pending with the error noted and is retried by the next relay.
    Publishing uses the outbox row id as the Celery task id, and tasks skip a job already
    completed (``claim_completion``), so a crash between publish and stamp runs it at most once.

    With ``lost``, jobs published long ago and never completed (the broker lost them) are
    published again, a bounded number of times.
    """
    with Session(engine, expire_on_commit=False) as session:
        pending: Any = col(TaskOutbox.dispatched_at).is_(None)
        if lost is not None:
            pending = pending | (
                col(TaskOutbox.completed_at).is_(None)
                & (col(TaskOutbox.dispatched_at) < utcnow() - lost.after)
                & col(TaskOutbox.task_name).in_(sorted(lost.task_names))
                & (col(TaskOutbox.attempts) < lost.max_attempts)
            )
        statement = select(TaskOutbox).where(pending)
        if ids is not None:
            statement = statement.where(col(TaskOutbox.id).in_(list(ids)))
        statement = statement.order_by(col(TaskOutbox.created_at)).limit(limit)
        rows = session.exec(statement.with_for_update(skip_locked=True)).all()
        sent: list[uuid.UUID] = []
        for row in rows:
            try:
                publish(row.task_name, list(row.args), str(row.id))
            except Exception as exc:
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                session.add(row)
                break  # the broker is down: the rest would fail the same way
            sent.append(row.id)
        if sent:
            session.execute(
                update(TaskOutbox)
                .where(col(TaskOutbox.id).in_(sent))
                .values(
                    dispatched_at=utcnow(), attempts=col(TaskOutbox.attempts) + 1, last_error=None
                )
                .execution_options(synchronize_session=False)
            )
        session.commit()
    return len(sent)


def already_completed(session: Session, job_id: str | None) -> bool:
    """Whether the outbox job ``job_id`` (a Celery task id) has already run to completion."""
    key = _job_key(job_id)
    if key is None:
        return False
    done = session.exec(select(TaskOutbox.completed_at).where(col(TaskOutbox.id) == key)).first()
    return done is not None


def claim_completion(session: Session, job_id: str | None) -> bool:
    """Mark the job completed in the caller's transaction; ``False`` if another run of the same
    job already did (the caller then rolls back). Jobs that are not outbox rows (periodic ones)
    always claim. Done last, so a long task holds no lock while it works."""
    key = _job_key(job_id)
    if key is None:
        return True
    result = session.execute(
        update(TaskOutbox)
        .where(col(TaskOutbox.id) == key, col(TaskOutbox.completed_at).is_(None))
        .values(completed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0):
        return True
    return session.exec(select(TaskOutbox.id).where(col(TaskOutbox.id) == key)).first() is None


def _job_key(job_id: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(job_id) if job_id else None
    except ValueError:
        return None


def pending_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(
            select(func.count())
            .select_from(TaskOutbox)
            .where(col(TaskOutbox.dispatched_at).is_(None))
        ).one()
